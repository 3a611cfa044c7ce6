import { Injectable } from '@nestjs/common';
import { AuditService } from '@farmhand/audit';
import {
  parseScope,
  WHOLE_ORGANIZATION_SUBJECTS,
  type ApiKeyScope,
  type Principal,
  type UserPrincipal,
} from '@farmhand/authz';
import { DomainEvents, DomainException, composeToken, randomSecret, sha256Hex } from '@farmhand/core';
import { randomUUID } from 'node:crypto';
import { DataSource } from 'typeorm';
import { API_KEY_PREFIX } from './accounts.authenticator';
import { ApiKeysRepository } from './api-keys.repository';
import { MembersService } from './members.service';

@Injectable()
export class ApiKeysService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly keys: ApiKeysRepository,
    private readonly members: MembersService,
    private readonly audit: AuditService,
    private readonly events: DomainEvents,
  ) {}

  /** The key is shown once, in this answer; only its SHA-256 is stored. */
  async create(
    principal: Principal,
    orgId: string,
    input: { name: string; scopes: ApiKeyScope[]; fleetIds?: string[] | null; expiresAt?: Date | null },
  ) {
    if (input.expiresAt && input.expiresAt.getTime() <= Date.now()) {
      throw DomainException.invalid('invalid_expiry', 'expiresAt must be in the future', 'expiresAt');
    }
    await this.members.assertFleetsBelong(orgId, input.fleetIds);
    const wholeOrganization = input.scopes.find((scope) => WHOLE_ORGANIZATION_SUBJECTS.includes(parseScope(scope)[1]));
    if (input.fleetIds && wholeOrganization)
      throw DomainException.invalid(
        'scope_needs_every_fleet',
        `${wholeOrganization} covers every fleet: a key limited to fleets cannot hold it`,
        'scopes',
      );
    const id = randomUUID();
    const secret = randomSecret(32);
    const key = await this.dataSource.transaction(async (manager) => {
      const created = await this.keys.create(manager, {
        id,
        orgId,
        name: input.name.trim(),
        secretHash: sha256Hex(secret),
        scopes: [...new Set(input.scopes)],
        fleetIds: input.fleetIds ?? null,
        createdBy: (principal as UserPrincipal).userId,
        expiresAt: input.expiresAt ?? null,
      });
      await this.audit.record(manager, {
        orgId,
        principal,
        action: 'apiKey.created',
        subject: { type: 'ApiKey', id },
        details: { name: created.name, scopes: created.scopes, fleetIds: created.fleetIds },
      });
      return created;
    });
    return { apiKey: key, key: composeToken(API_KEY_PREFIX, id, secret) };
  }

  list(orgId: string) {
    return this.keys.list(orgId);
  }

  async revoke(principal: Principal, orgId: string, keyId: string): Promise<void> {
    await this.dataSource.transaction(async (manager) => {
      if (!(await this.keys.revoke(manager, orgId, keyId)))
        throw DomainException.notFound('api_key_not_found', 'No active API key with this id');
      await this.audit.record(manager, {
        orgId,
        principal,
        action: 'apiKey.revoked',
        subject: { type: 'ApiKey', id: keyId },
      });
    });
    // Requests check the key each time; open dashboard sockets are closed by this event, on every instance.
    this.events.emit('apiKey.revoked', { orgId, keyId });
  }
}
