import { Injectable } from '@nestjs/common';
import { AuditService } from '@farmhand/audit';
import { ForbiddenError, subject, type AppAbility, type Principal, type UserPrincipal } from '@farmhand/authz';
import { DomainEvents, DomainException } from '@farmhand/core';
import { DataSource } from 'typeorm';
import { OrganizationsRepository } from './organizations.repository';
import { EmailVerificationService } from './recovery/email-verification.service';

@Injectable()
export class OrganizationsService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly organizations: OrganizationsRepository,
    private readonly audit: AuditService,
    private readonly events: DomainEvents,
    private readonly verification: EmailVerificationService,
  ) {}

  listMine(principal: UserPrincipal) {
    return this.organizations.listForUser(principal.userId);
  }

  /** Creating an organization makes its creator the owner. */
  async create(principal: UserPrincipal, name: string) {
    await this.verification.assertVerified(principal.userId);
    return this.dataSource.transaction(async (manager) => {
      const org = await this.organizations.create(manager, name.trim());
      await this.organizations.addMember(manager, {
        orgId: org.id,
        userId: principal.userId,
        role: 'owner',
        fleetIds: null,
      });
      await this.audit.record(manager, {
        orgId: org.id,
        principal,
        action: 'organization.created',
        subject: { type: 'Organization', id: org.id },
        details: { name: org.name },
      });
      return {
        id: org.id,
        name: org.name,
        role: 'owner' as const,
        requireTwoFactor: org.requireTwoFactor,
        createdAt: org.createdAt,
      };
    });
  }

  async get(orgId: string) {
    const org = await this.organizations.findById(orgId);
    if (!org) throw DomainException.notFound('organization_not_found', 'Organization not found');
    return org;
  }

  async rename(principal: Principal, ability: AppAbility, orgId: string, name: string) {
    ForbiddenError.from(ability).throwUnlessCan('update', subject('Organization', { id: orgId, orgId }));
    await this.dataSource.transaction(async (manager) => {
      await this.organizations.rename(manager, orgId, name.trim());
      await this.audit.record(manager, {
        orgId,
        principal,
        action: 'organization.renamed',
        subject: { type: 'Organization', id: orgId },
        details: { name },
      });
    });
    return this.get(orgId);
  }

  /** Only owners delete an organization; everything it owns goes with it. */
  async delete(principal: Principal, ability: AppAbility, orgId: string): Promise<void> {
    ForbiddenError.from(ability).throwUnlessCan('delete', subject('Organization', { id: orgId, orgId }));
    await this.dataSource.transaction(async (manager) => {
      // The audit entry outlives the organization (org_id has no foreign key) so the deletion stays on record.
      await this.audit.record(manager, {
        orgId,
        principal,
        action: 'organization.deleted',
        subject: { type: 'Organization', id: orgId },
      });
      await this.organizations.delete(manager, orgId);
    });
    this.events.emit('organization.deleted', { orgId });
  }
}
