import { Injectable } from '@nestjs/common';
import { DataSource, IsNull, type EntityManager } from 'typeorm';
import { Membership } from '../entities/membership.entity';
import { User } from '../entities/user.entity';
import { AccountToken, type AccountTokenPurpose } from './account-token.entity';

@Injectable()
export class AccountTokensRepository {
  constructor(private readonly dataSource: DataSource) {}

  async create(
    token: Pick<AccountToken, 'id' | 'userId' | 'purpose' | 'secretHash' | 'expiresAt'> &
      Partial<Pick<AccountToken, 'createdByUserId' | 'orgId'>>,
    manager: EntityManager = this.dataSource.manager,
  ): Promise<void> {
    await manager.getRepository(AccountToken).insert({ createdByUserId: null, orgId: null, ...token, usedAt: null });
  }

  findLive(id: string, purpose: AccountTokenPurpose): Promise<AccountToken | null> {
    return this.dataSource
      .getRepository(AccountToken)
      .createQueryBuilder('token')
      .where('token.id = :id AND token.purpose = :purpose', { id, purpose })
      .andWhere('token.usedAt IS NULL AND token.expiresAt > now()')
      .getOne();
  }

  /** Single use: one conditional UPDATE, so two requests with one link succeed once. */
  async use(manager: EntityManager, id: string): Promise<boolean> {
    const result = await manager
      .createQueryBuilder()
      .update(AccountToken)
      .set({ usedAt: () => 'now()' })
      .where('id = :id AND used_at IS NULL AND expires_at > now()', { id })
      .execute();
    return (result.affected ?? 0) > 0;
  }

  /** A new link makes the earlier unused ones of the same purpose worthless. */
  async retireOthers(manager: EntityManager, userId: string, purpose: AccountTokenPurpose): Promise<void> {
    await manager
      .getRepository(AccountToken)
      .update({ userId, purpose, usedAt: IsNull() }, { expiresAt: () => 'now()' });
  }

  async markEmailVerified(manager: EntityManager, userId: string): Promise<void> {
    await manager
      .getRepository(User)
      .update({ id: userId, emailVerifiedAt: IsNull() }, { emailVerifiedAt: () => 'now()' });
  }

  /** The other organizations a member belongs to (an owner's reset link is refused for them). */
  countMembershipsElsewhere(userId: string, orgId: string): Promise<number> {
    return this.dataSource
      .getRepository(Membership)
      .createQueryBuilder('membership')
      .where('membership.userId = :userId AND membership.orgId <> :orgId', { userId, orgId })
      .getCount();
  }

  findMember(orgId: string, membershipId: string): Promise<Membership | null> {
    return this.dataSource.getRepository(Membership).findOneBy({ id: membershipId, orgId });
  }

  async deleteOld(before: Date): Promise<number> {
    const result = await this.dataSource
      .getRepository(AccountToken)
      .createQueryBuilder()
      .delete()
      .where('expires_at < :before', { before })
      .execute();
    return result.affected ?? 0;
  }
}
