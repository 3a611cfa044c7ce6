import { Inject, Injectable } from '@nestjs/common';
import { DEFAULT_JOB_OPTIONS, LOGGER, OnJob, QUEUE_OPTIONS, QueueName, type JobPayloads } from '@farmhand/core';
import type { Logger } from 'pino';
import { ChannelDeliverer } from '../channels/channel-deliverer';
import { NotificationChannelsRepository } from '../channels/notification-channels.repository';
import { WebhookSender, type SendResult } from '../delivery/webhook-sender';
import type { WebhookDelivery } from '../entities/webhook-delivery.entity';
import { WEBHOOK_SECRET_CIPHER, WEBHOOK_SENDER } from '../notifications.tokens';
import { WebhookDeliveriesRepository } from '../webhook-deliveries.repository';
import { WebhookPublisher } from '../webhook-publisher.service';
import type { WebhookSecretCipher } from '../webhook-secret.cipher';
import { signWebhook } from '../webhook-signature';
import { WebhooksRepository } from '../webhooks.repository';

export const MAX_DELIVERY_ATTEMPTS =
  QUEUE_OPTIONS[QueueName.Notifications].defaults?.attempts ?? DEFAULT_JOB_OPTIONS.attempts ?? 1;
/** A pending delivery untried for this long lost its enqueue (or waits behind a stopped worker): queue it again. */
const UNTRIED_AFTER_MS = 5 * 60_000;

/** The body every receiver gets; rebuilt from the row, so every try sends the same bytes. */
export function deliveryBody(delivery: {
  id: string;
  event: string;
  createdAt: Date;
  orgId: string;
  payload: Record<string, unknown>;
}): string {
  return JSON.stringify({
    id: delivery.id,
    event: delivery.event,
    createdAt: delivery.createdAt.toISOString(),
    orgId: delivery.orgId,
    data: delivery.payload,
  });
}

@Injectable()
export class WebhookJobs {
  constructor(
    private readonly deliveries: WebhookDeliveriesRepository,
    private readonly webhooks: WebhooksRepository,
    private readonly publisher: WebhookPublisher,
    @Inject(WEBHOOK_SENDER) private readonly sender: WebhookSender,
    @Inject(WEBHOOK_SECRET_CIPHER) private readonly cipher: WebhookSecretCipher,
    private readonly channels: NotificationChannelsRepository,
    private readonly channelDeliverer: ChannelDeliverer,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {}

  /**
   * One try of one delivery. 2xx: delivered. Anything else is recorded on the row and thrown, so BullMQ retries
   * with backoff; the last try (or a refused address, which no retry fixes) marks it failed for good.
   */
  @OnJob('webhook.deliver')
  async deliver(payload: JobPayloads['webhook.deliver'], job: { attemptsMade: number }) {
    const found = await this.deliveries.loadToSend(payload.orgId, payload.deliveryId);
    if (!found) return this.deliverToChannel(payload, job.attemptsMade + 1);
    const { delivery, url, enabled } = found;
    if (delivery.status !== 'pending') return { status: 'stale', state: delivery.status };
    const attempts = job.attemptsMade + 1;
    if (!enabled && delivery.event !== 'webhook.test')
      return this.fail(delivery.id, delivery.webhookId, attempts, null, 'the webhook was disabled');

    let secret: string;
    try {
      secret = this.cipher.decrypt(found.secretCiphertext, delivery.webhookId);
    } catch {
      // SECRET_KEY changed since the secret was stored: nothing signs until the secret is rotated.
      return this.fail(delivery.id, delivery.webhookId, attempts, null, 'the signing secret cannot be read; rotate it');
    }
    const body = deliveryBody(delivery);
    const timestamp = Math.floor(Date.now() / 1000);
    const result = await this.sender.post(
      url,
      {
        'Content-Type': 'application/json',
        'User-Agent': 'Farmhand-Webhooks',
        'X-Farmhand-Event': delivery.event,
        'X-Farmhand-Delivery': delivery.id,
        'X-Farmhand-Timestamp': String(timestamp),
        'X-Farmhand-Signature': signWebhook(secret, timestamp, body),
      },
      body,
    );
    const log = { orgId: payload.orgId, deliveryId: delivery.id, event: delivery.event, attempts };
    if (result.ok) {
      const at = new Date();
      await this.deliveries.recordTry(delivery.id, {
        status: 'delivered',
        attempts,
        responseStatus: result.status,
        error: null,
        deliveredAt: at,
      });
      await this.webhooks.recordOutcome(delivery.webhookId, 'delivered', at);
      this.logger.info({ ...log, responseStatus: result.status }, 'webhook delivered');
      return { status: 'delivered', responseStatus: result.status };
    }
    if (result.permanent || attempts >= MAX_DELIVERY_ATTEMPTS)
      return this.fail(delivery.id, delivery.webhookId, attempts, result.status, result.error);
    await this.deliveries.recordTry(delivery.id, {
      status: 'pending',
      attempts,
      responseStatus: result.status,
      error: result.error,
      deliveredAt: null,
    });
    // The message names the status only: the URL (which may carry a token) stays out of the logs.
    throw new Error(`webhook delivery not accepted (${result.status ? `HTTP ${result.status}` : 'no answer'})`);
  }

  /**
   * A notification channel's delivery: the same row, job, retries and failure state as a webhook's, sent by the
   * channel's platform format (channel-deliverer.ts).
   */
  private async deliverToChannel(payload: JobPayloads['webhook.deliver'], attempts: number) {
    const delivery = await this.deliveries.findChannelDelivery(payload.orgId, payload.deliveryId);
    const channel = delivery?.channelId ? await this.channels.findToSend(payload.orgId, delivery.channelId) : null;
    if (!delivery || !channel) return { status: 'stale' };
    if (delivery.status !== 'pending') return { status: 'stale', state: delivery.status };
    const outcome = (status: 'delivered' | 'failed', at: Date) => this.channels.recordOutcome(channel.id, status, at);
    if (!channel.enabled && delivery.event !== 'channel.test')
      return this.finish(
        delivery,
        attempts,
        { ok: false, status: null, error: 'the channel was disabled', permanent: true },
        outcome,
      );
    const result = await this.channelDeliverer.send(channel, delivery);
    return this.finish(delivery, attempts, result, outcome);
  }

  private async finish(
    delivery: WebhookDelivery,
    attempts: number,
    result: SendResult,
    outcome: (status: 'delivered' | 'failed', at: Date) => Promise<void>,
  ) {
    const log = { orgId: delivery.orgId, deliveryId: delivery.id, event: delivery.event, attempts };
    if (result.ok) {
      const at = new Date();
      await this.deliveries.recordTry(delivery.id, {
        status: 'delivered',
        attempts,
        responseStatus: result.status,
        error: null,
        deliveredAt: at,
        ...(result.recipients ? { recipients: result.recipients } : {}),
      });
      await outcome('delivered', at);
      this.logger.info({ ...log, responseStatus: result.status }, 'notification delivered');
      return { status: 'delivered', responseStatus: result.status };
    }
    const final = result.permanent || attempts >= MAX_DELIVERY_ATTEMPTS;
    await this.deliveries.recordTry(delivery.id, {
      status: final ? 'failed' : 'pending',
      attempts,
      responseStatus: result.status,
      error: result.error,
      deliveredAt: null,
      ...(result.recipients ? { recipients: result.recipients } : {}),
    });
    if (final) {
      await outcome('failed', new Date());
      this.logger.warn({ ...log, responseStatus: result.status }, 'notification delivery failed for good');
      return { status: 'failed', attempts, responseStatus: result.status };
    }
    // The message names the status only: URLs (which carry tokens) stay out of the logs.
    throw new Error(`notification not accepted (${result.status ? `HTTP ${result.status}` : 'no answer'})`);
  }

  /** Queues deliveries whose enqueue was lost, and prunes the delivery log past retention. */
  @OnJob('webhook.maintain')
  async maintain(payload: JobPayloads['webhook.maintain']) {
    const untried = await this.deliveries.untried(new Date(Date.now() - UNTRIED_AFTER_MS), 1000);
    for (const delivery of untried) await this.publisher.enqueue(delivery.orgId, [delivery.id]);
    const pruned = await this.deliveries.prune(new Date(Date.now() - payload.retentionDays * 24 * 3600 * 1000));
    return { status: 'maintained', requeued: untried.length, pruned };
  }

  private async fail(
    deliveryId: string,
    webhookId: string,
    attempts: number,
    responseStatus: number | null,
    error: string | null,
  ) {
    await this.deliveries.recordTry(deliveryId, {
      status: 'failed',
      attempts,
      responseStatus,
      error,
      deliveredAt: null,
    });
    await this.webhooks.recordOutcome(webhookId, 'failed', new Date());
    this.logger.warn({ deliveryId, attempts, responseStatus }, 'webhook delivery failed for good');
    return { status: 'failed', attempts, responseStatus };
  }
}
