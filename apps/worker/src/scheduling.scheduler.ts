import { Inject, Injectable, type OnApplicationBootstrap } from '@nestjs/common';
import { APP_CONFIG, JobQueue, type AppConfig } from '@farmhand/core';

/**
 * The print scheduler's periodic pass (orgId null: every organization), a safety net behind the event-driven
 * passes: it also re-sends dispatches whose enqueue was lost. An idempotent BullMQ job scheduler, like maintenance.
 */
@Injectable()
export class SchedulingTick implements OnApplicationBootstrap {
  constructor(
    private readonly jobs: JobQueue,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    await this.jobs
      .queueFor('scheduler.pass')
      .upsertJobScheduler(
        'scheduler-tick',
        { every: this.config.SCHEDULER_TICK_SECONDS * 1000 },
        { name: 'scheduler.pass', data: { orgId: null, reason: 'tick' } },
      );
  }
}
