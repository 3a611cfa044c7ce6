import { Injectable, type OnModuleInit } from '@nestjs/common';
import { AuthenticatorRegistry, type Authenticator, type Credentials, type Principal } from '@farmhand/authz';
import { DomainException, digestsEqual, sha256Hex, splitToken } from '@farmhand/core';
import { ApiKeysRepository } from './api-keys.repository';
import { AuthService, SESSION_COOKIE } from './auth.service';
import { OrganizationsRepository } from './organizations.repository';
import { OrganizationSecurityService } from './two-factor/organization-security.service';

export const API_KEY_PREFIX = 'fh_key';

/**
 * Users by session cookie, automation by `Authorization: Bearer fh_key_...`. Membership is read on every
 * request, so removing a member or changing a role applies to that member's very next request.
 */
@Injectable()
export class AccountsAuthenticator implements Authenticator, OnModuleInit {
  constructor(
    private readonly registry: AuthenticatorRegistry,
    private readonly auth: AuthService,
    private readonly apiKeys: ApiKeysRepository,
    private readonly organizations: OrganizationsRepository,
    private readonly organizationSecurity: OrganizationSecurityService,
  ) {}

  onModuleInit(): void {
    this.registry.register(this);
  }

  async authenticate(credentials: Credentials): Promise<Principal | null> {
    const bearer = credentials.authorization?.startsWith('Bearer ')
      ? credentials.authorization.slice(7).trim()
      : undefined;
    if (bearer?.startsWith(`${API_KEY_PREFIX}_`)) return this.authenticateApiKey(bearer);
    const cookie = credentials.cookies[SESSION_COOKIE];
    if (cookie) return this.auth.authenticateSession(cookie);
    return null;
  }

  async scopeToOrganization(principal: Principal, orgId: string): Promise<Principal | null> {
    if (!/^[0-9a-f-]{36}$/i.test(orgId)) return null;
    if (principal.kind === 'apiKey') return principal.orgId === orgId ? principal : null;
    if (principal.kind !== 'user') return null;
    const membership = await this.organizations.findMembership(orgId, principal.userId);
    if (!membership) return null;
    // The organization requires a second factor of its owners and admins: nothing of it works until they enrol
    // (their own account routes, enrolment included, are not organization routes and keep working).
    if (await this.organizationSecurity.mustEnrol(orgId, principal.userId, membership.role))
      throw DomainException.forbidden(
        'two_factor_required',
        'This organization requires two-factor sign-in for owners and admins: turn it on in your account first',
      );
    return { ...principal, orgId, membershipId: membership.id, role: membership.role, fleetIds: membership.fleetIds };
  }

  private async authenticateApiKey(token: string): Promise<Principal | null> {
    const parts = splitToken(API_KEY_PREFIX, token);
    if (!parts || !/^[0-9a-f-]{36}$/.test(parts.id)) return null;
    const key = await this.apiKeys.findLiveWithSecret(parts.id);
    if (!key || !digestsEqual(key.secretHash, sha256Hex(parts.secret))) return null;
    if (!key.lastUsedAt || Date.now() - key.lastUsedAt.getTime() > 60_000)
      void this.apiKeys.touch(key.id).catch(() => undefined);
    return { kind: 'apiKey', keyId: key.id, orgId: key.orgId, scopes: key.scopes, fleetIds: key.fleetIds };
  }
}
