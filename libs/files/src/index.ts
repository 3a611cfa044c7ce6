// G-code library: streaming analysis, file names, content-addressed storage.
export {
  analyzeGcode,
  DEFAULT_MAX_GCODE_BYTES,
  DEFAULT_MAX_LINE_BYTES,
  GcodeAnalyzer,
  GcodeAnalyzerStream,
} from './gcode/gcode-analyzer';
export type { GcodeAnalyzerOptions } from './gcode/gcode-analyzer';
export type {
  GcodeAnalysis,
  GcodeExtent,
  GcodeMetadata,
  GcodeThumbnail,
  ThumbnailFormat,
} from './gcode/gcode-analysis';
export { GcodeRejectedError } from './gcode/gcode.exception';
export type { GcodeRejectionCode, NotGcodeReason } from './gcode/gcode.exception';
export { GCODE_EXTENSIONS, MAX_FILE_NAME_BYTES, sanitizeGcodeFileName } from './gcode/file-name';
export { DEFAULT_THUMBNAIL_LIMITS } from './gcode/thumbnail-collector';
export type { ThumbnailLimits } from './gcode/thumbnail-collector';
export { storeGcodeUpload } from './gcode/store-gcode-upload';
export type { StoreGcodeUploadOptions, StoredGcodeUpload } from './gcode/store-gcode-upload';

export { assertContentHash, FILE_STORAGE, isContentHash } from './storage/file-storage';
export type { CommitResult, FileStorage, ReadRange, StagedUpload, StoredFileStat } from './storage/file-storage';
export { LocalDiskFileStorage } from './storage/local-disk-file-storage';
export type { LocalDiskFileStorageOptions } from './storage/local-disk-file-storage';
export { StorageError } from './storage/storage.exception';
export type { StorageErrorCode } from './storage/storage.exception';
