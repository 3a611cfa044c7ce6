import { Inject, Injectable } from '@nestjs/common';
import { OnJob, type JobPayloads } from '@farmhand/core';
import { FILE_STORAGE, type FileStorage } from '../storage/file-storage';

/**
 * An upload's staging file is written on every chunk, so one untouched this long belongs to an upload that
 * died (client gone, api restarted mid-stream) and will never be committed.
 */
export const STAGING_MAX_IDLE_MINUTES = 60;

/** Periodic upkeep of the G-code storage (declared by the worker's maintenance scheduler). */
@Injectable()
export class FilesStagingJobs {
  constructor(@Inject(FILE_STORAGE) private readonly storage: FileStorage) {}

  @OnJob('files.staging.prune')
  async pruneStaging(payload: JobPayloads['files.staging.prune']): Promise<{ status: 'pruned'; removed: number }> {
    const olderThan = new Date(Date.now() - payload.olderThanMinutes * 60_000);
    return { status: 'pruned', removed: await this.storage.removeStaleStaging(olderThan) };
  }
}
