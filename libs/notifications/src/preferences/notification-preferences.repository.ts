import { Injectable } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';
import { HeldNotification } from '../entities/held-notification.entity';
import { NotificationPreference } from '../entities/notification-preference.entity';
import { NotificationSettings } from '../entities/notification-settings.entity';

export type PreferenceChanges = Omit<NotificationPreference, 'id' | 'updatedAt' | 'organization' | 'user'>;

/** `notification_preferences` and `held_notifications` (owned by libs/notifications). */
@Injectable()
export class NotificationPreferencesRepository {
  constructor(private readonly dataSource: DataSource) {}

  find(orgId: string, userId: string): Promise<NotificationPreference | null> {
    return this.dataSource.getRepository(NotificationPreference).findOneBy({ orgId, userId });
  }

  async save(manager: EntityManager, changes: PreferenceChanges): Promise<NotificationPreference> {
    await manager
      .createQueryBuilder()
      .insert()
      .into(NotificationPreference)
      .values(changes)
      .orUpdate(
        [
          'email_events',
          'push_events',
          'urgent_events',
          'fleet_ids',
          'time_zone',
          'quiet_start',
          'quiet_end',
          'digest_hour',
          'updated_at',
        ],
        ['org_id', 'user_id'],
      )
      .execute();
    return manager
      .getRepository(NotificationPreference)
      .findOneByOrFail({ orgId: changes.orgId, userId: changes.userId });
  }

  /** Members of the organization who chose `event` on some personal channel. */
  async subscribers(orgId: string, event: string): Promise<string[]> {
    const rows: { user_id: string }[] = await this.dataSource.query(
      `SELECT user_id FROM notification_preferences
        WHERE org_id = $1 AND ($2 = ANY(email_events) OR $2 = ANY(push_events))`,
      [orgId, event],
    );
    return rows.map((row) => row.user_id);
  }

  /** The personal unsubscribe link: no more mails of this organization to this member. */
  async stopEmail(manager: EntityManager, orgId: string, userId: string): Promise<boolean> {
    const result = await manager
      .createQueryBuilder()
      .update(NotificationPreference)
      .set({ emailEvents: [] })
      .where('org_id = :orgId AND user_id = :userId', { orgId, userId })
      .execute();
    await manager.delete(HeldNotification, { orgId, userId, channel: 'email' });
    return (result.affected ?? 0) > 0;
  }

  async hold(row: Omit<HeldNotification, 'id' | 'createdAt' | 'organization'>): Promise<void> {
    await this.dataSource
      .getRepository(HeldNotification)
      .save(this.dataSource.getRepository(HeldNotification).create(row));
  }

  /** The members with held notifications due at `now` (oldest first). */
  async dueMembers(now: Date, limit: number): Promise<{ orgId: string; userId: string }[]> {
    const rows: { org_id: string; user_id: string }[] = await this.dataSource.query(
      `SELECT org_id, user_id FROM held_notifications WHERE release_at <= $1
        GROUP BY org_id, user_id ORDER BY min(release_at) LIMIT $2`,
      [now, limit],
    );
    return rows.map((row) => ({ orgId: row.org_id, userId: row.user_id }));
  }

  /** Takes (deletes and returns) a member's due held notifications, in order, so two ticks never send one twice. */
  async takeDue(orgId: string, userId: string, now: Date): Promise<HeldNotification[]> {
    const result = await this.dataSource
      .createQueryBuilder()
      .delete()
      .from(HeldNotification)
      .where('org_id = :orgId AND user_id = :userId AND release_at <= :now', { orgId, userId, now })
      .returning('*')
      .execute();
    const rows = (result.raw ?? []) as Record<string, unknown>[];
    return rows
      .map((row) => ({
        id: row.id as string,
        orgId: row.org_id as string,
        userId: row.user_id as string,
        event: row.event as string,
        channel: row.channel as HeldNotification['channel'],
        reason: row.reason as HeldNotification['reason'],
        payload: row.payload as Record<string, unknown>,
        releaseAt: new Date(row.release_at as string),
        createdAt: new Date(row.created_at as string),
      }))
      .sort((a, b) => a.createdAt.getTime() - b.createdAt.getTime());
  }

  /** Drops what is held for someone who is no longer a member. */
  async dropHeld(orgId: string, userId: string): Promise<void> {
    await this.dataSource.getRepository(HeldNotification).delete({ orgId, userId });
  }

  settings(orgId: string): Promise<NotificationSettings | null> {
    return this.dataSource.getRepository(NotificationSettings).findOneBy({ orgId });
  }

  async saveSettings(manager: EntityManager, orgId: string, bedWaitingMinutes: number): Promise<NotificationSettings> {
    await manager
      .createQueryBuilder()
      .insert()
      .into(NotificationSettings)
      .values({ orgId, bedWaitingMinutes })
      .orUpdate(['bed_waiting_minutes', 'updated_at'], ['org_id'])
      .execute();
    return manager.getRepository(NotificationSettings).findOneByOrFail({ orgId });
  }
}
