import { randomUUID } from 'node:crypto';
import { mkdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { dirname, join, resolve, sep } from 'node:path';
import { Inject, Injectable } from '@nestjs/common';
import { APP_CONFIG, type AppConfig } from '@farmhand/core';

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

  async write(relativePath: string, bytes: Uint8Array): Promise<void> {
    const target = this.absolute(relativePath);
    await mkdir(dirname(target), { recursive: true });
    const temporary = `${target}.${randomUUID()}.tmp`;
    try {
      await writeFile(temporary, bytes, { flag: 'wx' });
      await rename(temporary, target);
    } catch (error) {
      await rm(temporary, { force: true });
      throw error;
    }
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
