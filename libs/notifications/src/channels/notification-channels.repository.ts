import { Injectable } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';
import { NotificationChannel } from '../entities/notification-channel.entity';
import type { SubscribableWebhookEvent } from '../webhook-events';

export type ChannelChanges = Partial<
  Pick<NotificationChannel, 'name' | 'events' | 'fleetIds' | 'enabled' | 'settings' | 'secretCiphertext'>
>;

@Injectable()
export class NotificationChannelsRepository {
  constructor(private readonly dataSource: DataSource) {}

  /** Serializes creations per organization for the rest of the transaction, so the cap holds under races. */
  async lockOrganization(manager: EntityManager, orgId: string): Promise<void> {
    await manager.query(`SELECT pg_advisory_xact_lock(hashtext('notification_channels'), hashtext($1))`, [orgId]);
  }

  count(manager: EntityManager, orgId: string): Promise<number> {
    return manager.getRepository(NotificationChannel).countBy({ orgId });
  }

  async insert(
    manager: EntityManager,
    row: Pick<
      NotificationChannel,
      'id' | 'orgId' | 'kind' | 'name' | 'events' | 'fleetIds' | 'settings' | 'secretCiphertext' | 'createdBy'
    >,
  ): Promise<NotificationChannel> {
    const repository = manager.getRepository(NotificationChannel);
    await repository.insert(repository.create({ ...row, enabled: true, lastDeliveryAt: null, lastStatus: null }));
    return repository.findOneByOrFail({ id: row.id });
  }

  list(orgId: string): Promise<NotificationChannel[]> {
    return this.dataSource
      .getRepository(NotificationChannel)
      .find({ where: { orgId }, order: { createdAt: 'DESC', id: 'ASC' } });
  }

  find(
    orgId: string,
    id: string,
    manager: EntityManager = this.dataSource.manager,
  ): Promise<NotificationChannel | null> {
    return manager.getRepository(NotificationChannel).findOneBy({ orgId, id });
  }

  /** The row (with its encrypted secrets) locked for a change inside the caller's transaction. */
  lock(manager: EntityManager, orgId: string, id: string): Promise<NotificationChannel | null> {
    return manager
      .getRepository(NotificationChannel)
      .createQueryBuilder('channel')
      .addSelect('channel.secretCiphertext')
      .where('channel.orgId = :orgId AND channel.id = :id', { orgId, id })
      .setLock('pessimistic_write')
      .getOne();
  }

  /** A channel with its encrypted secrets, for sending. */
  findToSend(orgId: string, id: string): Promise<NotificationChannel | null> {
    return this.dataSource
      .getRepository(NotificationChannel)
      .createQueryBuilder('channel')
      .addSelect('channel.secretCiphertext')
      .where('channel.orgId = :orgId AND channel.id = :id', { orgId, id })
      .getOne();
  }

  async update(manager: EntityManager, id: string, changes: ChannelChanges): Promise<void> {
    await manager.getRepository(NotificationChannel).update({ id }, changes);
  }

  async delete(manager: EntityManager, orgId: string, id: string): Promise<boolean> {
    const result = await manager.getRepository(NotificationChannel).delete({ orgId, id });
    return (result.affected ?? 0) === 1;
  }

  /** The organization of a channel named by a signed link (the link is the only scope it has). */
  async orgOf(id: string): Promise<string | null> {
    const row = await this.dataSource
      .getRepository(NotificationChannel)
      .findOne({ where: { id }, select: { orgId: true } });
    return row?.orgId ?? null;
  }

  /** Adds one address to a mail channel's unsubscribed list (idempotent), in one statement. */
  async unsubscribe(channelId: string, address: string): Promise<{ orgId: string } | null> {
    const rows: { org_id: string }[] = await this.dataSource.query(
      `UPDATE notification_channels
          SET settings = jsonb_set(settings, '{emailUnsubscribed}',
                COALESCE(settings->'emailUnsubscribed', '[]'::jsonb) ||
                CASE WHEN COALESCE(settings->'emailUnsubscribed', '[]'::jsonb) ? $2 THEN '[]'::jsonb
                     ELSE jsonb_build_array($2::text) END)
        WHERE id = $1 AND kind = 'email'
        RETURNING org_id`,
      [channelId, address],
    );
    return rows[0] ? { orgId: rows[0].org_id } : null;
  }

  async recordOutcome(id: string, status: 'delivered' | 'failed', at: Date): Promise<void> {
    await this.dataSource.query(
      `UPDATE notification_channels SET last_delivery_at = $2, last_status = $3
        WHERE id = $1 AND (last_delivery_at IS NULL OR last_delivery_at <= $2)`,
      [id, at, status],
    );
  }

  /** Whether some enabled channel of the organization takes this event (fleet filters are applied on insert). */
  async anySubscribed(orgId: string, event: SubscribableWebhookEvent): Promise<boolean> {
    const rows: unknown[] = await this.dataSource.query(
      `SELECT 1 FROM notification_channels WHERE org_id = $1 AND enabled AND $2 = ANY(events) LIMIT 1`,
      [orgId, event],
    );
    return rows.length > 0;
  }
}
