import { createReadStream, type ReadStream } from 'node:fs';
import { readFile, rm } from 'node:fs/promises';
import { join, resolve, sep } from 'node:path';
import { Inject, Injectable } from '@nestjs/common';
import { APP_CONFIG, type AppConfig, writeFileAtomically } from '@farmhand/core';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * Webcam frames on disk: DATA_DIR/frames/<org>/<printer>/<yyyy-mm-dd>/<frame>.jpg. Paths are built from ids only and
 * checked to stay under the root; a file is written under a temporary name and renamed, so a reader never sees half.
 */
@Injectable()
export class FrameStorage {
  readonly root: string;

  constructor(@Inject(APP_CONFIG) config: AppConfig) {
    this.root = resolve(config.DATA_DIR, 'frames');
  }

  pathFor(orgId: string, printerId: string, frameId: string, takenAt: Date): string {
    for (const id of [orgId, printerId, frameId]) if (!UUID.test(id)) throw new Error(`not an id: ${id}`);
    const day = takenAt.toISOString().slice(0, 10);
    return [orgId, printerId, day, `${frameId}.jpg`].join('/');
  }

  write(relativePath: string, bytes: Uint8Array): Promise<void> {
    return writeFileAtomically(this.absolute(relativePath), bytes);
  }

  read(relativePath: string): Promise<Buffer> {
    return readFile(this.absolute(relativePath));
  }

  open(relativePath: string): ReadStream {
    return createReadStream(this.absolute(relativePath));
  }

  /** Deleting a file that is already gone is not an error (a prune interrupted half-way runs again). */
  async remove(relativePath: string): Promise<void> {
    await rm(this.absolute(relativePath), { force: true });
  }

  absolute(relativePath: string): string {
    const full = resolve(join(this.root, relativePath));
    if (!full.startsWith(this.root + sep)) throw new Error('frame path outside the frame directory');
    return full;
  }
}
