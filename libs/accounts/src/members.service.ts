import { Injectable } from '@nestjs/common';
import { AuditService } from '@farmhand/audit';
import {
  ForbiddenError,
  grantableRoles,
  subject,
  type AppAbility,
  type Role,
  type UserPrincipal,
  type Principal,
} from '@farmhand/authz';
import { DomainEvents, DomainException } from '@farmhand/core';
import { DataSource, type EntityManager } from 'typeorm';
import { ApiKeysRepository } from './api-keys.repository';
import { FleetsRepository } from './fleets.repository';
import { InvitationsRepository } from './invitations.repository';
import { OrganizationsRepository } from './organizations.repository';

@Injectable()
export class MembersService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly organizations: OrganizationsRepository,
    private readonly fleets: FleetsRepository,
    private readonly apiKeys: ApiKeysRepository,
    private readonly invitations: InvitationsRepository,
    private readonly audit: AuditService,
    private readonly events: DomainEvents,
  ) {}

  list(orgId: string) {
    return this.organizations.listMembers(orgId);
  }

  /** Fleet limits must name fleets of this organization; an empty list would lock the member out of everything. */
  async assertFleetsBelong(orgId: string, fleetIds: string[] | null | undefined): Promise<void> {
    if (!fleetIds) return;
    if (fleetIds.length === 0)
      throw DomainException.invalid(
        'invalid_fleets',
        'fleetIds must name at least one fleet, or be null for all fleets',
        'fleetIds',
      );
    const unique = [...new Set(fleetIds)];
    if ((await this.fleets.countInOrg(orgId, unique)) !== unique.length) {
      throw DomainException.invalid(
        'unknown_fleet',
        'fleetIds names a fleet that does not exist in this organization',
        'fleetIds',
      );
    }
  }

  async update(
    principal: UserPrincipal | Principal,
    ability: AppAbility,
    orgId: string,
    membershipId: string,
    changes: { role?: Role; fleetIds?: string[] | null },
  ) {
    await this.assertFleetsBelong(orgId, changes.fleetIds);
    const result = await this.dataSource.transaction(async (manager) => {
      const members = await this.organizations.lockMemberships(manager, orgId);
      const target = members.find((member) => member.id === membershipId);
      if (!target) throw DomainException.notFound('member_not_found', 'Member not found');
      ForbiddenError.from(ability).throwUnlessCan('update', subject('Member', { ...target }));
      const actorRole = principal.kind === 'user' ? principal.role : null;
      if (actorRole !== 'owner' && (target.role === 'owner' || changes.role === 'owner')) {
        throw DomainException.forbidden('owner_only', 'Only an owner can change an owner or make someone an owner');
      }
      if (changes.role && actorRole && !grantableRoles(actorRole).includes(changes.role)) {
        throw DomainException.forbidden('role_not_grantable', `You cannot grant the ${changes.role} role`);
      }
      this.assertOwnersRemain(members, target.id, changes.role);
      const next = {
        role: changes.role ?? target.role,
        fleetIds: changes.fleetIds === undefined ? target.fleetIds : changes.fleetIds,
      };
      await this.organizations.updateMembership(manager, target.id, next);
      await this.audit.record(manager, {
        orgId,
        principal,
        action: 'member.updated',
        subject: { type: 'Member', id: target.id },
        details: { userId: target.userId, from: { role: target.role, fleetIds: target.fleetIds }, to: next },
      });
      return { ...target, ...next };
    });
    this.events.emit('member.roleChanged', {
      orgId,
      userId: result.userId,
      membershipId: result.id,
      role: result.role,
      fleetIds: result.fleetIds,
    });
    return result;
  }

  async remove(principal: Principal, ability: AppAbility, orgId: string, membershipId: string): Promise<void> {
    const { removed, revokedKeys } = await this.dataSource.transaction(async (manager) => {
      const members = await this.organizations.lockMemberships(manager, orgId);
      const target = members.find((member) => member.id === membershipId);
      if (!target) throw DomainException.notFound('member_not_found', 'Member not found');
      ForbiddenError.from(ability).throwUnlessCan('delete', subject('Member', { ...target }));
      if (target.role === 'owner' && (principal.kind !== 'user' || principal.role !== 'owner')) {
        throw DomainException.forbidden('owner_only', 'Only an owner can remove an owner');
      }
      const keys = await this.removeLocked(manager, members, target.id, principal, orgId, 'member.removed');
      return { removed: target, revokedKeys: keys };
    });
    this.emitRemoved(orgId, removed.userId, removed.id, revokedKeys);
  }

  /** A member leaves on their own; the last owner cannot. */
  async leave(principal: UserPrincipal, orgId: string): Promise<void> {
    const membershipId = principal.membershipId;
    if (!membershipId) throw DomainException.notFound('member_not_found', 'Member not found');
    const revokedKeys = await this.dataSource.transaction(async (manager) => {
      const members = await this.organizations.lockMemberships(manager, orgId);
      return this.removeLocked(manager, members, membershipId, principal, orgId, 'member.left');
    });
    this.emitRemoved(orgId, principal.userId, membershipId, revokedKeys);
  }

  private emitRemoved(orgId: string, userId: string, membershipId: string, revokedKeys: string[]): void {
    this.events.emit('member.removed', { orgId, userId, membershipId });
    for (const keyId of revokedKeys) this.events.emit('apiKey.revoked', { orgId, keyId });
  }

  /**
   * Removes the membership, and with it everything of theirs that would still work without them: the API keys
   * they created and the invitations they sent but nobody accepted yet are revoked (each audited, `reason:
   * creator_left`), so a removed admin leaves no key that answers and no link that makes someone a member.
   * Returns the revoked keys' ids.
   */
  private async removeLocked(
    manager: EntityManager,
    members: Array<{ id: string; role: Role; userId: string }>,
    membershipId: string,
    principal: Principal,
    orgId: string,
    action: string,
  ): Promise<string[]> {
    const target = members.find((member) => member.id === membershipId);
    if (!target) throw DomainException.notFound('member_not_found', 'Member not found');
    this.assertOwnersRemain(members, membershipId, undefined, true);
    await this.organizations.removeMembership(manager, membershipId);
    await this.audit.record(manager, {
      orgId,
      principal,
      action,
      subject: { type: 'Member', id: membershipId },
      details: { userId: target.userId, role: target.role },
    });
    const keys = await this.apiKeys.revokeCreatedBy(manager, orgId, target.userId);
    for (const key of keys)
      await this.audit.record(manager, {
        orgId,
        principal,
        action: 'apiKey.revoked',
        subject: { type: 'ApiKey', id: key.id },
        details: { name: key.name, reason: 'creator_left', userId: target.userId },
      });
    const invitations = await this.invitations.revokeSentBy(manager, orgId, target.userId);
    for (const invitation of invitations)
      await this.audit.record(manager, {
        orgId,
        principal,
        action: 'invitation.revoked',
        subject: { type: 'Invitation', id: invitation.id },
        details: { email: invitation.email, role: invitation.role, reason: 'inviter_left', userId: target.userId },
      });
    return keys.map((key) => key.id);
  }

  private assertOwnersRemain(
    members: Array<{ id: string; role: Role }>,
    targetId: string,
    newRole: Role | undefined,
    removing = false,
  ): void {
    const target = members.find((member) => member.id === targetId);
    if (!target || target.role !== 'owner') return;
    if (!removing && (newRole === undefined || newRole === 'owner')) return;
    const owners = members.filter((member) => member.role === 'owner').length;
    if (owners <= 1) {
      throw DomainException.conflict(
        'last_owner',
        'The last owner cannot leave or be demoted; make someone else an owner first',
      );
    }
  }
}
