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
} from '@farmhand/core';
import { randomUUID } from 'node:crypto';
import { DataSource } from 'typeorm';
import type { User } from './entities/user.entity';
import { OrganizationsRepository } from './organizations.repository';
import { assertPasswordAcceptable, dummyPasswordHash, hashPassword, verifyPassword } from './passwords';
import { UsersRepository } from './users.repository';

export const SESSION_COOKIE = 'fh_session';
export const SESSION_TOKEN_PREFIX = 'fh_sess';

export interface SignedIn {
  user: Pick<User, 'id' | 'email' | 'displayName'>;
  sessionToken: string;
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
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  async signUp(
    input: { email: string; password: string; displayName: string; organizationName?: string },
    userAgent?: string,
  ): Promise<SignedIn & { orgId?: string }> {
    const email = input.email.trim().toLowerCase();
    assertPasswordAcceptable(input.password, email);
    const passwordHash = await hashPassword(input.password);
    try {
      return await this.dataSource.transaction(async (manager) => {
        const user = await this.users.create(manager, { email, displayName: input.displayName.trim(), passwordHash });
        const session = await this.openSession(manager, user.id, userAgent);
        let orgId: string | undefined;
        const principal = this.principalFor(user, session.id);
        if (input.organizationName) {
          const org = await this.organizations.create(manager, input.organizationName.trim());
          await this.organizations.addMember(manager, {
            orgId: org.id,
            userId: user.id,
            role: 'owner',
            fleetIds: null,
          });
          orgId = org.id;
          await this.audit.record(manager, {
            orgId,
            principal,
            action: 'organization.created',
            subject: { type: 'Organization', id: org.id },
            details: { name: org.name },
          });
        }
        return { user: { id: user.id, email: user.email, displayName: user.displayName }, ...session, orgId };
      });
    } catch (error) {
      if (isUniqueViolation(error, 'users_email_unique')) {
        throw DomainException.conflict('email_taken', 'An account with this email already exists', 'email');
      }
      throw error;
    }
  }

  /**
   * Throttled per account and per client address (Redis counters shared by every instance). The same answer and
   * roughly the same time whether or not the account exists.
   */
  async signIn(input: { email: string; password: string }, userAgent?: string): Promise<SignedIn> {
    const email = input.email.trim().toLowerCase();
    const window = this.config.LOGIN_WINDOW_SECONDS;
    const accountBucket = `login:account:${sha256Hex(email)}`;
    const clientBucket = `login:client:${RequestContext.current()?.clientIp ?? 'unknown'}`;
    const [account, client] = await Promise.all([
      this.limiter.peek(accountBucket, this.config.LOGIN_MAX_ATTEMPTS_PER_ACCOUNT),
      this.limiter.peek(clientBucket, this.config.LOGIN_MAX_ATTEMPTS_PER_CLIENT),
    ]);
    if (!account.allowed || !client.allowed) {
      throw new DomainException(
        'rate_limited',
        'too_many_attempts',
        'Too many sign-in attempts; try again later',
        undefined,
        {
          retryAfterSeconds: Math.max(account.retryAfterSeconds, client.retryAfterSeconds),
        },
      );
    }
    const user = await this.users.findByEmailWithPassword(email);
    const valid = await verifyPassword(user?.passwordHash ?? (await dummyPasswordHash()), input.password);
    if (!user || !valid) {
      await Promise.all([
        this.limiter.hit(accountBucket, this.config.LOGIN_MAX_ATTEMPTS_PER_ACCOUNT, window),
        this.limiter.hit(clientBucket, this.config.LOGIN_MAX_ATTEMPTS_PER_CLIENT, window),
      ]);
      throw DomainException.unauthorized('invalid_credentials', 'Email or password is wrong');
    }
    await this.limiter.reset(accountBucket);
    const session = await this.dataSource.transaction((manager) => this.openSession(manager, user.id, userAgent));
    return { user: { id: user.id, email: user.email, displayName: user.displayName }, ...session };
  }

  async signOut(principal: UserPrincipal): Promise<void> {
    await this.revokeSession(principal, principal.sessionId);
  }

  async revokeSession(principal: UserPrincipal, sessionId: string): Promise<void> {
    const revoked = await this.dataSource.transaction((manager) =>
      this.users.revokeSession(manager, principal.userId, sessionId),
    );
    if (!revoked) throw DomainException.notFound('session_not_found', 'Session not found');
    this.events.emit('session.revoked', { userId: principal.userId, sessionId });
  }

  listSessions(principal: UserPrincipal) {
    return this.users.listLiveSessions(principal.userId).then((sessions) =>
      sessions.map((session) => ({
        id: session.id,
        createdAt: session.createdAt,
        lastSeenAt: session.lastSeenAt,
        expiresAt: session.expiresAt,
        userAgent: session.userAgent,
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

  private async openSession(
    manager: Parameters<UsersRepository['createSession']>[0],
    userId: string,
    userAgent?: string,
  ) {
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
    return this.users.deleteExpiredSessions(new Date(Date.now() - 24 * 3600 * 1000));
  }
}
