export { DetectionModel, BatchTooLargeError, EmbeddingUnavailableError } from './detection-model';
export type {
  DetectOptions,
  EmbeddingResult,
  TileScore,
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
  tiledSize,
  tileLayout,
} from './frame-preprocessor';
export type {
  Box,
  TileBox,
  FrameGeometry,
  FrameRejectionCode,
  PreprocessOptions,
  RegionOfInterest,
} from './frame-preprocessor';
export { readJpegHeader } from './jpeg-header';
export type { JpegHeader } from './jpeg-header';
export {
  EXECUTION_PROVIDERS,
  InferenceConfigError,
  openInferenceSession,
  parseExecutionProviders,
} from './inference-session';
export type { ExecutionProvider, OpenSessionOptions, OpenedSession } from './inference-session';
export { silentLogger } from './inference-logger';
export type { InferenceLogger } from './inference-logger';
export {
  ModelManifestError,
  loadHeadFile,
  loadModelDirectory,
  modelManifestSchema,
  parseModelManifest,
} from './model-manifest';
export type { ModelDirectory, ModelManifest, ModelManifestInput, ScoringConfig, TilesConfig } from './model-manifest';
export * from './heads';
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
