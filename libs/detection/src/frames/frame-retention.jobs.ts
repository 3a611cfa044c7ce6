import { Inject, Injectable } from '@nestjs/common';
import { LOGGER, OnJob, type JobOutcome, type JobPayloads } from '@farmhand/core';
import type { Logger } from 'pino';
import { DataSource } from 'typeorm';
import { FrameStorage } from './frame-storage';
import { FramesRepository } from './frames.repository';

const BATCH = 500;

/**
 * `frames.prune` (maintenance queue, daily): deletes frames past FRAME_RETENTION_DAYS, row and file, in batches.
 * Frames around alerts and of labelled prints are kept (see FramesRepository.claimPrunable). Rows go first, inside
 * the claim's transaction; a file whose row is gone is never served, and a crash between the two leaves only an
 * orphan file rather than a row pointing at nothing.
 */
@Injectable()
export class FrameRetentionJobs {
  constructor(
    private readonly dataSource: DataSource,
    private readonly frames: FramesRepository,
    private readonly storage: FrameStorage,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {}

  @OnJob('frames.prune')
  async prune(payload: JobPayloads['frames.prune']): Promise<JobOutcome> {
    const cutoff = new Date(Date.now() - payload.olderThanDays * 24 * 3600 * 1000);
    let deleted = 0;
    for (;;) {
      const claimed = await this.dataSource.transaction(async (manager) => {
        const rows = await this.frames.claimPrunable(manager, cutoff, BATCH);
        await this.frames.deleteMany(
          manager,
          rows.map((row) => row.id),
        );
        return rows;
      });
      for (const row of claimed) {
        try {
          await this.storage.remove(row.storagePath);
        } catch (error) {
          this.logger.warn({ err: error, frameId: row.id }, 'could not delete a pruned frame file');
        }
      }
      deleted += claimed.length;
      if (claimed.length < BATCH) break;
    }
    return { status: 'pruned', deleted, olderThanDays: payload.olderThanDays };
  }
}
