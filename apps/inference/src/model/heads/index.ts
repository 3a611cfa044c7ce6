export {
  DEFAULT_HEAD_TRAINING,
  HeadMismatchError,
  MAX_HEAD_FEATURES,
  applyHead,
  headLogit,
  logisticHeadSchema,
  shiftHead,
  sigmoid,
  standardizationOf,
  trainLogisticHead,
} from './logistic-head';
export type { LabelledEmbedding, LogisticHead, TrainLogisticHeadOptions } from './logistic-head';
