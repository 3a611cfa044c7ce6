import { Inject, Injectable } from '@nestjs/common';
import { REDIS, REDIS_KEYS, type RedisKeys } from '@farmhand/core';
import type { Redis } from 'ioredis';
import { IMPORT_LIMITS } from '../enrollment.constants';

export type ImportPhase = 'parsing' | 'checking' | 'writing' | 'rendering' | 'done' | 'failed';

export interface ImportProgress {
  importId: string;
  mode: 'dry-run' | 'commit';
  phase: ImportPhase;
  /** Data rows parsed and validated so far. */
  rowsParsed: number;
  /** Printers written so far (commit). */
  rowsWritten: number;
  /** Known once the file is parsed. */
  rowsTotal: number | null;
  bytesTotal: number;
  startedAt: string;
  updatedAt: string;
  /** Set when the phase is `failed`: the error code answered. */
  error?: string;
}

/**
 * An import's progress in Redis, keyed by organization and import id, so that a dashboard can show a long commit
 * moving (GET …/enrollment/imports/:importId) and another organization cannot read it.
 */
@Injectable()
export class ImportProgressStore {
  constructor(
    @Inject(REDIS) private readonly redis: Redis,
    @Inject(REDIS_KEYS) private readonly keys: RedisKeys,
  ) {}

  async save(orgId: string, progress: ImportProgress): Promise<void> {
    await this.redis.set(
      this.key(orgId, progress.importId),
      JSON.stringify(progress),
      'EX',
      IMPORT_LIMITS.progressTtlSeconds,
    );
  }

  async get(orgId: string, importId: string): Promise<ImportProgress | null> {
    const raw = await this.redis.get(this.key(orgId, importId));
    return raw === null ? null : (JSON.parse(raw) as ImportProgress);
  }

  private key(orgId: string, importId: string): string {
    return this.keys.key('enrollment-import', orgId, importId);
  }
}
