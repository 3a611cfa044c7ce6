import { readFile, rm } from 'node:fs/promises';
import { join, resolve, sep } from 'node:path';
import { Inject, Injectable } from '@nestjs/common';
import { APP_CONFIG, type AppConfig, writeFileAtomically } from '@farmhand/core';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * Maintenance photos on disk: DATA_DIR/maintenance/<org>/<completion>/<photo>.jpg, like webcam frames: paths from
 * ids only, checked to stay under the root, written under a temporary name and renamed.
 */
@Injectable()
export class PhotoStorage {
  readonly root: string;

  constructor(@Inject(APP_CONFIG) config: AppConfig) {
    this.root = resolve(config.DATA_DIR, 'maintenance');
  }

  pathFor(orgId: string, completionId: string, photoId: string): string {
    for (const id of [orgId, completionId, photoId]) if (!UUID.test(id)) throw new Error(`not an id: ${id}`);
    return [orgId, completionId, `${photoId}.jpg`].join('/');
  }

  write(relativePath: string, bytes: Uint8Array): Promise<void> {
    return writeFileAtomically(this.absolute(relativePath), bytes);
  }

  read(relativePath: string): Promise<Buffer> {
    return readFile(this.absolute(relativePath));
  }

  async remove(relativePath: string): Promise<void> {
    await rm(this.absolute(relativePath), { force: true });
  }

  private absolute(relativePath: string): string {
    const full = resolve(join(this.root, relativePath));
    if (!full.startsWith(this.root + sep)) throw new Error('photo path outside the maintenance directory');
    return full;
  }
}
