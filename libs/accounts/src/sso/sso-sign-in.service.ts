import { Inject, Injectable } from '@nestjs/common';
import { AuditService } from '@farmhand/audit';
import {
  APP_CONFIG,
  DomainException,
  LOGGER,
  REDIS,
  REDIS_KEYS,
  RateLimiter,
  RequestContext,
  digestsEqual,
  isUniqueViolation,
  randomSecret,
  sha256Hex,
  type AppConfig,
  type RateLimit,
  type RedisKeys,
} from '@farmhand/core';
import type { Redis } from 'ioredis';
import type { Logger } from 'pino';
import { DataSource } from 'typeorm';
import { AuthService, type SignedIn } from '../auth.service';
import { FleetsRepository } from '../fleets.repository';
import { OrganizationsRepository } from '../organizations.repository';
import { hashPassword } from '../passwords';
import { UsersRepository } from '../users.repository';
import type { SsoProvider } from './entities/sso-provider.entity';
import { OidcClient } from './oidc-client';
import { SSO_SECRET_CIPHER } from './sso.tokens';
import { groupsFromClaim, roleFromGroups, type SsoAssignableRole } from './sso-roles';
import type { SsoSecretCipher } from './sso-secret.cipher';
import { SsoRepository, type SsoProviderWithSecret } from './sso.repository';

/** How long a started sign-in may take at the provider; its state is single use within that time. */
export const SSO_STATE_TTL_SECONDS = 600;

interface PendingSignIn {
  providerId: string;
  codeVerifier: string;
  nonce: string;
  /** SHA-256 of the browser binding cookie: a callback from another browser (login CSRF) does not match. */
  bindingHash: string;
}

export interface SsoProviderHint {
  slug: string;
  displayName: string;
  startUrl: string;
}

/** The sign-in refusals, each with a code the sign-in page explains. */
function refused(code: string, message: string): DomainException {
  return DomainException.forbidden(code, message);
}

/**
 * OpenID Connect sign-in: authorization code flow with PKCE, `state` and `nonce` kept server side (Redis, single
 * use, 10 minutes) and bound to the browser that started it. A person is found by the provider's subject, then by a
 * verified email; people new to the organization join with the mapped or default role; the session is the one
 * password sign-in opens.
 */
@Injectable()
export class SsoSignInService {
  private readonly startLimit: RateLimit;

  constructor(
    private readonly dataSource: DataSource,
    private readonly providers: SsoRepository,
    private readonly users: UsersRepository,
    private readonly organizations: OrganizationsRepository,
    private readonly fleets: FleetsRepository,
    private readonly auth: AuthService,
    private readonly oidc: OidcClient,
    private readonly audit: AuditService,
    private readonly limiter: RateLimiter,
    @Inject(SSO_SECRET_CIPHER) private readonly cipher: SsoSecretCipher,
    @Inject(REDIS) private readonly redis: Redis,
    @Inject(REDIS_KEYS) private readonly keys: RedisKeys,
    @Inject(APP_CONFIG) config: AppConfig,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {
    // Every start writes a Redis key and asks the provider: bounded per client like sign-in.
    this.startLimit = {
      name: 'sso-start-client',
      points: config.LOGIN_MAX_ATTEMPTS_PER_CLIENT,
      durationSeconds: config.LOGIN_WINDOW_SECONDS,
      whenRedisDown: 'memory',
    };
  }

  /** The provider for an email's domain or an organization's sign-in slug; the same 404 for anything unknown. */
  async find(query: string): Promise<SsoProviderHint> {
    const text = query.trim().toLowerCase();
    let provider: SsoProvider | null = null;
    if (text.includes('@')) {
      const matches = await this.providers.findEnabledByDomain(text.slice(text.lastIndexOf('@') + 1));
      provider = matches.length === 1 ? matches[0]! : null;
    } else if (/^[a-z0-9-]{2,63}$/.test(text)) {
      provider = await this.providers.findEnabledBySlug(text);
    }
    if (!provider)
      throw DomainException.notFound('sso_provider_not_found', 'No single sign-on provider was found for this');
    return this.hint(provider);
  }

  async hintForSlug(slug: string): Promise<SsoProviderHint> {
    const provider = /^[a-z0-9-]{2,63}$/.test(slug) ? await this.providers.findEnabledBySlug(slug) : null;
    if (!provider)
      throw DomainException.notFound('sso_provider_not_found', 'No single sign-on provider was found for this');
    return this.hint(provider);
  }

  /** Starts a sign-in: the provider's authorization URL, and the binding the browser keeps in a cookie. */
  async start(slug: string): Promise<{ url: string; binding: string }> {
    const consumed = await this.limiter.consume(this.startLimit, RequestContext.current()?.clientIp ?? 'unknown');
    if (!consumed.allowed)
      throw new DomainException('rate_limited', 'too_many_attempts', 'Too many attempts; try again later', undefined, {
        retryAfterSeconds: consumed.retryAfterSeconds,
      });
    const found = /^[a-z0-9-]{2,63}$/.test(slug) ? await this.providers.findEnabledBySlug(slug) : null;
    const provider = found && (await this.providers.findEnabledByIdWithSecret(found.id));
    if (!provider)
      throw DomainException.notFound('sso_provider_not_found', 'No single sign-on provider was found for this');
    const configuration = await this.configuration(provider);
    const request = await this.oidc.authorizationRequest(configuration);
    const binding = randomSecret(32);
    const pending: PendingSignIn = {
      providerId: provider.id,
      codeVerifier: request.codeVerifier,
      nonce: request.nonce,
      bindingHash: sha256Hex(binding),
    };
    await this.redis.set(this.stateKey(request.state), JSON.stringify(pending), 'EX', SSO_STATE_TTL_SECONDS);
    return { url: request.url.toString(), binding };
  }

  /**
   * Completes a sign-in from the provider's redirect. The state is taken from Redis and deleted in one step (GETDEL),
   * so a replayed callback finds nothing.
   */
  async callback(
    rawQuery: string,
    binding: string | undefined,
    userAgent?: string,
    sessionToken?: string,
  ): Promise<SignedIn & { orgId: string }> {
    const query = new URLSearchParams(rawQuery);
    const state = query.get('state');
    const stored = state && state.length <= 128 ? await this.redis.getdel(this.stateKey(state)) : null;
    if (!stored) throw refused('sso_state_invalid', 'This sign-in link expired or was already used; start again');
    const pending = JSON.parse(stored) as PendingSignIn;
    if (!binding || !digestsEqual(pending.bindingHash, sha256Hex(binding)))
      throw refused('sso_state_invalid', 'This sign-in was started in another browser; start again');
    const provider = await this.providers.findEnabledByIdWithSecret(pending.providerId);
    if (!provider) throw DomainException.notFound('sso_provider_not_found', 'No single sign-on provider was found');
    const providerError = query.get('error');
    if (providerError) {
      const code = /^[a-z_]{1,64}$/.test(providerError) ? providerError : 'error';
      throw refused('sso_refused', `${provider.displayName} refused the sign-in (${code})`);
    }
    const configuration = await this.configuration(provider);
    let claims: Record<string, unknown>;
    try {
      claims = await this.oidc.exchange(configuration, rawQuery, { ...pending, state: state! });
    } catch (error) {
      // Why it failed goes to the log (no token, code or secret is in these messages); the person gets one answer.
      this.logger.info(
        { orgId: provider.orgId, err: { name: (error as Error).name, message: (error as Error).message } },
        'sso token rejected',
      );
      throw refused('sso_token_invalid', `The answer from ${provider.displayName} could not be verified`);
    }
    const person = this.personFrom(provider, claims);
    const signedInAs = sessionToken ? await this.auth.authenticateSession(sessionToken) : null;
    const signedIn = await this.signInPerson(provider, person, signedInAs?.userId ?? null, userAgent);
    return { ...signedIn, orgId: provider.orgId };
  }

  private personFrom(provider: SsoProvider, claims: Record<string, unknown>) {
    const subject = typeof claims.sub === 'string' ? claims.sub : '';
    if (!subject || subject.length > 255) throw refused('sso_token_invalid', 'The ID token names no subject');
    const email = typeof claims.email === 'string' ? claims.email.trim().toLowerCase() : '';
    if (!/^[^\s@]{1,64}@[^\s@]{1,253}$/.test(email) || email.length > 254)
      throw refused('sso_email_missing', `${provider.displayName} did not share an email address`);
    // An unverified address never links to an account nor opens one: anyone could type someone else's.
    if (claims.email_verified !== true)
      throw refused('sso_email_unverified', `${provider.displayName} has not verified this email address`);
    const domain = email.slice(email.lastIndexOf('@') + 1);
    if (provider.allowedDomains.length > 0 && !provider.allowedDomains.includes(domain))
      throw refused('sso_domain_not_allowed', 'This email domain may not sign in to this organization');
    let role: SsoAssignableRole = provider.defaultRole as SsoAssignableRole;
    if (provider.groupClaim) {
      const mapped = roleFromGroups(groupsFromClaim(claims[provider.groupClaim]), provider.groupRoles ?? {});
      if (!mapped)
        throw refused('sso_no_role', 'None of your groups at the provider gives access to this organization');
      role = mapped;
    }
    const name = typeof claims.name === 'string' ? claims.name : '';
    const displayName = (name.replace(/[\u0000-\u001f\u007f]/g, '').trim() || email.split('@')[0]!).slice(0, 100);
    return { subject, email, role, displayName };
  }

  private async signInPerson(
    provider: SsoProvider,
    person: { subject: string; email: string; role: SsoAssignableRole; displayName: string },
    signedInUserId: string | null,
    userAgent?: string,
  ): Promise<SignedIn> {
    if (provider.defaultFleetIds) {
      const existing = await this.fleets.countInOrg(provider.orgId, provider.defaultFleetIds);
      // A deleted default fleet must not widen a new member to every fleet: refuse until the owner fixes it.
      if (existing !== provider.defaultFleetIds.length)
        throw refused('sso_misconfigured', 'Single sign-on names a fleet that no longer exists; ask an owner');
    }
    const identity = await this.providers.findIdentity(provider.id, person.subject);
    const linkedUser = identity ? await this.users.findById(identity.userId) : null;
    const emailUser = linkedUser ? null : await this.users.findByEmailWithPassword(person.email);
    if (emailUser && emailUser.id !== signedInUserId) {
      // Whoever runs an organization's provider decides what it asserts, "verified" included. An account that is not
      // already this organization's member is linked only by its owner: signed in with their password, in this
      // browser, when the sign-in through the provider comes back. Otherwise any organization could take over anyone.
      const member = await this.organizations.findMembership(provider.orgId, emailUser.id);
      if (!member)
        throw refused(
          'sso_account_exists',
          'An account with this email already exists: sign in with its password first, then use single sign-on to link it',
        );
    }
    const newPasswordHash = linkedUser || emailUser ? null : await hashPassword(randomSecret(32));
    try {
      const result = await this.dataSource.transaction(async (manager) => {
        const principalBase = { kind: 'user' as const, orgId: provider.orgId, membershipId: null, fleetIds: null };
        let user = linkedUser ?? emailUser;
        if (!user) {
          // The password is random and never told: this account signs in through the provider (or a reset).
          user = await this.users.create(manager, {
            email: person.email,
            displayName: person.displayName,
            passwordHash: newPasswordHash!,
            // The provider vouched for the address (email_verified is required above): no second verification.
            emailVerifiedAt: new Date(),
          });
        }
        const session = await this.auth.openSession(manager, user.id, userAgent);
        const principal = { ...principalBase, userId: user.id, sessionId: session.id, email: user.email, role: null };
        if (!identity) {
          await this.audit.record(manager, {
            orgId: provider.orgId,
            principal,
            action: 'sso.linked',
            subject: { type: 'SsoProvider', id: provider.id },
            details: { userId: user.id, email: person.email, newAccount: !emailUser },
          });
        }
        await this.providers.linkIdentity(manager, {
          orgId: provider.orgId,
          providerId: provider.id,
          subject: person.subject,
          userId: user.id,
        });
        const membership = await this.organizations.findMembership(provider.orgId, user.id);
        let joined: { id: string } | null = null;
        if (!membership) {
          joined = await this.organizations.addMember(manager, {
            orgId: provider.orgId,
            userId: user.id,
            role: person.role,
            fleetIds: provider.defaultFleetIds,
          });
          await this.audit.record(manager, {
            orgId: provider.orgId,
            principal,
            action: 'member.joined',
            subject: { type: 'Member', id: joined.id },
            details: { userId: user.id, role: person.role, fleetIds: provider.defaultFleetIds, via: 'sso' },
          });
        }
        return { user: { id: user.id, email: user.email, displayName: user.displayName }, ...session };
      });
      return result;
    } catch (error) {
      if (isUniqueViolation(error))
        throw DomainException.conflict('sso_retry', 'Another sign-in for this person finished first; try again');
      throw error;
    }
  }

  private async configuration(provider: SsoProviderWithSecret) {
    try {
      return await this.oidc.cachedDiscover(
        provider.issuerUrl,
        provider.clientId,
        this.cipher.decrypt(provider.clientSecretCiphertext, provider.id),
      );
    } catch (error) {
      this.logger.warn({ orgId: provider.orgId, err: { message: (error as Error).message } }, 'sso discovery failed');
      throw new DomainException(
        'unavailable',
        'sso_provider_unavailable',
        `${provider.displayName} could not be reached; try again later`,
      );
    }
  }

  private hint(provider: SsoProvider): SsoProviderHint {
    return {
      slug: provider.slug,
      displayName: provider.displayName,
      startUrl: `/api/auth/sso/${provider.slug}/start`,
    };
  }

  private stateKey(state: string): string {
    return this.keys.key('sso', 'state', sha256Hex(state));
  }
}
