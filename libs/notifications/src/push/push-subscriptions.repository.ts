import { Injectable } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';
import { PushSubscription } from '../entities/push-subscription.entity';

/** One person's browsers, per organization; every query is scoped to the organization (and the person). */
@Injectable()
export class PushSubscriptionsRepository {
  constructor(private readonly dataSource: DataSource) {}

  /** Serializes one person's subscribes, so the cap holds under races. */
  async lockOwner(manager: EntityManager, orgId: string, userId: string): Promise<void> {
    await manager.query(`SELECT pg_advisory_xact_lock(hashtext('push_subscriptions'), hashtext($1))`, [
      `${orgId}:${userId}`,
    ]);
  }

  /** The same browser subscribing again (new keys after a re-subscribe) replaces its keys. */
  async upsert(
    manager: EntityManager,
    row: Pick<PushSubscription, 'orgId' | 'userId' | 'endpoint' | 'p256dh' | 'auth'>,
  ): Promise<{ subscription: PushSubscription; created: boolean }> {
    const repository = manager.getRepository(PushSubscription);
    const existing = await repository.findOneBy({ orgId: row.orgId, userId: row.userId, endpoint: row.endpoint });
    if (existing) {
      await repository.update({ id: existing.id }, { p256dh: row.p256dh, auth: row.auth });
      return { subscription: await repository.findOneByOrFail({ id: existing.id }), created: false };
    }
    const result = await repository.insert(repository.create(row));
    const subscription = await repository.findOneByOrFail({ id: result.identifiers[0]!.id as string });
    return { subscription, created: true };
  }

  /** Deletes the person's oldest subscriptions past `keep`; returns how many went. */
  async trim(manager: EntityManager, orgId: string, userId: string, keep: number): Promise<number> {
    const rows: { id: string }[] = await manager
      .getRepository(PushSubscription)
      .createQueryBuilder('subscription')
      .select('subscription.id', 'id')
      .where('subscription.orgId = :orgId AND subscription.userId = :userId', { orgId, userId })
      .orderBy('subscription.createdAt', 'DESC')
      .addOrderBy('subscription.id', 'DESC')
      .offset(keep)
      .getRawMany();
    if (!rows.length) return 0;
    await manager.getRepository(PushSubscription).delete(rows.map((row) => row.id));
    return rows.length;
  }

  async deleteByEndpoint(
    manager: EntityManager,
    orgId: string,
    userId: string,
    endpoint: string,
  ): Promise<PushSubscription | null> {
    const repository = manager.getRepository(PushSubscription);
    const found = await repository.findOneBy({ orgId, userId, endpoint });
    if (!found) return null;
    await repository.delete({ id: found.id, orgId, userId });
    return found;
  }

  listForUser(orgId: string, userId: string): Promise<PushSubscription[]> {
    return this.dataSource
      .getRepository(PushSubscription)
      .find({ where: { orgId, userId }, order: { createdAt: 'ASC', id: 'ASC' } });
  }

  countForUser(orgId: string, userId: string): Promise<number> {
    return this.dataSource.getRepository(PushSubscription).countBy({ orgId, userId });
  }

  find(orgId: string, id: string): Promise<PushSubscription | null> {
    return this.dataSource.getRepository(PushSubscription).findOneBy({ orgId, id });
  }

  async delete(orgId: string, id: string): Promise<void> {
    await this.dataSource.getRepository(PushSubscription).delete({ orgId, id });
  }

  async deleteForUser(orgId: string, userId: string): Promise<number> {
    const result = await this.dataSource.getRepository(PushSubscription).delete({ orgId, userId });
    return result.affected ?? 0;
  }
}
