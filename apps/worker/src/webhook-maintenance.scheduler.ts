import { Inject, Injectable, type OnApplicationBootstrap } from '@nestjs/common';
import { APP_CONFIG, JobQueue, type AppConfig } from '@farmhand/core';

/**
 * Every 5 minutes: queue webhook deliveries whose enqueue was lost, prune the delivery log past
 * WEBHOOK_DELIVERY_RETENTION_DAYS. An idempotent BullMQ job scheduler, like maintenance; one try (the next
 * period is the retry).
 */
@Injectable()
export class WebhookMaintenanceScheduler implements OnApplicationBootstrap {
  constructor(
    private readonly jobs: JobQueue,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    await this.jobs.queueFor('webhook.maintain').upsertJobScheduler(
      'webhook-maintain',
      { every: 5 * 60 * 1000 },
      {
        name: 'webhook.maintain',
        data: { orgId: null, retentionDays: this.config.WEBHOOK_DELIVERY_RETENTION_DAYS },
        opts: { attempts: 1 },
      },
    );
  }
}
