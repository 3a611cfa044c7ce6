export { FAILURE_SCORING } from './failure-scoring.constants';
export {
  clampSensitivity,
  createFailureScoreState,
  failureScoreStateSchema,
  acceptPrintLevel,
  markPrintAlerted,
  parseFailureScoreState,
  scoreFrame,
  settlePrint,
  startNewPrint,
} from './failure-scoring';
export type { FailureScoreState, FailureVerdict, FrameScoring, ScoringOptions } from './failure-scoring';
