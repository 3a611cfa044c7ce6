import { randomUUID } from 'node:crypto';
import { ForbiddenError, type Role } from '@farmhand/authz';
import { DomainEvents, DomainException } from '@farmhand/core';
import { memberPrincipal, newTestService, withAbility } from '@farmhand/testing/unit';
import { ApiKeysRepository } from './api-keys.repository';
import type { Membership } from './entities/membership.entity';
import { FleetsRepository } from './fleets.repository';
import { InvitationsRepository } from './invitations.repository';
import { MembersService } from './members.service';
import { OrganizationsRepository } from './organizations.repository';

const ORG = randomUUID();

function membership(role: Role, fleetIds: string[] | null = null): Membership {
  return { id: randomUUID(), orgId: ORG, userId: randomUUID(), role, fleetIds } as Membership;
}

/** The members and owner rules, against an organization held in memory (its repositories mocked). */
describe('MembersService', () => {
  let members: Membership[];
  let setup: ReturnType<typeof newTestService<typeof MembersService>>;
  let service: MembersService;
  const emitted = () => setup.mock(DomainEvents).emit.mock.calls.map(([name, payload]) => ({ name, payload }));

  beforeEach(() => {
    members = [];
    setup = newTestService(MembersService);
    service = setup.sut;
    const organizations = setup.mock(OrganizationsRepository);
    organizations.lockMemberships.mockImplementation(async () => members.map((member) => ({ ...member })));
    organizations.updateMembership.mockImplementation(async (_manager, id, next) => {
      Object.assign(
        members.find((member) => member.id === id)!,
        next,
      );
    });
    organizations.removeMembership.mockImplementation(async (_manager, id) => {
      members = members.filter((member) => member.id !== id);
    });
    setup.mock(ApiKeysRepository).revokeCreatedBy.mockResolvedValue([]);
    setup.mock(InvitationsRepository).revokeSentBy.mockResolvedValue([]);
  });

  /** An actor who is a member too, with their real CASL ability. */
  function actor(role: Role) {
    const row = membership(role);
    members.push(row);
    return withAbility(memberPrincipal(ORG, role, { userId: row.userId, membershipId: row.id }));
  }
  function member(role: Role, fleetIds: string[] | null = null): Membership {
    const row = membership(role, fleetIds);
    members.push(row);
    return row;
  }
  const code = (error: unknown) => (error instanceof DomainException ? error.code : error);

  describe('changing a member', () => {
    it('an admin changes an operator into a viewer, limited to fleets of the organization', async () => {
      const { principal, ability } = actor('admin');
      const target = member('operator');
      const fleet = randomUUID();
      setup.mock(FleetsRepository).countInOrg.mockResolvedValue(1);

      const result = await service.update(principal, ability, ORG, target.id, { role: 'viewer', fleetIds: [fleet] });

      expect(result).toMatchObject({ id: target.id, role: 'viewer', fleetIds: [fleet] });
      expect(members.find((row) => row.id === target.id)).toMatchObject({ role: 'viewer', fleetIds: [fleet] });
      expect(emitted()).toContainEqual({
        name: 'member.roleChanged',
        payload: { orgId: ORG, userId: target.userId, membershipId: target.id, role: 'viewer', fleetIds: [fleet] },
      });
    });

    it('keeps the fleet limit when a change names only the role', async () => {
      const { principal, ability } = actor('owner');
      const fleet = randomUUID();
      const target = member('operator', [fleet]);
      const result = await service.update(principal, ability, ORG, target.id, { role: 'admin' });
      expect(result).toMatchObject({ role: 'admin', fleetIds: [fleet] });
    });

    it('refuses an empty fleet list (it would lock the member out of everything) and a fleet of another org', async () => {
      const { principal, ability } = actor('owner');
      const target = member('operator');
      await expect(service.update(principal, ability, ORG, target.id, { fleetIds: [] }).catch(code)).resolves.toBe(
        'invalid_fleets',
      );
      setup.mock(FleetsRepository).countInOrg.mockResolvedValue(0);
      await expect(
        service.update(principal, ability, ORG, target.id, { fleetIds: [randomUUID()] }).catch(code),
      ).resolves.toBe('unknown_fleet');
      expect(members.find((row) => row.id === target.id)!.fleetIds).toBeNull();
    });

    it('an admin cannot touch an owner, nor make anyone an owner', async () => {
      const { principal, ability } = actor('admin');
      const owner = member('owner');
      const operator = member('operator');
      await expect(service.update(principal, ability, ORG, owner.id, { role: 'viewer' }).catch(code)).resolves.toBe(
        'owner_only',
      );
      await expect(service.update(principal, ability, ORG, operator.id, { role: 'owner' }).catch(code)).resolves.toBe(
        'owner_only',
      );
      expect(members.map((row) => row.role).sort()).toEqual(['admin', 'operator', 'owner']);
    });

    it('an operator or viewer cannot change members at all', async () => {
      for (const role of ['operator', 'viewer'] as const) {
        const { principal, ability } = actor(role);
        const target = member('viewer');
        await expect(service.update(principal, ability, ORG, target.id, { role: 'operator' })).rejects.toBeInstanceOf(
          ForbiddenError,
        );
      }
    });

    it('an owner makes someone an owner, and may then step down; the last owner may not', async () => {
      const { principal, ability } = actor('owner');
      const admin = member('admin');
      await service.update(principal, ability, ORG, admin.id, { role: 'owner' });
      await service.update(principal, ability, ORG, principal.membershipId!, { role: 'admin' });
      expect(members.filter((row) => row.role === 'owner').map((row) => row.id)).toEqual([admin.id]);

      const last = withAbility(memberPrincipal(ORG, 'owner', { userId: admin.userId, membershipId: admin.id }));
      await expect(
        service.update(last.principal, last.ability, ORG, admin.id, { role: 'admin' }).catch(code),
      ).resolves.toBe('last_owner');
    });

    it('a member of another organization is not found', async () => {
      const { principal, ability } = actor('owner');
      await expect(service.update(principal, ability, ORG, randomUUID(), { role: 'viewer' }).catch(code)).resolves.toBe(
        'member_not_found',
      );
    });
  });

  describe('removing a member', () => {
    it("revokes the keys and invitations the member left behind, and says so to each key's open sockets", async () => {
      const { principal, ability } = actor('admin');
      const target = member('operator');
      const keys = [
        { id: randomUUID(), name: 'ci' },
        { id: randomUUID(), name: 'wall' },
      ];
      setup.mock(ApiKeysRepository).revokeCreatedBy.mockResolvedValue(keys);

      await service.remove(principal, ability, ORG, target.id);

      expect(members.map((row) => row.id)).not.toContain(target.id);
      expect(setup.mock(ApiKeysRepository).revokeCreatedBy).toHaveBeenCalledWith(expect.anything(), ORG, target.userId);
      expect(setup.mock(InvitationsRepository).revokeSentBy).toHaveBeenCalledWith(
        expect.anything(),
        ORG,
        target.userId,
      );
      expect(emitted()).toEqual(
        expect.arrayContaining([
          { name: 'member.removed', payload: { orgId: ORG, userId: target.userId, membershipId: target.id } },
          { name: 'apiKey.revoked', payload: { orgId: ORG, keyId: keys[0]!.id } },
          { name: 'apiKey.revoked', payload: { orgId: ORG, keyId: keys[1]!.id } },
        ]),
      );
    });

    it('only an owner removes an owner, and never the last one', async () => {
      const admin = actor('admin');
      const owner = member('owner');
      await expect(service.remove(admin.principal, admin.ability, ORG, owner.id).catch(code)).resolves.toBe(
        'owner_only',
      );
      const self = withAbility(memberPrincipal(ORG, 'owner', { userId: owner.userId, membershipId: owner.id }));
      await expect(service.remove(self.principal, self.ability, ORG, owner.id).catch(code)).resolves.toBe('last_owner');
      expect(members.map((row) => row.id)).toContain(owner.id);
      expect(emitted()).toEqual([]);
    });

    it('a viewer cannot remove anyone', async () => {
      const { principal, ability } = actor('viewer');
      const target = member('viewer');
      await expect(service.remove(principal, ability, ORG, target.id)).rejects.toBeInstanceOf(ForbiddenError);
      expect(members.map((row) => row.id)).toContain(target.id);
    });
  });

  describe('leaving', () => {
    it('a member leaves on their own; the last owner cannot', async () => {
      const viewer = actor('viewer');
      await service.leave(viewer.principal, ORG);
      expect(members.map((row) => row.id)).not.toContain(viewer.principal.membershipId);

      const owner = actor('owner');
      await expect(service.leave(owner.principal, ORG).catch(code)).resolves.toBe('last_owner');
      const second = member('owner');
      await service.leave(owner.principal, ORG);
      expect(members.map((row) => row.id)).toEqual([second.id]);
    });

    it('a user without a membership in the organization has nothing to leave', async () => {
      const outsider = memberPrincipal(ORG, 'viewer', { membershipId: null });
      await expect(service.leave(outsider, ORG).catch(code)).resolves.toBe('member_not_found');
    });
  });
});
