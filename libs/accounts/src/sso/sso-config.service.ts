import { Inject, Injectable } from '@nestjs/common';
import { AuditService } from '@farmhand/audit';
import type { Principal } from '@farmhand/authz';
import { APP_CONFIG, DomainEvents, DomainException, LOGGER, isUniqueViolation, type AppConfig } from '@farmhand/core';
import { randomUUID } from 'node:crypto';
import type { Logger } from 'pino';
import { DataSource } from 'typeorm';
import { OrganizationsRepository } from '../organizations.repository';
import { MembersService } from '../members.service';
import { SecurityLog } from '../sessions/security-log.service';
import { UsersRepository } from '../users.repository';
import { MAX_GROUP_ROLES, type PutSsoProviderDto } from './dto/sso.dto';
import type { SsoProvider } from './entities/sso-provider.entity';
import { OidcClient } from './oidc-client';
import { validateIssuerUrl } from './oidc-http';
import { SSO_SECRET_CIPHER } from './sso.tokens';
import { SSO_ASSIGNABLE_ROLES, type SsoAssignableRole } from './sso-roles';
import type { SsoSecretCipher } from './sso-secret.cipher';
import { SsoRepository } from './sso.repository';

export interface SsoProviderView {
  id: string;
  slug: string;
  displayName: string;
  issuerUrl: string;
  clientId: string;
  clientSecretSet: boolean;
  allowedDomains: string[];
  defaultRole: string;
  defaultFleetIds: string[] | null;
  groupClaim: string | null;
  groupRoles: Record<string, string> | null;
  enabled: boolean;
  requireSso: boolean;
  breakGlassUserId: string | null;
  signInUrl: string;
  redirectUri: string;
  createdAt: string;
  updatedAt: string;
}

/** The organization's provider, owners only (the `SsoProvider` subject). The client secret goes in, never out. */
@Injectable()
export class SsoConfigService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly providers: SsoRepository,
    private readonly organizations: OrganizationsRepository,
    private readonly members: MembersService,
    private readonly oidc: OidcClient,
    private readonly audit: AuditService,
    private readonly users: UsersRepository,
    private readonly securityLog: SecurityLog,
    private readonly events: DomainEvents,
    @Inject(SSO_SECRET_CIPHER) private readonly cipher: SsoSecretCipher,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {}

  async get(orgId: string): Promise<SsoProviderView> {
    const provider = await this.providers.findByOrg(orgId);
    if (!provider) throw DomainException.notFound('sso_provider_not_found', 'No single sign-on provider is configured');
    return this.view(provider);
  }

  /**
   * Creates or replaces the provider. The issuer is checked (SSRF) and discovered with the client id and secret
   * before anything is stored, so a typo is an error now rather than at everyone's next sign-in.
   */
  async put(principal: Principal, orgId: string, input: PutSsoProviderDto): Promise<SsoProviderView> {
    const issuerUrl = validateIssuerUrl(input.issuerUrl, this.oidc.policy);
    const groupRoles = this.checkGroupRoles(input.groupClaim, input.groupRoles);
    await this.members.assertFleetsBelong(orgId, input.defaultFleetIds);
    if (input.breakGlassUserId) {
      const membership = await this.organizations.findMembership(orgId, input.breakGlassUserId);
      if (membership?.role !== 'owner')
        throw DomainException.invalid(
          'sso_break_glass_not_owner',
          'breakGlassUserId must be an owner of this organization',
          'breakGlassUserId',
        );
    }
    const existingSecret = await this.dataSource.transaction(async (manager) => {
      const existing = await this.providers.findByOrgWithSecret(manager, orgId);
      return existing ? this.cipher.decrypt(existing.clientSecretCiphertext, existing.id) : null;
    });
    const clientSecret = input.clientSecret ?? existingSecret;
    if (!clientSecret)
      throw DomainException.invalid('sso_client_secret_required', 'clientSecret is required', 'clientSecret');
    try {
      await this.oidc.discover(issuerUrl, input.clientId, clientSecret);
    } catch (error) {
      this.logger.info({ orgId, err: { message: (error as Error).message } }, 'sso discovery failed');
      throw DomainException.invalid(
        'sso_discovery_failed',
        'The issuer did not answer OpenID Connect discovery with a matching issuer',
        'issuerUrl',
      );
    }
    try {
      const saved = await this.dataSource.transaction(async (manager) => {
        const existing = await this.providers.findByOrgWithSecret(manager, orgId);
        const id = existing?.id ?? randomUUID();
        const fields = {
          slug: input.slug,
          displayName: input.displayName.trim(),
          issuerUrl,
          clientId: input.clientId,
          allowedDomains: input.allowedDomains.map((domain) => domain.toLowerCase()),
          defaultRole: input.defaultRole,
          defaultFleetIds: input.defaultFleetIds ? [...new Set(input.defaultFleetIds)] : null,
          groupClaim: input.groupClaim,
          groupRoles,
          enabled: input.enabled,
          requireSso: input.requireSso,
          breakGlassUserId: input.breakGlassUserId ?? null,
        };
        const provider = await this.providers.save(manager, {
          ...(existing ?? {}),
          id,
          orgId,
          ...fields,
          clientSecretCiphertext: this.cipher.encrypt(clientSecret, id),
        });
        // "Require SSO" switched on: sessions opened before it (with a password among them) end for every member
        // it applies to. The break-glass owner keeps theirs, and so does the session making the change.
        const ended =
          fields.requireSso && fields.enabled && !(existing?.requireSso && existing.enabled)
            ? await this.users.revokeMemberSessions(
                manager,
                orgId,
                fields.breakGlassUserId,
                principal.kind === 'user' ? principal.sessionId : null,
              )
            : [];
        const endedPerUser = new Map<string, number>();
        for (const session of ended) endedPerUser.set(session.userId, (endedPerUser.get(session.userId) ?? 0) + 1);
        for (const [userId, count] of endedPerUser)
          await this.securityLog.record(userId, 'sessions.ended_sso_required', { orgId, ended: count }, manager);
        await this.audit.record(manager, {
          orgId,
          principal,
          action: existing ? 'sso.updated' : 'sso.configured',
          subject: { type: 'SsoProvider', id },
          // What changed, never the secret: only whether a new one was given.
          details: { ...fields, clientSecretChanged: input.clientSecret !== undefined, sessionsEnded: ended.length },
        });
        return { provider, ended };
      });
      for (const session of saved.ended)
        this.events.emit('session.revoked', { userId: session.userId, sessionId: session.id });
      return this.view(saved.provider);
    } catch (error) {
      if (isUniqueViolation(error, 'sso_providers_slug_unique'))
        throw DomainException.conflict('sso_slug_taken', 'Another organization uses this sign-in name', 'slug');
      throw error;
    }
  }

  async delete(principal: Principal, orgId: string): Promise<void> {
    await this.dataSource.transaction(async (manager) => {
      const existing = await this.providers.findByOrgWithSecret(manager, orgId);
      if (!existing)
        throw DomainException.notFound('sso_provider_not_found', 'No single sign-on provider is configured');
      await this.providers.delete(manager, orgId);
      await this.audit.record(manager, {
        orgId,
        principal,
        action: 'sso.deleted',
        subject: { type: 'SsoProvider', id: existing.id },
        details: { issuerUrl: existing.issuerUrl, slug: existing.slug },
      });
    });
  }

  private checkGroupRoles(
    groupClaim: string | null,
    groupRoles: Record<string, unknown> | null,
  ): Record<string, SsoAssignableRole> | null {
    if (groupClaim === null) {
      if (groupRoles !== null && Object.keys(groupRoles).length > 0)
        throw DomainException.invalid('sso_group_roles_invalid', 'groupRoles needs a groupClaim', 'groupRoles');
      return null;
    }
    const entries = Object.entries(groupRoles ?? {});
    if (entries.length === 0 || entries.length > MAX_GROUP_ROLES)
      throw DomainException.invalid(
        'sso_group_roles_invalid',
        `groupRoles must map 1 to ${MAX_GROUP_ROLES} groups to roles`,
        'groupRoles',
      );
    for (const [group, role] of entries) {
      if (group.length < 1 || group.length > 200 || !SSO_ASSIGNABLE_ROLES.includes(role as SsoAssignableRole))
        throw DomainException.invalid(
          'sso_group_roles_invalid',
          `groupRoles must map group names (at most 200 characters) to ${SSO_ASSIGNABLE_ROLES.join(', ')}`,
          'groupRoles',
        );
    }
    return Object.fromEntries(entries) as Record<string, SsoAssignableRole>;
  }

  view(provider: SsoProvider): SsoProviderView {
    return {
      id: provider.id,
      slug: provider.slug,
      displayName: provider.displayName,
      issuerUrl: provider.issuerUrl,
      clientId: provider.clientId,
      clientSecretSet: true,
      allowedDomains: provider.allowedDomains,
      defaultRole: provider.defaultRole,
      defaultFleetIds: provider.defaultFleetIds,
      groupClaim: provider.groupClaim,
      groupRoles: provider.groupRoles,
      enabled: provider.enabled,
      requireSso: provider.requireSso,
      breakGlassUserId: provider.breakGlassUserId,
      signInUrl: new URL(`/sign-in/sso/${provider.slug}`, this.config.PUBLIC_URL).toString(),
      redirectUri: this.oidc.redirectUri,
      createdAt: provider.createdAt.toISOString(),
      updatedAt: provider.updatedAt.toISOString(),
    };
  }
}
