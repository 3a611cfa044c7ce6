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
export { GCODE_EXTENSIONS, MAX_FILE_NAME_BYTES, PRINT_FILE_EXTENSIONS, sanitizeGcodeFileName } from './gcode/file-name';
export {
  bgcodeMetadata,
  formatOfMetadata,
  printFileFormatOf,
  storePrintFileUpload,
  threeMfMetadata,
} from './formats/print-file';
export type { PrintFileFormat } from './formats/print-file';
export { BgcodeMetadataReader, writeBgcode } from './formats/bgcode';
export type { BgcodeInfo } from './formats/bgcode';
export { bufferReader, readThreeMf, writeZip, BAMBU_MODEL_IDS } from './formats/three-mf';
export type { PlateInfo, ThreeMfInfo } from './formats/three-mf';
/** Well-formed .bgcode and project .3mf files built in memory, for the specs and the mixed demo. */
export { sampleBgcode, sampleThreeMf } from './formats/sample-print-files';
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

// Nest module: the organization's G-code library and the agents' signed downloads.
export { FilesModule } from './files.module';
export { FilesService, toFileView } from './files.service';
export { receiveUpload } from './upload/upload-receiver';
export type { IncomingUpload } from './upload/upload-receiver';
export type { DownloadStream, FileView, UploadResult } from './files.service';
export { FileUsageRegistry } from './file-usage.registry';
export { FilesStagingJobs, STAGING_MAX_IDLE_MINUTES } from './jobs/files-staging.jobs';
export type { FileUsageCheck } from './file-usage.registry';
export { GcodeFile } from './entities/gcode-file.entity';
export type { StoredThumbnail } from './entities/gcode-file.entity';
export { GCODE_DOWNLOAD_PATH, signDownloadUrl, verifyDownloadSignature } from './downloads/download-signature';
export type { DownloadGrant, DownloadVerdict } from './downloads/download-signature';
export type { FilesEventMap } from './files.events';

export { FileDirectory, GCODE_FILES_TABLE } from './file-directory';
export type { FileFacts } from './file-directory';
