import type { Readable, Writable } from 'node:stream';
import { StorageError } from './storage.exception';

/** Injection token for the configured FileStorage (the files module binds it; this library stays free of Nest). */
export const FILE_STORAGE = Symbol('FileStorage');

export interface StoredFileStat {
  sha256: string;
  sizeBytes: number;
  storedAt: Date;
}

export interface CommitResult {
  sha256: string;
  sizeBytes: number;
  /** True when content with this hash was already stored; the staged copy was dropped. */
  duplicate: boolean;
}

/** Byte range to read, both ends inclusive (as in HTTP Range and fs.createReadStream). */
export interface ReadRange {
  start: number;
  end: number;
}

/**
 * Bytes being written before their hash is known. Write them to `stream` (end it), then `commit` them under the
 * sha256 computed on the way in, or `discard` them. Exactly one of the two must follow; `discard` is idempotent
 * and safe after a failed commit.
 */
export interface StagedUpload {
  readonly stream: Writable;
  /**
   * Moves the staged bytes to their content address, atomically: readers see the whole file or nothing. The caller
   * vouches for `sha256` (it hashed the same bytes, e.g. with GcodeAnalyzerStream); `put` hashes for itself.
   */
  commit(sha256: string): Promise<CommitResult>;
  discard(): Promise<void>;
}

/**
 * Content-addressed blob storage for G-code. A file is named by its sha256 only, so two uploads of the same
 * bytes (in one organisation or several) share one copy; deciding when no record references a hash any more,
 * and so when to `delete` it, is the caller's job.
 *
 * The local-disk implementation stages into a temp file and renames it into place. An S3-compatible one maps
 * the same steps: `stage` = a multipart upload to a temporary key, `commit` = a conditional copy to the content
 * key (If-None-Match: *, a 412 meaning duplicate) and deleting the temporary key, `openRead` = GetObject with a
 * Range, `removeStaleStaging` = a bucket lifecycle rule or a listing of the temporary prefix.
 */
export interface FileStorage {
  stage(): Promise<StagedUpload>;
  /** Stores `source`, hashing it; with `expectedSha256`, refuses content that does not match (`content_hash_mismatch`). */
  put(source: Readable | AsyncIterable<Uint8Array>, expectedSha256?: string): Promise<CommitResult>;
  exists(sha256: string): Promise<boolean>;
  stat(sha256: string): Promise<StoredFileStat | null>;
  /** Throws `stored_file_not_found` when absent. */
  openRead(sha256: string, range?: ReadRange): Promise<Readable>;
  /** Returns whether something was deleted. */
  delete(sha256: string): Promise<boolean>;
  /** Removes staged uploads left behind by a crash, older than `olderThan`; returns how many. */
  removeStaleStaging(olderThan: Date): Promise<number>;
}

const CONTENT_HASH = /^[0-9a-f]{64}$/;

export function isContentHash(value: unknown): value is string {
  return typeof value === 'string' && CONTENT_HASH.test(value);
}

/** Every storage method checks its hash with this before building a path or key from it. */
export function assertContentHash(value: unknown): asserts value is string {
  if (!isContentHash(value)) throw StorageError.invalidHash();
}
