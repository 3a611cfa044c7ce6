import { Inject, Injectable } from '@nestjs/common';
import type { UserPrincipal } from '@farmhand/authz';
import {
  APP_CONFIG,
  DomainEvents,
  DomainException,
  RateLimiter,
  composeToken,
  digestsEqual,
  randomSecret,
  sha256Hex,
  splitToken,
  type AppConfig,
  type RateLimit,
} from '@farmhand/core';
import { randomUUID } from 'node:crypto';
import { DataSource, type EntityManager } from 'typeorm';
import { SecurityLog } from '../sessions/security-log.service';
import { UsersRepository } from '../users.repository';
import { verificationMail } from './account-mail';
import { AccountTokensRepository } from './account-tokens.repository';

export const VERIFICATION_TOKEN_PREFIX = 'fh_verify';

/**
 * Email verification: a single-use link (hashed at rest) mailed at sign-up and on request. Required before creating
 * or joining an organization when EMAIL_VERIFICATION_REQUIRED is on (by default: when SMTP_URL is set).
 */
@Injectable()
export class EmailVerificationService {
  readonly required: boolean;
  private readonly resendLimit: RateLimit = {
    name: 'verification-resend-account',
    points: 5,
    durationSeconds: 3600,
    whenRedisDown: 'memory',
  };

  constructor(
    private readonly dataSource: DataSource,
    private readonly tokens: AccountTokensRepository,
    private readonly users: UsersRepository,
    private readonly securityLog: SecurityLog,
    private readonly events: DomainEvents,
    private readonly limiter: RateLimiter,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {
    this.required = config.EMAIL_VERIFICATION_REQUIRED ?? Boolean(config.SMTP_URL);
  }

  /** 403 `email_not_verified` when verification is required and this account has not done it. */
  async assertVerified(userId: string): Promise<void> {
    if (!this.required) return;
    const user = await this.users.findById(userId);
    if (!user?.emailVerifiedAt)
      throw DomainException.forbidden('email_not_verified', 'Confirm your email address first (see your mailbox)');
  }

  /** Makes a link and mails it; inside the sign-up transaction when a manager is given. */
  async send(user: { id: string; email: string }, manager?: EntityManager): Promise<void> {
    const id = randomUUID();
    const secret = randomSecret(32);
    const run = async (inner: EntityManager) => {
      await this.tokens.retireOthers(inner, user.id, 'email_verification');
      await this.tokens.create(
        {
          id,
          userId: user.id,
          purpose: 'email_verification',
          secretHash: sha256Hex(secret),
          expiresAt: new Date(Date.now() + this.config.EMAIL_VERIFICATION_TTL_HOURS * 3600 * 1000),
        },
        inner,
      );
    };
    if (manager) await run(manager);
    else await this.dataSource.transaction(run);
    const url = `${this.config.PUBLIC_URL}/verify-email#token=${composeToken(VERIFICATION_TOKEN_PREFIX, id, secret)}`;
    this.events.emit('account.email', verificationMail(user.email, url, this.config.EMAIL_VERIFICATION_TTL_HOURS));
  }

  async resend(principal: UserPrincipal): Promise<{ sent: boolean }> {
    const user = await this.users.findById(principal.userId);
    if (!user) throw DomainException.unauthorized('unauthenticated', 'Sign in again');
    if (user.emailVerifiedAt) return { sent: false };
    const consumed = await this.limiter.consume(this.resendLimit, user.id);
    if (!consumed.allowed)
      throw new DomainException('rate_limited', 'too_many_attempts', 'Too many attempts; try again later', undefined, {
        retryAfterSeconds: consumed.retryAfterSeconds,
      });
    await this.send(user);
    return { sent: true };
  }

  /** The link's token; 400 `invalid_token` when unknown, used or expired (one answer for all three). */
  async verify(token: string): Promise<{ verified: true }> {
    const parts = splitToken(VERIFICATION_TOKEN_PREFIX, token);
    const found =
      parts && /^[0-9a-f-]{36}$/.test(parts.id) ? await this.tokens.findLive(parts.id, 'email_verification') : null;
    if (!found || !digestsEqual(found.secretHash, sha256Hex(parts!.secret))) throw invalidToken();
    await this.dataSource.transaction(async (manager) => {
      if (!(await this.tokens.use(manager, found.id))) throw invalidToken();
      await this.tokens.markEmailVerified(manager, found.userId);
      await this.securityLog.record(found.userId, 'email.verified', {}, manager);
    });
    return { verified: true };
  }
}

export function invalidToken(): DomainException {
  return DomainException.invalid('invalid_token', 'This link is not valid any more; ask for a new one', 'token');
}
