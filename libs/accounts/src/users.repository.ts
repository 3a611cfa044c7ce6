import { Injectable } from '@nestjs/common';
import { DataSource, IsNull, type EntityManager } from 'typeorm';
import { Session } from './entities/session.entity';
import { User } from './entities/user.entity';

@Injectable()
export class UsersRepository {
  constructor(private readonly dataSource: DataSource) {}

  findByEmailWithPassword(email: string): Promise<User | null> {
    return this.dataSource
      .getRepository(User)
      .createQueryBuilder('user')
      .addSelect('user.passwordHash')
      .where('user.email = :email', { email })
      .getOne();
  }

  findById(id: string): Promise<User | null> {
    return this.dataSource.getRepository(User).findOneBy({ id });
  }

  findByIdWithPassword(id: string): Promise<User | null> {
    return this.dataSource
      .getRepository(User)
      .createQueryBuilder('user')
      .addSelect('user.passwordHash')
      .where('user.id = :id', { id })
      .getOne();
  }

  async updateDisplayName(id: string, displayName: string): Promise<void> {
    await this.dataSource.getRepository(User).update({ id }, { displayName });
  }

  async updatePasswordHash(manager: EntityManager, id: string, passwordHash: string): Promise<void> {
    await manager.getRepository(User).update({ id }, { passwordHash });
  }

  /** Revokes every live session of the user but `keep`; the ids revoked. */
  async revokeOtherSessions(manager: EntityManager, userId: string, keep: string): Promise<string[]> {
    const result = await manager
      .createQueryBuilder()
      .update(Session)
      .set({ revokedAt: () => 'now()' })
      .where('user_id = :userId AND id <> :keep AND revoked_at IS NULL', { userId, keep })
      .returning(['id'])
      .execute();
    return (result.raw as Array<{ id: string }>).map((row) => row.id);
  }

  /**
   * Revokes the live sessions of an organization's members, but those of `exceptUserId` (null: nobody) and the
   * session `keep`; what was revoked, per user.
   */
  async revokeMemberSessions(
    manager: EntityManager,
    orgId: string,
    exceptUserId: string | null,
    keep: string | null,
  ): Promise<Array<{ id: string; userId: string }>> {
    const query = manager
      .createQueryBuilder()
      .update(Session)
      .set({ revokedAt: () => 'now()' })
      .where('revoked_at IS NULL AND expires_at > now()')
      .andWhere('user_id IN (SELECT m.user_id FROM memberships m WHERE m.org_id = :orgId)', { orgId });
    if (exceptUserId) query.andWhere('user_id <> :exceptUserId', { exceptUserId });
    if (keep) query.andWhere('id <> :keep', { keep });
    const result = await query.returning('"id", "user_id" AS "userId"').execute();
    return (result.raw as Array<{ id: string; userId: string }>).map((row) => ({ id: row.id, userId: row.userId }));
  }

  async create(
    manager: EntityManager,
    user: Pick<User, 'email' | 'displayName' | 'passwordHash'> & Partial<Pick<User, 'emailVerifiedAt'>>,
  ): Promise<User> {
    return manager.getRepository(User).save(manager.getRepository(User).create(user));
  }

  async createSession(
    manager: EntityManager,
    session: Omit<Session, 'createdAt' | 'user' | 'revokedAt'>,
  ): Promise<Session> {
    const repository = manager.getRepository(Session);
    return repository.save(repository.create({ ...session, revokedAt: null }));
  }

  /** A live session with its user, or null when unknown, revoked or expired. */
  findLiveSession(id: string): Promise<(Session & { user: User }) | null> {
    return this.dataSource
      .getRepository(Session)
      .createQueryBuilder('session')
      .innerJoinAndSelect('session.user', 'user')
      .addSelect('session.secretHash')
      .where('session.id = :id', { id })
      .andWhere('session.revokedAt IS NULL')
      .andWhere('session.expiresAt > now()')
      .getOne() as Promise<(Session & { user: User }) | null>;
  }

  async touchSession(id: string, lastSeenAt: Date): Promise<void> {
    await this.dataSource.getRepository(Session).update({ id }, { lastSeenAt });
  }

  listLiveSessions(userId: string): Promise<Session[]> {
    return this.dataSource
      .getRepository(Session)
      .createQueryBuilder('session')
      .where('session.userId = :userId', { userId })
      .andWhere('session.revokedAt IS NULL')
      .andWhere('session.expiresAt > now()')
      .orderBy('session.lastSeenAt', 'DESC')
      .getMany();
  }

  async revokeSession(manager: EntityManager, userId: string, sessionId: string): Promise<boolean> {
    const result = await manager
      .getRepository(Session)
      .update({ id: sessionId, userId, revokedAt: IsNull() }, { revokedAt: new Date() });
    return (result.affected ?? 0) > 0;
  }

  async deleteExpiredSessions(before: Date): Promise<number> {
    const result = await this.dataSource
      .getRepository(Session)
      .createQueryBuilder()
      .delete()
      .where('expires_at < :before OR revoked_at < :before', { before })
      .execute();
    return result.affected ?? 0;
  }
}
