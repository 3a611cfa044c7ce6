import { createHash, randomUUID } from 'node:crypto';
import { once } from 'node:events';
import { createWriteStream, type WriteStream } from 'node:fs';
import { link, mkdir, open, readdir, rename, rm, stat, unlink } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { Transform, type Readable } from 'node:stream';
import { finished, pipeline } from 'node:stream/promises';
import {
  assertContentHash,
  type CommitResult,
  type FileStorage,
  type ReadRange,
  type StagedUpload,
  type StoredFileStat,
} from './file-storage';
import { StorageError } from './storage.exception';

export interface LocalDiskFileStorageOptions {
  /** The data directory; files live under `<dataDir>/gcode/<first two hex digits>/<sha256>`. */
  dataDir: string;
  /** fsync file and directory before a commit returns (default true). Tests may turn it off for speed. */
  durable?: boolean;
}

const STAGING_DIRECTORY = '.staging';
const STAGING_SUFFIX = '.part';
const FILE_MODE = 0o640;

/**
 * FileStorage on a local (or mounted) file system. Staged files live in `<dataDir>/gcode/.staging`, on the same
 * file system as their destination, so the final step is a link (or rename), which is atomic.
 */
export class LocalDiskFileStorage implements FileStorage {
  private readonly root: string;
  private readonly staging: string;
  private readonly durable: boolean;

  constructor(options: LocalDiskFileStorageOptions) {
    this.root = resolve(options.dataDir, 'gcode');
    this.staging = join(this.root, STAGING_DIRECTORY);
    this.durable = options.durable ?? true;
  }

  /** Where a hash lives on disk (for diagnostics and tests; callers read through `openRead`). */
  pathOf(sha256: string): string {
    assertContentHash(sha256);
    return join(this.root, sha256.slice(0, 2), sha256);
  }

  async stage(): Promise<StagedUpload> {
    await mkdir(this.staging, { recursive: true });
    const path = join(this.staging, `${randomUUID()}${STAGING_SUFFIX}`);
    const stream = createWriteStream(path, { flags: 'wx', mode: FILE_MODE, flush: this.durable });
    // Open now so a full disk or a permission problem surfaces here, not in the middle of an upload.
    await new Promise<void>((resolveOpen, rejectOpen) => {
      stream.once('ready', () => resolveOpen());
      stream.once('error', rejectOpen);
    });
    return new LocalStagedUpload(path, stream, this);
  }

  async put(source: Readable | AsyncIterable<Uint8Array>, expectedSha256?: string): Promise<CommitResult> {
    if (expectedSha256 !== undefined) assertContentHash(expectedSha256);
    const staged = await this.stage();
    const hash = createHash('sha256');
    const hashing = new Transform({
      transform(chunk: Buffer, _encoding, callback) {
        hash.update(chunk);
        callback(null, chunk);
      },
    });
    try {
      await pipeline(source, hashing, staged.stream);
      const sha256 = hash.digest('hex');
      if (expectedSha256 !== undefined && sha256 !== expectedSha256) {
        throw StorageError.hashMismatch(expectedSha256, sha256);
      }
      return await staged.commit(sha256);
    } catch (error) {
      await staged.discard();
      throw error;
    }
  }

  async exists(sha256: string): Promise<boolean> {
    return (await this.stat(sha256)) !== null;
  }

  async stat(sha256: string): Promise<StoredFileStat | null> {
    try {
      const info = await stat(this.pathOf(sha256));
      return info.isFile() ? { sha256, sizeBytes: info.size, storedAt: info.mtime } : null;
    } catch (error) {
      if (isNotFound(error)) return null;
      throw error;
    }
  }

  async openRead(sha256: string, range?: ReadRange): Promise<Readable> {
    if (range && !isValidRange(range)) throw new RangeError('Invalid read range');
    let handle;
    try {
      handle = await open(this.pathOf(sha256), 'r');
    } catch (error) {
      if (isNotFound(error)) throw StorageError.notFound(sha256);
      throw error;
    }
    return handle.createReadStream(range ? { start: range.start, end: range.end } : {});
  }

  async delete(sha256: string): Promise<boolean> {
    try {
      await unlink(this.pathOf(sha256));
      return true;
    } catch (error) {
      if (isNotFound(error)) return false;
      throw error;
    }
  }

  async removeStaleStaging(olderThan: Date): Promise<number> {
    let names: string[];
    try {
      names = await readdir(this.staging);
    } catch (error) {
      if (isNotFound(error)) return 0;
      throw error;
    }
    let removed = 0;
    for (const name of names) {
      if (!name.endsWith(STAGING_SUFFIX)) continue;
      const path = join(this.staging, name);
      try {
        if ((await stat(path)).mtime < olderThan) {
          await unlink(path);
          removed++;
        }
      } catch (error) {
        if (!isNotFound(error)) throw error;
      }
    }
    return removed;
  }

  /** Moves a finished staged file to its content address. Used by LocalStagedUpload. */
  async commitStaged(stagedPath: string, sha256: string): Promise<CommitResult> {
    const destination = this.pathOf(sha256);
    const directory = join(this.root, sha256.slice(0, 2));
    const { size } = await stat(stagedPath);
    await mkdir(directory, { recursive: true });
    let duplicate = false;
    try {
      // link() fails on an existing name, unlike rename(): the first copy stays and the duplicate is detected.
      await link(stagedPath, destination);
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      if (code === 'EEXIST') {
        duplicate = true;
      } else if (code === 'EPERM' || code === 'ENOTSUP' || code === 'EOPNOTSUPP' || code === 'EXDEV') {
        // File systems without hard links (some network mounts): rename, after checking for a copy.
        duplicate = await this.exists(sha256);
        if (!duplicate) await rename(stagedPath, destination);
      } else {
        throw error;
      }
    }
    await rm(stagedPath, { force: true });
    if (this.durable && !duplicate) await syncDirectory(directory);
    return { sha256, sizeBytes: size, duplicate };
  }
}

class LocalStagedUpload implements StagedUpload {
  private settled = false;

  constructor(
    private readonly path: string,
    readonly stream: WriteStream,
    private readonly storage: LocalDiskFileStorage,
  ) {}

  async commit(sha256: string): Promise<CommitResult> {
    assertContentHash(sha256);
    if (this.settled) throw new Error('StagedUpload already committed or discarded');
    if (!this.stream.writableFinished) throw new Error('StagedUpload.commit before its stream finished');
    if (!this.stream.closed) await once(this.stream, 'close');
    if (this.stream.errored) throw this.stream.errored;
    this.settled = true;
    return this.storage.commitStaged(this.path, sha256);
  }

  async discard(): Promise<void> {
    this.settled = true;
    if (!this.stream.closed) {
      this.stream.destroy();
      await finished(this.stream).catch(() => undefined);
    }
    await rm(this.path, { force: true });
  }
}

async function syncDirectory(directory: string): Promise<void> {
  const handle = await open(directory, 'r');
  try {
    await handle.sync();
  } catch (error) {
    // Some platforms (Windows, some network file systems) cannot fsync a directory; the file itself is synced.
    const code = (error as NodeJS.ErrnoException).code;
    if (code !== 'EINVAL' && code !== 'EPERM' && code !== 'EISDIR') throw error;
  } finally {
    await handle.close();
  }
}

function isValidRange(range: ReadRange): boolean {
  return (
    Number.isSafeInteger(range.start) && Number.isSafeInteger(range.end) && range.start >= 0 && range.end >= range.start
  );
}

function isNotFound(error: unknown): boolean {
  const code = (error as NodeJS.ErrnoException | null)?.code;
  return code === 'ENOENT' || code === 'ENOTDIR';
}
