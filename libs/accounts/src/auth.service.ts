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
  isUniqueViolation,
  randomSecret,
  sha256Hex,
  splitToken,
  type AppConfig,
  type RateLimit,
} from '@farmhand/core';
import { randomUUID } from 'node:crypto';
import { DataSource } from 'typeorm';
import type { User } from './entities/user.entity';
import { OrganizationsRepository } from './organizations.repository';
import { assertPasswordAcceptable, dummyPasswordHash, hashPassword, verifyPassword } from './passwords';
import { PasskeysService } from './passkeys/passkeys.service';
import { EmailVerificationService } from './recovery/email-verification.service';
import { PasswordResetService } from './recovery/password-reset.service';
import { describeDevice } from './sessions/device';
import { SecurityLog } from './sessions/security-log.service';
import { TwoFactorService } from './two-factor/two-factor.service';
import { SsoPasswordPolicy } from './sso/sso-password-policy';
import { UsersRepository } from './users.repository';

export const SESSION_COOKIE = 'fh_session';
/** The pending sign-in (password right, second factor owed): httpOnly, on /api/auth only, five minutes. */
export const SIGN_IN_CHALLENGE_COOKIE = 'fh_sign_in';

/** The client address keys counters, and nothing else; requests without one share a bucket. */
function clientKey(): string {
  return RequestContext.current()?.clientIp ?? 'unknown';
}
export const SESSION_TOKEN_PREFIX = 'fh_sess';

export interface SignedIn {
  user: Pick<User, 'id' | 'email' | 'displayName'>;
  sessionToken: string;
  expiresAt: Date;
}

/** The password was right and the account has a second factor: no session yet, a challenge to answer. */
export interface SecondFactorOwed {
  secondFactorRequired: true;
  challengeToken: string;
  expiresAt: Date;
}

@Injectable()
export class AuthService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly users: UsersRepository,
    private readonly organizations: OrganizationsRepository,
    private readonly audit: AuditService,
    private readonly limiter: RateLimiter,
    private readonly events: DomainEvents,
    private readonly twoFactor: TwoFactorService,
    private readonly securityLog: SecurityLog,
    private readonly verification: EmailVerificationService,
    private readonly passwordReset: PasswordResetService,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly ssoPolicy: SsoPasswordPolicy,
    private readonly passkeys: PasskeysService,
  ) {
    // Redis down: each instance counts in memory (the same limits per instance), rather than locking everyone out
    // of their accounts or lifting the limits (docs/security.md).
    const limit = (name: string, points: number, durationSeconds: number): RateLimit => ({
      name,
      points,
      durationSeconds,
      whenRedisDown: 'memory',
    });
    this.limits = {
      signInPerAccount: limit('sign-in-account', config.LOGIN_MAX_ATTEMPTS_PER_ACCOUNT, config.LOGIN_WINDOW_SECONDS),
      signInPerClient: limit('sign-in-client', config.LOGIN_MAX_ATTEMPTS_PER_CLIENT, config.LOGIN_WINDOW_SECONDS),
      signUpPerClient: limit('sign-up-client', config.SIGNUP_MAX_PER_CLIENT, config.SIGNUP_WINDOW_SECONDS),
      signUpTotal: limit('sign-up-total', config.SIGNUP_MAX_TOTAL, config.SIGNUP_WINDOW_SECONDS),
    };
  }

  private readonly limits: Record<
    'signInPerAccount' | 'signInPerClient' | 'signUpPerClient' | 'signUpTotal',
    RateLimit
  >;

  /**
   * Throttled per client address and server-wide before anything is written (`SIGNUP_*`): accounts are free, and
   * each one carries its own budgets (pairing guesses among them). The answer is the same whether or not the address
   * has an account (no session either way: the person signs in next), and the password is hashed either way, so
   * sign-up tells nobody which addresses have accounts. A taken address gets a mail (sign in, or reset) instead.
   * With verification on, the new account gets a verification mail and creates its organization once verified.
   */
  async signUp(input: { email: string; password: string; displayName: string; organizationName?: string }) {
    const email = input.email.trim().toLowerCase();
    // A local check that tells nothing about other accounts: before the throttle, so a person trying passwords
    // does not spend their address's sign-ups.
    assertPasswordAcceptable(input.password, email, [input.displayName]);
    await this.throttle([
      [this.limits.signUpPerClient, clientKey()],
      [this.limits.signUpTotal, 'all'],
    ]);
    const passwordHash = await hashPassword(input.password);
    try {
      await this.dataSource.transaction(async (manager) => {
        const user = await this.users.create(manager, { email, displayName: input.displayName.trim(), passwordHash });
        if (this.verification.required) {
          await this.verification.send(user, manager);
          return;
        }
        if (input.organizationName) {
          const org = await this.organizations.create(manager, input.organizationName.trim());
          await this.organizations.addMember(manager, {
            orgId: org.id,
            userId: user.id,
            role: 'owner',
            fleetIds: null,
          });
          await this.audit.record(manager, {
            orgId: org.id,
            principal: this.principalFor(user, ''),
            action: 'organization.created',
            subject: { type: 'Organization', id: org.id },
            details: { name: org.name },
          });
        }
      });
    } catch (error) {
      if (!isUniqueViolation(error, 'users_email_unique')) throw error;
      const existing = await this.users.findByEmailWithPassword(email);
      // After the answer, so the taken address costs no more time than a new one.
      if (existing) void this.passwordReset.mailAccountExists(existing).catch(() => undefined);
    }
    return { status: 'check_email' as const };
  }

  /**
   * Throttled per account and per client address (Redis counters shared by every instance), counted before the
   * password is checked: of N simultaneous guesses at one account, at most LOGIN_MAX_ATTEMPTS_PER_ACCOUNT are
   * evaluated. A success clears the account's counter and gives the address its point back. The same answer and
   * roughly the same time whether or not the account exists.
   */
  async signIn(input: { email: string; password: string }, userAgent?: string): Promise<SignedIn | SecondFactorOwed> {
    const email = input.email.trim().toLowerCase();
    const account = sha256Hex(email);
    await this.throttle([
      [this.limits.signInPerAccount, account],
      [this.limits.signInPerClient, clientKey()],
    ]);
    const user = await this.users.findByEmailWithPassword(email);
    const valid = await verifyPassword(user?.passwordHash ?? (await dummyPasswordHash()), input.password);
    if (!user || !valid) throw DomainException.unauthorized('invalid_credentials', 'Email or password is wrong');
    // An organization that requires SSO refuses its members' passwords (a break-glass owner excepted); checked only
    // after the password is found right, so the answer says nothing about accounts to a guesser.
    await this.ssoPolicy.assertPasswordSignInAllowed(user.id);
    // The account's counter is cleared only once every factor is right: a person with the password alone keeps
    // spending the same budget on second-factor guesses.
    if (await this.twoFactor.hasSecondFactor(user.id)) {
      const challenge = await this.twoFactor.createChallenge(user.id);
      return { secondFactorRequired: true, challengeToken: challenge.token, expiresAt: challenge.expiresAt };
    }
    return this.completeSignIn(user, account, userAgent, 'password');
  }

  /**
   * The second step: a TOTP or recovery code for the pending sign-in. Counted by the same per-account and per-client
   * throttles as passwords (before the code is checked), and each challenge dies after a few wrong codes.
   */
  async signInSecondFactor(challengeToken: string, code: string, userAgent?: string): Promise<SignedIn> {
    const challenge = await this.twoFactor.findChallenge(challengeToken);
    if (!challenge) throw DomainException.unauthorized('sign_in_expired', 'Sign in again with your password');
    const user = await this.users.findById(challenge.userId);
    if (!user) throw DomainException.unauthorized('sign_in_expired', 'Sign in again with your password');
    const account = sha256Hex(user.email);
    await this.throttle([
      [this.limits.signInPerAccount, account],
      [this.limits.signInPerClient, clientKey()],
    ]);
    const method = await this.twoFactor.verifySecondFactor(user.id, code);
    if (!method) {
      await this.twoFactor.countChallengeFailure(challenge.id);
      await this.securityLog.record(user.id, 'second_factor.failed', {});
      throw DomainException.unauthorized('invalid_code', 'That code is not right');
    }
    if (!(await this.twoFactor.useChallenge(challenge.id)))
      throw DomainException.unauthorized('sign_in_expired', 'Sign in again with your password');
    return this.completeSignIn(
      user,
      account,
      userAgent,
      method === 'totp' ? 'password+totp' : 'password+recovery_code',
    );
  }

  /** Options for answering the pending sign-in with a passkey instead of a code. */
  async passkeySecondFactorOptions(challengeToken: string) {
    const challenge = await this.twoFactor.findChallenge(challengeToken);
    if (!challenge) throw DomainException.unauthorized('sign_in_expired', 'Sign in again with your password');
    return this.passkeys.secondFactorOptions(challenge.userId, challenge.id);
  }

  /** The second step answered with a passkey: the same throttles and failure count as a code. */
  async signInSecondFactorPasskey(
    challengeToken: string,
    response: Record<string, unknown>,
    userAgent?: string,
  ): Promise<SignedIn> {
    const challenge = await this.twoFactor.findChallenge(challengeToken);
    if (!challenge) throw DomainException.unauthorized('sign_in_expired', 'Sign in again with your password');
    const user = await this.users.findById(challenge.userId);
    if (!user) throw DomainException.unauthorized('sign_in_expired', 'Sign in again with your password');
    const account = sha256Hex(user.email);
    await this.throttle([
      [this.limits.signInPerAccount, account],
      [this.limits.signInPerClient, clientKey()],
    ]);
    const verified = await this.passkeys.verifySecondFactor(user.id, challenge.id, response);
    if (!verified) {
      await this.twoFactor.countChallengeFailure(challenge.id);
      await this.securityLog.record(user.id, 'second_factor.failed', { method: 'passkey' });
      throw DomainException.unauthorized('passkey_invalid', 'That passkey could not be verified; try again');
    }
    if (!(await this.twoFactor.useChallenge(challenge.id)))
      throw DomainException.unauthorized('sign_in_expired', 'Sign in again with your password');
    return this.completeSignIn(user, account, userAgent, 'password+passkey');
  }

  /**
   * "Sign in with a passkey" (no email typed): a discoverable credential with user verification stands for both
   * factors. Counted per client before the assertion is checked and per account once it names one; an organization
   * that requires SSO refuses it like a password.
   */
  async signInWithPasskey(binding: string, response: Record<string, unknown>, userAgent?: string): Promise<SignedIn> {
    await this.throttle([[this.limits.signInPerClient, clientKey()]]);
    const verified = await this.passkeys.verifySignIn(binding, response);
    const user = verified ? await this.users.findById(verified.userId) : null;
    if (!verified || !user)
      throw DomainException.unauthorized('passkey_invalid', 'That passkey could not be verified; try again');
    const account = sha256Hex(user.email);
    await this.throttle([[this.limits.signInPerAccount, account]]);
    await this.ssoPolicy.assertPasswordSignInAllowed(user.id);
    return this.completeSignIn(user, account, userAgent, 'passkey');
  }

  private async completeSignIn(
    user: Pick<User, 'id' | 'email' | 'displayName'>,
    account: string,
    userAgent: string | undefined,
    method: string,
  ): Promise<SignedIn> {
    await Promise.all([
      this.limiter.reset(this.limits.signInPerAccount, account),
      this.limiter.reward(this.limits.signInPerClient, clientKey()),
    ]);
    const session = await this.dataSource.transaction(async (manager) => {
      const opened = await this.openSession(manager, user.id, userAgent);
      await this.securityLog.record(user.id, 'signed_in', { method, sessionId: opened.id }, manager);
      return opened;
    });
    return { user: { id: user.id, email: user.email, displayName: user.displayName }, ...session };
  }

  /**
   * Spends one point of each counter in turn; 429 at the first that is spent. A request refused by one counter is not
   * counted by the next, so one address's flood cannot spend the server-wide sign-up budget.
   */
  private async throttle(counters: Array<[RateLimit, string]>): Promise<void> {
    for (const [limit, key] of counters) {
      const result = await this.limiter.consume(limit, key);
      if (!result.allowed) {
        throw new DomainException(
          'rate_limited',
          'too_many_attempts',
          'Too many attempts; try again later',
          undefined,
          {
            retryAfterSeconds: result.retryAfterSeconds,
          },
        );
      }
    }
  }

  async signOut(principal: UserPrincipal): Promise<void> {
    await this.revokeSession(principal, principal.sessionId, 'signed_out');
  }

  /** Another user's session id answers 404 like an unknown one (the UPDATE is scoped to the caller). */
  async revokeSession(
    principal: UserPrincipal,
    sessionId: string,
    event: 'signed_out' | 'session.revoked' = 'session.revoked',
  ): Promise<void> {
    await this.dataSource.transaction(async (manager) => {
      if (!(await this.users.revokeSession(manager, principal.userId, sessionId)))
        throw DomainException.notFound('session_not_found', 'Session not found');
      await this.securityLog.record(principal.userId, event, { sessionId }, manager);
    });
    this.events.emit('session.revoked', { userId: principal.userId, sessionId });
  }

  /** "Sign out all others": every live session of the account but this one. */
  async revokeOtherSessions(principal: UserPrincipal): Promise<{ ended: number }> {
    const ended = await this.dataSource.transaction(async (manager) => {
      const revoked = await this.users.revokeOtherSessions(manager, principal.userId, principal.sessionId);
      await this.securityLog.record(principal.userId, 'sessions.revoked_others', { ended: revoked.length }, manager);
      return revoked;
    });
    for (const sessionId of ended) this.events.emit('session.revoked', { userId: principal.userId, sessionId });
    return { ended: ended.length };
  }

  listSessions(principal: UserPrincipal) {
    return this.users.listLiveSessions(principal.userId).then((sessions) =>
      sessions.map((session) => ({
        id: session.id,
        createdAt: session.createdAt,
        lastSeenAt: session.lastSeenAt,
        expiresAt: session.expiresAt,
        userAgent: session.userAgent,
        device: describeDevice(session.userAgent),
        ip: session.ip,
        current: session.id === principal.sessionId,
      })),
    );
  }

  /** Resolves a session cookie to its user; the secret is compared in constant time. */
  async authenticateSession(token: string): Promise<UserPrincipal | null> {
    const parts = splitToken(SESSION_TOKEN_PREFIX, token);
    if (!parts) return null;
    if (!/^[0-9a-f-]{36}$/.test(parts.id)) return null;
    const session = await this.users.findLiveSession(parts.id);
    if (!session || !digestsEqual(session.secretHash, sha256Hex(parts.secret))) return null;
    // Coarse last-seen updates: at most once a minute per session.
    if (Date.now() - session.lastSeenAt.getTime() > 60_000)
      void this.users.touchSession(session.id, new Date()).catch(() => undefined);
    return this.principalFor(session.user, session.id);
  }

  private principalFor(user: Pick<User, 'id' | 'email'>, sessionId: string): UserPrincipal {
    return {
      kind: 'user',
      userId: user.id,
      sessionId,
      email: user.email,
      orgId: null,
      membershipId: null,
      role: null,
      fleetIds: null,
    };
  }

  /** Opens a session inside the caller's transaction (password sign-in, sign-up, SSO sign-in). */
  async openSession(manager: Parameters<UsersRepository['createSession']>[0], userId: string, userAgent?: string) {
    const secret = randomSecret(32);
    const id = randomUUID();
    const expiresAt = new Date(Date.now() + this.config.SESSION_TTL_HOURS * 3600 * 1000);
    await this.users.createSession(manager, {
      id,
      userId,
      secretHash: sha256Hex(secret),
      lastSeenAt: new Date(),
      expiresAt,
      userAgent: userAgent?.slice(0, 256) ?? null,
      ip: RequestContext.current()?.clientIp ?? null,
    });
    return { id, sessionToken: composeToken(SESSION_TOKEN_PREFIX, id, secret), expiresAt };
  }

  async pruneSessions(): Promise<number> {
    const [sessions, challenges, log] = await Promise.all([
      this.users.deleteExpiredSessions(new Date(Date.now() - 24 * 3600 * 1000)),
      this.twoFactor.pruneChallenges(),
      this.securityLog.prune(),
    ]);
    return sessions + challenges + log;
  }
}
