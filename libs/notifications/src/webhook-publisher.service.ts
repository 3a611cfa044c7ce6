import { Inject, Injectable } from '@nestjs/common';
import { JobQueue, LOGGER } from '@farmhand/core';
import type { Logger } from 'pino';
import { WebhookDeliveriesRepository } from './webhook-deliveries.repository';
import type { SubscribableWebhookEvent } from './webhook-events';
import { NotificationChannelsRepository } from './channels/notification-channels.repository';
import { WebhooksRepository } from './webhooks.repository';

/**
 * Turns one event of an organization into deliveries: a pending row per subscribed, enabled webhook and notification
 * channel (channels also filter by fleet), then a
 * `webhook.deliver` job per row (job id = delivery id, so enqueueing twice sends once). Runs in whatever role
 * emitted the event; the worker sends. A lost enqueue is picked up by `webhook.maintain`.
 */
@Injectable()
export class WebhookPublisher {
  constructor(
    private readonly webhooks: WebhooksRepository,
    private readonly deliveries: WebhookDeliveriesRepository,
    private readonly channels: NotificationChannelsRepository,
    private readonly jobs: JobQueue,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {}

  /** `data` is only computed when some webhook or channel listens, so quiet organizations pay two queries. */
  async publish(
    orgId: string,
    event: SubscribableWebhookEvent,
    data: () => Promise<Record<string, unknown>>,
  ): Promise<string[]> {
    const listening =
      (await this.webhooks.subscribers(orgId, event)).length > 0 || (await this.channels.anySubscribed(orgId, event));
    if (!listening) return [];
    const ids = await this.deliveries.createForSubscribers(orgId, event, await data());
    await this.enqueue(orgId, ids);
    return ids;
  }

  async enqueue(orgId: string, deliveryIds: string[]): Promise<void> {
    const results = await Promise.allSettled(
      deliveryIds.map((deliveryId) =>
        this.jobs.enqueue('webhook.deliver', { orgId, deliveryId }, { jobId: deliveryId }),
      ),
    );
    const failed = results.filter((result) => result.status === 'rejected');
    if (failed.length)
      this.logger.error(
        { orgId, failed: failed.length, err: (failed[0] as PromiseRejectedResult).reason },
        'webhook deliveries recorded but not queued; the periodic sweep will queue them',
      );
  }
}
