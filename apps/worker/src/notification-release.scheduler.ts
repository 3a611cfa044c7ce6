import { Injectable, type OnApplicationBootstrap } from '@nestjs/common';
import { JobQueue } from '@farmhand/core';

/**
 * Every minute: send personal notifications whose quiet hours ended and the digests whose hour came. One try (the
 * next minute is the retry); what is due is taken from the table, so a missed minute loses nothing.
 */
@Injectable()
export class NotificationReleaseScheduler implements OnApplicationBootstrap {
  constructor(private readonly jobs: JobQueue) {}

  async onApplicationBootstrap(): Promise<void> {
    await this.jobs
      .queueFor('notification.release')
      .upsertJobScheduler(
        'notification-release',
        { every: 60 * 1000 },
        { name: 'notification.release', data: { orgId: null }, opts: { attempts: 1 } },
      );
  }
}
