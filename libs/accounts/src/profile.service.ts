import { Inject, Injectable } from '@nestjs/common';
import type { UserPrincipal } from '@farmhand/authz';
import { APP_CONFIG, DomainEvents, DomainException, RateLimiter, type AppConfig, type RateLimit } from '@farmhand/core';
import { DataSource } from 'typeorm';
import { assertPasswordAcceptable, hashPassword, verifyPassword } from './passwords';
import { EmailVerificationService } from './recovery/email-verification.service';
import { SecurityLog } from './sessions/security-log.service';
import { UsersRepository } from './users.repository';

/**
 * The signed-in user's own account: display name and password. A password change needs the current password
 * (throttled per account like sign-in, so a borrowed session cannot guess it), and ends every other session.
 */
@Injectable()
export class ProfileService {
  private readonly limit: RateLimit;

  constructor(
    private readonly dataSource: DataSource,
    private readonly users: UsersRepository,
    private readonly limiter: RateLimiter,
    private readonly events: DomainEvents,
    private readonly securityLog: SecurityLog,
    private readonly verification: EmailVerificationService,
    @Inject(APP_CONFIG) config: AppConfig,
  ) {
    this.limit = {
      name: 'password-change-account',
      points: config.LOGIN_MAX_ATTEMPTS_PER_ACCOUNT,
      durationSeconds: config.LOGIN_WINDOW_SECONDS,
      whenRedisDown: 'memory',
    };
  }

  async profile(principal: UserPrincipal) {
    const user = await this.users.findById(principal.userId);
    if (!user) throw DomainException.unauthorized('unauthenticated', 'Sign in again');
    return {
      id: user.id,
      email: user.email,
      displayName: user.displayName,
      emailVerified: Boolean(user.emailVerifiedAt),
      emailVerificationRequired: this.verification.required,
    };
  }

  async updateProfile(principal: UserPrincipal, changes: { displayName: string }) {
    const displayName = changes.displayName.trim();
    if (!displayName)
      throw DomainException.invalid('invalid_display_name', 'displayName must not be empty', 'displayName');
    await this.users.updateDisplayName(principal.userId, displayName);
    return this.profile(principal);
  }

  async changePassword(
    principal: UserPrincipal,
    input: { currentPassword: string; newPassword: string },
  ): Promise<{ otherSessionsEnded: number }> {
    const consumed = await this.limiter.consume(this.limit, principal.userId);
    if (!consumed.allowed)
      throw new DomainException('rate_limited', 'too_many_attempts', 'Too many attempts; try again later', undefined, {
        retryAfterSeconds: consumed.retryAfterSeconds,
      });
    const user = await this.users.findByIdWithPassword(principal.userId);
    if (!user) throw DomainException.unauthorized('unauthenticated', 'Sign in again');
    // 400, not 401: the session is fine, only the password typed is wrong.
    if (!(await verifyPassword(user.passwordHash, input.currentPassword)))
      throw DomainException.invalid('wrong_password', 'The current password is wrong', 'currentPassword');
    assertPasswordAcceptable(input.newPassword, user.email, [user.displayName]);
    const hash = await hashPassword(input.newPassword);
    const ended = await this.dataSource.transaction(async (manager) => {
      await this.users.updatePasswordHash(manager, user.id, hash);
      const revoked = await this.users.revokeOtherSessions(manager, user.id, principal.sessionId);
      await this.securityLog.record(user.id, 'password.changed', { sessionsEnded: revoked.length }, manager);
      return revoked;
    });
    await this.limiter.reset(this.limit, principal.userId);
    for (const sessionId of ended) this.events.emit('session.revoked', { userId: user.id, sessionId });
    return { otherSessionsEnded: ended.length };
  }
}
