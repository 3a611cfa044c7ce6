import { Inject, Injectable } from '@nestjs/common';
import { AuditService } from '@farmhand/audit';
import type { UserPrincipal } from '@farmhand/authz';
import {
  APP_CONFIG,
  DomainEvents,
  DomainException,
  RateLimiter,
  RequestContext,
  composeToken,
  digestsEqual,
  randomSecret,
  sha256Hex,
  splitToken,
  type AppConfig,
  type RateLimit,
} from '@farmhand/core';
import type { Logger } from 'pino';
import { randomUUID } from 'node:crypto';
import { DataSource } from 'typeorm';
import { assertPasswordAcceptable, hashPassword } from '../passwords';
import { SecurityLog } from '../sessions/security-log.service';
import { UsersRepository } from '../users.repository';
import { accountExistsMail, passwordResetMail } from './account-mail';
import { AccountTokensRepository } from './account-tokens.repository';
import { invalidToken } from './email-verification.service';

export const RESET_TOKEN_PREFIX = 'fh_reset';

function tooMany(retryAfterSeconds: number): DomainException {
  return new DomainException('rate_limited', 'too_many_attempts', 'Too many attempts; try again later', undefined, {
    retryAfterSeconds,
  });
}

/**
 * Password reset by a single-use, short-lived link (hashed at rest). A request answers the same whether or not the
 * address has an account: the lookup, the link and the mail happen after the answer (`requestReset`). Without SMTP,
 * an owner can make a link for a member of their organization (`createLinkForMember`, audited).
 */
@Injectable()
export class PasswordResetService {
  private readonly limits: Record<'perAccount' | 'perClient', RateLimit>;

  constructor(
    private readonly dataSource: DataSource,
    private readonly tokens: AccountTokensRepository,
    private readonly users: UsersRepository,
    private readonly securityLog: SecurityLog,
    private readonly audit: AuditService,
    private readonly events: DomainEvents,
    private readonly limiter: RateLimiter,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {
    const limit = (name: string, points: number, durationSeconds: number): RateLimit => ({
      name,
      points,
      durationSeconds,
      whenRedisDown: 'memory',
    });
    this.limits = {
      perAccount: limit('reset-request-account', 3, 3600),
      perClient: limit('reset-request-client', config.LOGIN_MAX_ATTEMPTS_PER_CLIENT, config.LOGIN_WINDOW_SECONDS),
    };
  }

  /**
   * Throttled per address (whether or not it has an account, so the throttle tells nothing) and per client; the rest
   * runs after the answer. `logger` receives a failure of that detached part (never the link).
   */
  async requestReset(emailInput: string, logger?: Logger): Promise<void> {
    const email = emailInput.trim().toLowerCase();
    for (const [limit, key] of [
      [this.limits.perAccount, sha256Hex(email)],
      [this.limits.perClient, RequestContext.current()?.clientIp ?? 'unknown'],
    ] as const) {
      const consumed = await this.limiter.consume(limit, key);
      if (!consumed.allowed) throw tooMany(consumed.retryAfterSeconds);
    }
    void this.sendResetIfAccount(email).catch((error: unknown) => logger?.error({ err: error }, 'reset mail failed'));
  }

  /** Sign-up with a taken address: the owner of the address gets a mail (sign in, or reset), the caller nothing. */
  async mailAccountExists(user: { id: string; email: string }): Promise<void> {
    const link = await this.createLink(user.id, null, null);
    this.events.emit('account.email', accountExistsMail(user.email, link.url, this.config.PASSWORD_RESET_TTL_MINUTES));
  }

  private async sendResetIfAccount(email: string): Promise<void> {
    const user = await this.users.findByEmailWithPassword(email);
    if (!user) return;
    const link = await this.createLink(user.id, null, null);
    this.events.emit('account.email', passwordResetMail(user.email, link.url, this.config.PASSWORD_RESET_TTL_MINUTES));
  }

  /**
   * Owners only, and only without SMTP (with it, the member asks for a mailed link). Refused for a member who also
   * belongs to another organization: this owner's link would open that member's other organizations too.
   */
  async createLinkForMember(principal: UserPrincipal, orgId: string, membershipId: string) {
    if (principal.role !== 'owner') throw DomainException.forbidden('owner_only', 'Only an owner can do this');
    if (this.config.SMTP_URL)
      throw DomainException.conflict('email_reset_available', 'Mail is set up: the member can reset by email');
    const member = await this.tokens.findMember(orgId, membershipId);
    if (!member) throw DomainException.notFound('member_not_found', 'Member not found');
    if (member.userId === principal.userId)
      throw DomainException.conflict('own_account', 'Change your own password on your account page');
    if ((await this.tokens.countMembershipsElsewhere(member.userId, orgId)) > 0)
      throw DomainException.forbidden(
        'member_of_other_organizations',
        'This member also belongs to another organization; they must reset their password themselves',
      );
    const link = await this.createLink(member.userId, principal.userId, orgId, async (manager) => {
      await this.audit.record(manager, {
        orgId,
        principal,
        action: 'member.passwordResetLinkCreated',
        subject: { type: 'Member', id: membershipId },
        details: { userId: member.userId },
      });
      await this.securityLog.record(
        member.userId,
        'password_reset_link.created_by_owner',
        { orgId, byUserId: principal.userId },
        manager,
      );
    });
    return { url: link.url, expiresAt: link.expiresAt };
  }

  /**
   * Sets the new password, ends every session of the account, and (for a mailed link) marks the email verified.
   * Two-factor sign-in stays on: a reset link alone does not get past the second factor.
   */
  async reset(token: string, newPassword: string): Promise<{ reset: true }> {
    const parts = splitToken(RESET_TOKEN_PREFIX, token);
    const found =
      parts && /^[0-9a-f-]{36}$/.test(parts.id) ? await this.tokens.findLive(parts.id, 'password_reset') : null;
    if (!found || !digestsEqual(found.secretHash, sha256Hex(parts!.secret))) throw invalidToken();
    const user = await this.users.findById(found.userId);
    if (!user) throw invalidToken();
    assertPasswordAcceptable(newPassword, user.email, [user.displayName]);
    const hash = await hashPassword(newPassword);
    const ended = await this.dataSource.transaction(async (manager) => {
      if (!(await this.tokens.use(manager, found.id))) throw invalidToken();
      await this.users.updatePasswordHash(manager, user.id, hash);
      if (!found.createdByUserId) await this.tokens.markEmailVerified(manager, user.id);
      await this.tokens.retireOthers(manager, user.id, 'password_reset');
      const revoked = await this.users.revokeOtherSessions(manager, user.id, '00000000-0000-0000-0000-000000000000');
      await this.securityLog.record(
        user.id,
        'password.reset',
        { byOwnerLink: Boolean(found.createdByUserId), sessionsEnded: revoked.length },
        manager,
      );
      return revoked;
    });
    for (const sessionId of ended) this.events.emit('session.revoked', { userId: user.id, sessionId });
    return { reset: true };
  }

  private async createLink(
    userId: string,
    createdByUserId: string | null,
    orgId: string | null,
    inTransaction?: (manager: import('typeorm').EntityManager) => Promise<void>,
  ) {
    const id = randomUUID();
    const secret = randomSecret(32);
    const expiresAt = new Date(Date.now() + this.config.PASSWORD_RESET_TTL_MINUTES * 60 * 1000);
    await this.dataSource.transaction(async (manager) => {
      await this.tokens.retireOthers(manager, userId, 'password_reset');
      await this.tokens.create(
        { id, userId, purpose: 'password_reset', secretHash: sha256Hex(secret), expiresAt, createdByUserId, orgId },
        manager,
      );
      await inTransaction?.(manager);
    });
    const url = `${this.config.PUBLIC_URL}/reset-password#token=${composeToken(RESET_TOKEN_PREFIX, id, secret)}`;
    return { url, expiresAt };
  }
}
