import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { FileStorage, StagedUpload } from '../storage/file-storage';
import type { GcodeAnalysis } from './gcode-analysis';
import { GcodeAnalyzerStream, type GcodeAnalyzerOptions } from './gcode-analyzer';

export interface StoredGcodeUpload {
  analysis: GcodeAnalysis;
  /** The same bytes were already stored (by this organisation or another): nothing new was written. */
  duplicate: boolean;
}

export interface StoreGcodeUploadOptions extends GcodeAnalyzerOptions {
  /** Aborts the upload (client gone, server shutting down); the staged bytes are discarded. */
  signal?: AbortSignal;
}

/**
 * The upload flow in one call: the body streams through the analyzer into a staged file (read once, never held in
 * memory), then the staged file moves to its content hash. On any failure (too large, not G-code, client gone,
 * disk full) the staged bytes are discarded and the error is rethrown: GcodeRejectedError for the content,
 * anything else for infrastructure.
 *
 * Whether this organisation already has a record for `analysis.sha256` is the caller's question (its database);
 * `duplicate` only says whether the bytes were already in storage.
 */
export async function storeGcodeUpload(
  source: Readable | AsyncIterable<Uint8Array>,
  storage: FileStorage,
  options: StoreGcodeUploadOptions = {},
): Promise<StoredGcodeUpload> {
  const { signal, ...analyzerOptions } = options;
  // A client can vanish while storage is being prepared; its 'error' must not go unheard (that would crash the
  // process). pipeline() sees the destroyed source afterwards and rejects.
  const ignore = (): void => undefined;
  if (source instanceof Readable) source.on('error', ignore);
  let staged: StagedUpload;
  try {
    staged = await storage.stage();
  } catch (error) {
    if (source instanceof Readable) source.destroy();
    throw error;
  } finally {
    if (source instanceof Readable) source.off('error', ignore);
  }
  const analyzer = new GcodeAnalyzerStream(analyzerOptions);
  try {
    await pipeline(source, analyzer, staged.stream, signal ? { signal } : {});
    const analysis = analyzer.analysis;
    const committed = await staged.commit(analysis.sha256);
    return { analysis, duplicate: committed.duplicate };
  } catch (error) {
    await staged.discard();
    throw error;
  }
}
