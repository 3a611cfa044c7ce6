import { Injectable } from '@nestjs/common';
import { AuditService } from '@farmhand/audit';
import { type ApiKeyScope, type Principal, type UserPrincipal } from '@farmhand/authz';
import { DomainException, composeToken, randomSecret, sha256Hex } from '@farmhand/core';
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
  }
}
