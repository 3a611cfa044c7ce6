import { Injectable } from '@nestjs/common';
import { AuditService } from '@farmhand/audit';
import type { Principal, Role } from '@farmhand/authz';
import { DomainException } from '@farmhand/core';
import { DataSource } from 'typeorm';
import { Organization } from '../entities/organization.entity';
import { TwoFactorRepository } from './two-factor.repository';

const ROLES_NEEDING_TWO_FACTOR: readonly Role[] = ['owner', 'admin'];

/**
 * "Require two-factor sign-in for owners and admins". While it is on, an owner or admin without a second factor (TOTP or a passkey) gets
 * 403 `two_factor_required` on every route of the organization (AccountsAuthenticator) until they enrol.
 */
@Injectable()
export class OrganizationSecurityService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly twoFactor: TwoFactorRepository,
    private readonly audit: AuditService,
  ) {}

  async get(orgId: string) {
    const org = await this.dataSource.getRepository(Organization).findOneBy({ id: orgId });
    if (!org) throw DomainException.notFound('organization_not_found', 'Organization not found');
    return { requireTwoFactor: org.requireTwoFactor };
  }

  /** Owners only; an owner turning it on must have a second factor first, so they cannot lock themselves out. */
  async update(principal: Principal, orgId: string, input: { requireTwoFactor: boolean }) {
    if (principal.kind !== 'user') throw DomainException.forbidden('users_only', 'Only a signed-in user can do this');
    if (principal.role !== 'owner') throw DomainException.forbidden('owner_only', 'Only an owner can do this');
    if (input.requireTwoFactor && !(await this.twoFactor.hasSecondFactor(principal.userId)))
      throw DomainException.conflict('enrol_first', 'Turn on two-factor sign-in for your own account first');
    await this.dataSource.transaction(async (manager) => {
      await manager.getRepository(Organization).update({ id: orgId }, { requireTwoFactor: input.requireTwoFactor });
      await this.audit.record(manager, {
        orgId,
        principal,
        action: 'organization.securityChanged',
        subject: { type: 'Organization', id: orgId },
        details: { requireTwoFactor: input.requireTwoFactor },
      });
    });
    return this.get(orgId);
  }

  /** Whether this member must enrol before using the organization. */
  async mustEnrol(orgId: string, userId: string, role: Role): Promise<boolean> {
    if (!ROLES_NEEDING_TWO_FACTOR.includes(role)) return false;
    const org = await this.dataSource.getRepository(Organization).findOneBy({ id: orgId });
    if (!org?.requireTwoFactor) return false;
    return !(await this.twoFactor.hasSecondFactor(userId));
  }
}
