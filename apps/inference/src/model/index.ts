export { DetectionModel, BatchTooLargeError } from './detection-model';
export type {
  DetectionFrame,
  DetectionModelOptions,
  DetectionResult,
  FrameDetection,
  PreparedBatch,
} from './detection-model';
export {
  DEFAULT_PREPROCESS_OPTIONS,
  FULL_FRAME,
  FramePreprocessor,
  FrameRejectedError,
  regionOfInterestSchema,
} from './frame-preprocessor';
export type { Box, FrameGeometry, FrameRejectionCode, PreprocessOptions, RegionOfInterest } from './frame-preprocessor';
export {
  EXECUTION_PROVIDERS,
  InferenceConfigError,
  openInferenceSession,
  parseExecutionProviders,
} from './inference-session';
export type { ExecutionProvider, OpenSessionOptions, OpenedSession } from './inference-session';
export { silentLogger } from './inference-logger';
export type { InferenceLogger } from './inference-logger';
export { ModelManifestError, loadModelDirectory, modelManifestSchema, parseModelManifest } from './model-manifest';
export type { ModelDirectory, ModelManifest, ModelManifestInput } from './model-manifest';
export {
  ModelOutputError,
  ProbabilityDecoder,
  YoloObicoDecoder,
  createOutputDecoder,
  nonMaximumSuppression,
} from './decoders';
export type { DecodedFrame, Detection, OutputDecoder, OutputTensor } from './decoders';
// The ONNX graph builder (onnx-proto, a dev dependency) is imported by path by tests, the bench and the model build,
// never through this index: the inference role must start with production dependencies only.
