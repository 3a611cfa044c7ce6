import { Injectable } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';
import { Webhook } from './entities/webhook.entity';
import type { SubscribableWebhookEvent } from './webhook-events';

export type WebhookChanges = Partial<Pick<Webhook, 'url' | 'events' | 'enabled' | 'description'>>;

@Injectable()
export class WebhooksRepository {
  constructor(private readonly dataSource: DataSource) {}

  /** Serializes creations per organization for the rest of the transaction, so the cap holds under races. */
  async lockOrganization(manager: EntityManager, orgId: string): Promise<void> {
    await manager.query(`SELECT pg_advisory_xact_lock(hashtext('webhooks'), hashtext($1))`, [orgId]);
  }

  async count(manager: EntityManager, orgId: string): Promise<number> {
    return manager.getRepository(Webhook).countBy({ orgId });
  }

  async insert(
    manager: EntityManager,
    row: Pick<Webhook, 'id' | 'orgId' | 'url' | 'events' | 'description' | 'secretCiphertext' | 'createdBy'>,
  ): Promise<Webhook> {
    const repository = manager.getRepository(Webhook);
    await repository.insert(repository.create({ ...row, enabled: true, lastDeliveryAt: null, lastStatus: null }));
    return repository.findOneByOrFail({ id: row.id });
  }

  list(orgId: string): Promise<Webhook[]> {
    return this.dataSource.getRepository(Webhook).find({ where: { orgId }, order: { createdAt: 'DESC', id: 'ASC' } });
  }

  find(orgId: string, id: string, manager: EntityManager = this.dataSource.manager): Promise<Webhook | null> {
    return manager.getRepository(Webhook).findOneBy({ orgId, id });
  }

  /** The row locked for a change inside the caller's transaction. */
  lock(manager: EntityManager, orgId: string, id: string): Promise<Webhook | null> {
    return manager
      .getRepository(Webhook)
      .createQueryBuilder('webhook')
      .where('webhook.orgId = :orgId AND webhook.id = :id', { orgId, id })
      .setLock('pessimistic_write')
      .getOne();
  }

  async update(manager: EntityManager, id: string, changes: WebhookChanges): Promise<void> {
    await manager.getRepository(Webhook).update({ id }, changes);
  }

  async setSecret(manager: EntityManager, id: string, secretCiphertext: string): Promise<void> {
    await manager.getRepository(Webhook).update({ id }, { secretCiphertext });
  }

  async delete(manager: EntityManager, orgId: string, id: string): Promise<boolean> {
    const result = await manager.getRepository(Webhook).delete({ orgId, id });
    return (result.affected ?? 0) === 1;
  }

  async recordOutcome(id: string, status: 'delivered' | 'failed', at: Date): Promise<void> {
    // Only moves forward: a slow earlier delivery finishing late does not overwrite a newer outcome.
    await this.dataSource.query(
      `UPDATE webhooks SET last_delivery_at = $2, last_status = $3
        WHERE id = $1 AND (last_delivery_at IS NULL OR last_delivery_at <= $2)`,
      [id, at, status],
    );
  }

  /** Ids of the organization's enabled webhooks subscribed to an event. */
  async subscribers(orgId: string, event: SubscribableWebhookEvent): Promise<string[]> {
    const rows: { id: string }[] = await this.dataSource.query(
      `SELECT id FROM webhooks WHERE org_id = $1 AND enabled AND $2 = ANY(events)`,
      [orgId, event],
    );
    return rows.map((row) => row.id);
  }
}
