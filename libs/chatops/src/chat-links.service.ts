import { randomInt } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import { OnEvent } from '@nestjs/event-emitter';
import { AuditService } from '@farmhand/audit';
import type { Principal, UserPrincipal } from '@farmhand/authz';
import { DomainException, LOGGER, RateLimiter, sha256Hex, type DomainEventMap, type RateLimit } from '@farmhand/core';
import type { Logger } from 'pino';
import { DataSource } from 'typeorm';
import { ChatLinksRepository } from './chat-links.repository';
import type { ChatIntegration } from './entities/chat-integration.entity';
import type { ChatUser } from './inbound/chat-event';

/** No 0/O, 1/I/L: the code is read off a screen and typed on a phone. 32 symbols, 8 of them: 40 bits. */
const ALPHABET = 'ABCDEFGHJKMNPQRSTUVWXYZ23456789';
const CODE_LENGTH = 8;
export const LINK_CODE_TTL_MS = 10 * 60_000;
/** Guessing a live code: a chat user gets this many tries per window, whatever integration they type in. */
export const LINK_ATTEMPTS: RateLimit = {
  name: 'chatops-link',
  points: 5,
  durationSeconds: 900,
  whenRedisDown: 'closed',
};

export type Redemption = { linked: true } | { linked: false; reason: 'invalid' | 'throttled' };

function normalize(code: string): string {
  return code.toUpperCase().replace(/[\s-]/g, '');
}

/** Members link a chat identity with a one-time code; unlink from the dashboard; removal unlinks everywhere. */
@Injectable()
export class ChatLinksService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly links: ChatLinksRepository,
    private readonly audit: AuditService,
    private readonly limiter: RateLimiter,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {}

  /** A fresh code for the calling member (the previous one stops working). Only its hash is stored. */
  async createCode(principal: Principal, orgId: string): Promise<{ code: string; expiresAt: string }> {
    const member = this.member(principal);
    const symbols = Array.from({ length: CODE_LENGTH }, () => ALPHABET[randomInt(ALPHABET.length)]).join('');
    const expiresAt = new Date(Date.now() + LINK_CODE_TTL_MS);
    await this.dataSource.transaction(async (manager) => {
      await this.links.deleteCodesOf(manager, orgId, member.membershipId!);
      await this.links.insertCode(manager, {
        orgId,
        membershipId: member.membershipId!,
        codeHash: sha256Hex(symbols),
        expiresAt,
      });
      await this.audit.record(manager, {
        orgId,
        principal,
        action: 'chatLink.codeCreated',
        subject: { type: 'Member', id: member.membershipId },
      });
    });
    return { code: `${symbols.slice(0, 4)}-${symbols.slice(4)}`, expiresAt: expiresAt.toISOString() };
  }

  async listMine(principal: Principal, orgId: string) {
    const member = this.member(principal);
    const rows = await this.links.listForMembership(orgId, member.membershipId!);
    return { items: rows.map((row) => ({ ...row, createdAt: new Date(row.createdAt).toISOString() })) };
  }

  async unlink(principal: Principal, orgId: string, accountId: string): Promise<void> {
    const member = this.member(principal);
    await this.dataSource.transaction(async (manager) => {
      if (!(await this.links.deleteAccount(manager, orgId, member.membershipId!, accountId)))
        throw DomainException.notFound('chat_account_not_found', 'Linked chat account not found');
      await this.audit.record(manager, {
        orgId,
        principal,
        action: 'chatLink.unlinked',
        subject: { type: 'Member', id: member.membershipId },
        details: { chatAccountId: accountId },
      });
    });
  }

  /** `link <code>` typed in chat: binds this chat user in this integration to the code's member, once. */
  async redeem(integration: ChatIntegration, user: ChatUser, code: string): Promise<Redemption> {
    const attempt = await this.limiter.consume(LINK_ATTEMPTS, `${integration.platform}:${user.id}`);
    if (!attempt.allowed) return { linked: false, reason: 'throttled' };
    const normalized = normalize(code);
    if (!new RegExp(`^[${ALPHABET}]{${CODE_LENGTH}}$`).test(normalized)) return { linked: false, reason: 'invalid' };
    const linked = await this.dataSource.transaction(async (manager) => {
      const found = await this.links.findCodeForUpdate(manager, sha256Hex(normalized));
      // A code of another organization is as unknown here as a wrong one.
      if (!found || found.orgId !== integration.orgId || found.expiresAt.getTime() <= Date.now()) return false;
      await this.links.markCodeUsed(manager, found.id);
      await this.links.link(manager, {
        orgId: integration.orgId,
        integrationId: integration.id,
        membershipId: found.membershipId,
        platformUserId: user.id,
        platformUserName: user.name,
      });
      await this.audit.record(manager, {
        orgId: integration.orgId,
        principal: { kind: 'system', orgId: integration.orgId, reason: 'chat account linked' },
        action: 'chatLink.linked',
        subject: { type: 'Member', id: found.membershipId },
        details: {
          platform: integration.platform,
          integrationId: integration.id,
          chatUserId: user.id,
          chatUserName: user.name,
        },
      });
      return true;
    });
    if (linked) await this.limiter.reward(LINK_ATTEMPTS, `${integration.platform}:${user.id}`);
    return linked ? { linked: true } : { linked: false, reason: 'invalid' };
  }

  /** A removed member's chat identities stop acting at once (the foreign key would also drop them with the row). */
  @OnEvent('member.removed')
  async onMemberRemoved(event: DomainEventMap['member.removed']): Promise<void> {
    try {
      await this.dataSource.transaction((manager) =>
        this.links.deleteForMembership(manager, event.orgId, event.membershipId),
      );
    } catch (error) {
      this.logger.error({ err: error, orgId: event.orgId }, 'could not unlink the chat accounts of a removed member');
    }
  }

  private member(principal: Principal): UserPrincipal {
    if (principal.kind !== 'user' || !principal.membershipId)
      throw DomainException.forbidden('members_only', 'Only a member signed in to the dashboard links a chat account');
    return principal;
  }
}
