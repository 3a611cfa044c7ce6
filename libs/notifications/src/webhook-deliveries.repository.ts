import { Injectable } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';
import { WebhookDelivery, type RecipientOutcome } from './entities/webhook-delivery.entity';
import type { DeliveryStatus, WebhookEvent } from './webhook-events';

/** A delivery with what sending it needs from its webhook (the encrypted secret included). */
export interface DeliveryToSend {
  delivery: WebhookDelivery & { webhookId: string };
  url: string;
  enabled: boolean;
  secretCiphertext: string;
}

export interface TryRecord {
  status: DeliveryStatus;
  attempts: number;
  responseStatus: number | null;
  error: string | null;
  deliveredAt: Date | null;
  /** Email channels: each address's outcome after this try (left as it is when absent). */
  recipients?: Record<string, RecipientOutcome>;
}

@Injectable()
export class WebhookDeliveriesRepository {
  constructor(private readonly dataSource: DataSource) {}

  /**
   * One pending delivery per enabled webhook and per enabled notification channel of the organization subscribed to
   * the event, in one statement. A channel limited to some fleets takes only events of printers in them (an event
   * with no fleet reaches only channels of every fleet).
   */
  async createForSubscribers(orgId: string, event: WebhookEvent, payload: Record<string, unknown>): Promise<string[]> {
    const fleetId = typeof payload.fleetId === 'string' ? payload.fleetId : null;
    const rows: { id: string }[] = await this.dataSource.query(
      `INSERT INTO webhook_deliveries (org_id, webhook_id, channel_id, event, payload)
       SELECT org_id, id, NULL::uuid, $2::varchar, $3::jsonb FROM webhooks
        WHERE org_id = $1 AND enabled AND $2::text = ANY(events)
       UNION ALL
       SELECT org_id, NULL::uuid, id, $2::varchar, $3::jsonb FROM notification_channels
        WHERE org_id = $1 AND enabled AND $2::text = ANY(events)
          AND (fleet_ids IS NULL OR ($4::uuid IS NOT NULL AND $4::uuid = ANY(fleet_ids)))
       RETURNING id`,
      [orgId, event, JSON.stringify(payload), fleetId],
    );
    return rows.map((row) => row.id);
  }

  async createForChannel(
    manager: EntityManager,
    orgId: string,
    channelId: string,
    event: WebhookEvent,
    payload: Record<string, unknown>,
  ): Promise<WebhookDelivery> {
    const repository = manager.getRepository(WebhookDelivery);
    const saved = await repository.save(
      repository.create({ orgId, webhookId: null, channelId, event, payload, status: 'pending', attempts: 0 }),
    );
    return repository.findOneByOrFail({ id: saved.id });
  }

  listForChannel(orgId: string, channelId: string, limit: number): Promise<WebhookDelivery[]> {
    return this.dataSource.getRepository(WebhookDelivery).find({
      where: { orgId, channelId },
      order: { createdAt: 'DESC', id: 'ASC' },
      take: limit,
    });
  }

  /** A channel's delivery (null when the row is a webhook's or gone). */
  findChannelDelivery(orgId: string, deliveryId: string): Promise<WebhookDelivery | null> {
    return this.dataSource
      .getRepository(WebhookDelivery)
      .createQueryBuilder('delivery')
      .where('delivery.orgId = :orgId AND delivery.id = :deliveryId AND delivery.channelId IS NOT NULL', {
        orgId,
        deliveryId,
      })
      .getOne();
  }

  async createForWebhook(
    manager: EntityManager,
    orgId: string,
    webhookId: string,
    event: WebhookEvent,
    payload: Record<string, unknown>,
  ): Promise<WebhookDelivery> {
    const repository = manager.getRepository(WebhookDelivery);
    const saved = await repository.save(
      repository.create({ orgId, webhookId, event, payload, status: 'pending', attempts: 0 }),
    );
    return repository.findOneByOrFail({ id: saved.id });
  }

  list(orgId: string, webhookId: string, limit: number): Promise<WebhookDelivery[]> {
    return this.dataSource.getRepository(WebhookDelivery).find({
      where: { orgId, webhookId },
      order: { createdAt: 'DESC', id: 'ASC' },
      take: limit,
    });
  }

  async loadToSend(orgId: string, deliveryId: string): Promise<DeliveryToSend | null> {
    const row = await this.dataSource
      .getRepository(WebhookDelivery)
      .createQueryBuilder('delivery')
      .innerJoin('delivery.webhook', 'webhook')
      .addSelect(['webhook.url', 'webhook.enabled', 'webhook.secretCiphertext'])
      .where('delivery.orgId = :orgId AND delivery.id = :deliveryId', { orgId, deliveryId })
      .getOne();
    if (!row?.webhook) return null;
    const { webhook, ...delivery } = row;
    return {
      delivery: delivery as WebhookDelivery & { webhookId: string },
      url: webhook.url,
      enabled: webhook.enabled,
      secretCiphertext: webhook.secretCiphertext,
    };
  }

  /** Records one try; only a pending delivery changes, so a late duplicate cannot undo a final outcome. */
  async recordTry(id: string, record: TryRecord): Promise<boolean> {
    const result = await this.dataSource
      .getRepository(WebhookDelivery)
      .createQueryBuilder()
      .update()
      .set(record)
      .where(`id = :id AND status = 'pending'`, { id })
      .execute();
    return (result.affected ?? 0) === 1;
  }

  /** Pending deliveries never tried since before `before`: their enqueue may have been lost. */
  async untried(before: Date, limit: number): Promise<{ id: string; orgId: string }[]> {
    const rows: { id: string; org_id: string }[] = await this.dataSource.query(
      `SELECT id, org_id FROM webhook_deliveries
        WHERE status = 'pending' AND attempts = 0 AND created_at < $1 AND created_at > $1 - interval '1 day'
        ORDER BY created_at LIMIT $2`,
      [before, limit],
    );
    return rows.map((row) => ({ id: row.id, orgId: row.org_id }));
  }

  /** Deletes entries older than `before`, in bounded batches; returns how many went. */
  async prune(before: Date, batchSize = 10_000): Promise<number> {
    let total = 0;
    for (;;) {
      const result: [unknown, number] = await this.dataSource.query(
        `DELETE FROM webhook_deliveries WHERE id IN (
           SELECT id FROM webhook_deliveries WHERE created_at < $1 LIMIT $2)`,
        [before, batchSize],
      );
      total += result[1];
      if (result[1] < batchSize) return total;
    }
  }
}
