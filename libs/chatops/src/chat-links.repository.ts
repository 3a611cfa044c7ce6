import { Injectable } from '@nestjs/common';
import { DataSource, LessThan, type EntityManager } from 'typeorm';
import { ChatAccount } from './entities/chat-account.entity';
import { ChatIntegration } from './entities/chat-integration.entity';
import { ChatLinkCode } from './entities/chat-link-code.entity';

export interface LinkedAccountRow {
  id: string;
  integrationId: string;
  integrationName: string;
  platform: string;
  platformUserName: string;
  createdAt: Date;
}

/** Linked chat accounts and one-time link codes. */
@Injectable()
export class ChatLinksRepository {
  constructor(private readonly dataSource: DataSource) {}

  findAccount(integrationId: string, platformUserId: string): Promise<ChatAccount | null> {
    return this.dataSource.getRepository(ChatAccount).findOneBy({ integrationId, platformUserId });
  }

  /** A member's links, with the integration each belongs to. */
  listForMembership(orgId: string, membershipId: string): Promise<LinkedAccountRow[]> {
    return this.dataSource
      .getRepository(ChatAccount)
      .createQueryBuilder('account')
      .innerJoin(ChatIntegration, 'integration', 'integration.id = account.integrationId')
      .select([
        'account.id AS "id"',
        'account.integrationId AS "integrationId"',
        'integration.name AS "integrationName"',
        'integration.platform AS "platform"',
        'account.platformUserName AS "platformUserName"',
        'account.createdAt AS "createdAt"',
      ])
      .where('account.orgId = :orgId AND account.membershipId = :membershipId', { orgId, membershipId })
      .orderBy('account.createdAt', 'ASC')
      .limit(100)
      .getRawMany<LinkedAccountRow>();
  }

  /** Binds the chat user to the membership; a chat user already linked is re-linked (the newest code wins). */
  async link(manager: EntityManager, account: Omit<ChatAccount, 'id' | 'createdAt'>): Promise<void> {
    await manager
      .createQueryBuilder()
      .insert()
      .into(ChatAccount)
      .values(account)
      .orUpdate(['membership_id', 'platform_user_name', 'org_id'], ['integration_id', 'platform_user_id'])
      .execute();
  }

  async deleteAccount(manager: EntityManager, orgId: string, membershipId: string, id: string): Promise<boolean> {
    const result = await manager.getRepository(ChatAccount).delete({ orgId, membershipId, id });
    return (result.affected ?? 0) > 0;
  }

  async deleteForMembership(manager: EntityManager, orgId: string, membershipId: string): Promise<number> {
    const accounts = await manager.getRepository(ChatAccount).delete({ orgId, membershipId });
    await manager.getRepository(ChatLinkCode).delete({ orgId, membershipId });
    return accounts.affected ?? 0;
  }

  async insertCode(manager: EntityManager, code: Omit<ChatLinkCode, 'id' | 'createdAt' | 'usedAt'>): Promise<void> {
    await manager.getRepository(ChatLinkCode).insert(code);
  }

  /** The unused code with this hash, locked until the transaction ends (two redemptions cannot both succeed). */
  findCodeForUpdate(manager: EntityManager, codeHash: string): Promise<ChatLinkCode | null> {
    return manager
      .getRepository(ChatLinkCode)
      .createQueryBuilder('code')
      .setLock('pessimistic_write')
      .where('code.codeHash = :codeHash AND code.usedAt IS NULL', { codeHash })
      .getOne();
  }

  async markCodeUsed(manager: EntityManager, id: string): Promise<void> {
    await manager.getRepository(ChatLinkCode).update({ id }, { usedAt: new Date() });
  }

  /** A member holds one live code at a time: a new one replaces the old. Expired codes go at the same time. */
  async deleteCodesOf(manager: EntityManager, orgId: string, membershipId: string): Promise<void> {
    await manager.getRepository(ChatLinkCode).delete({ orgId, membershipId });
    await manager.getRepository(ChatLinkCode).delete({ expiresAt: LessThan(new Date()) });
  }
}
