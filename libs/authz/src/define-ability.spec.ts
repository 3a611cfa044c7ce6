import { subject } from '@casl/ability';
import { defineAbilityFor } from './define-ability';
import type { Principal, UserPrincipal } from './principal';
import type { Role } from './vocabulary';

const ORG = '11111111-1111-1111-1111-111111111111';
const OTHER_ORG = '22222222-2222-2222-2222-222222222222';
const FLEET_A = 'aaaaaaaa-aaaa-aaaa-aaaa-aaaaaaaaaaaa';
const FLEET_B = 'bbbbbbbb-bbbb-bbbb-bbbb-bbbbbbbbbbbb';

function user(role: Role, fleetIds: string[] | null = null): UserPrincipal {
  return {
    kind: 'user',
    userId: 'u',
    sessionId: 's',
    email: 'u@example.test',
    orgId: ORG,
    membershipId: 'm',
    role,
    fleetIds,
  };
}
const printer = (orgId = ORG, fleetId = FLEET_A) => subject('Printer', { id: 'p1', orgId, fleetId });

describe('roles as CASL rules', () => {
  it.each([
    ['owner', true, true, true, true],
    ['admin', true, true, true, false],
    ['operator', true, true, false, false],
    ['viewer', true, false, false, false],
  ] as const)('%s: read %s, pause %s, manage members %s, delete org %s', (role, read, pause, members, deleteOrg) => {
    const ability = defineAbilityFor(user(role));
    expect(ability.can('read', printer())).toBe(read);
    expect(ability.can('pause', printer())).toBe(pause);
    expect(ability.can('update', subject('Member', { orgId: ORG }))).toBe(members);
    expect(ability.can('delete', subject('Organization', { id: ORG, orgId: ORG }))).toBe(deleteOrg);
  });

  it('no role reaches another organization', () => {
    for (const role of ['owner', 'admin', 'operator', 'viewer'] as const) {
      const ability = defineAbilityFor(user(role));
      expect(ability.can('read', printer(OTHER_ORG))).toBe(false);
      expect(ability.can('pause', printer(OTHER_ORG))).toBe(false);
    }
  });

  it('a fleet-limited operator controls printers of its fleets only', () => {
    const ability = defineAbilityFor(user('operator', [FLEET_A]));
    expect(ability.can('pause', printer(ORG, FLEET_A))).toBe(true);
    expect(ability.can('pause', printer(ORG, FLEET_B))).toBe(false);
    expect(ability.can('read', printer(ORG, FLEET_B))).toBe(false);
    expect(ability.can('read', subject('Fleet', { id: FLEET_B, orgId: ORG }))).toBe(false);
  });

  it('operators cannot enroll, revoke, or manage keys and members', () => {
    const ability = defineAbilityFor(user('operator'));
    expect(ability.can('enroll', printer())).toBe(false);
    expect(ability.can('revoke', printer())).toBe(false);
    expect(ability.can('create', 'ApiKey')).toBe(false);
    expect(ability.can('create', 'EnrollmentToken')).toBe(false);
    expect(ability.can('read', 'AuditLog')).toBe(false);
  });

  it('a user with no organization scope can do nothing organizational (default deny)', () => {
    const ability = defineAbilityFor({ ...user('owner'), orgId: null, role: null });
    expect(ability.can('read', 'Printer')).toBe(false);
  });

  it('an agent acts as its own printer only', () => {
    const agent: Principal = { kind: 'agent', printerId: 'p1', orgId: ORG, credentialId: 'c' };
    const ability = defineAbilityFor(agent);
    expect(ability.can('report', subject('Printer', { id: 'p1', orgId: ORG }))).toBe(true);
    expect(ability.can('report', subject('Printer', { id: 'p2', orgId: ORG }))).toBe(false);
    expect(ability.can('pause', subject('Printer', { id: 'p1', orgId: ORG }))).toBe(false);
  });

  it('an API key has exactly its scopes, within its fleets', () => {
    const key: Principal = {
      kind: 'apiKey',
      keyId: 'k',
      orgId: ORG,
      scopes: ['read:Printer', 'pause:Printer'],
      fleetIds: [FLEET_A],
    };
    const ability = defineAbilityFor(key);
    expect(ability.can('pause', printer(ORG, FLEET_A))).toBe(true);
    expect(ability.can('pause', printer(ORG, FLEET_B))).toBe(false);
    expect(ability.can('cancel', printer(ORG, FLEET_A))).toBe(false);
    expect(ability.can('read', 'Member')).toBe(false);
  });

  it('the system principal may start (scheduler), pause and cancel, nothing more', () => {
    const ability = defineAbilityFor({ kind: 'system', orgId: ORG, reason: 'failure detector' });
    expect(ability.can('pause', printer())).toBe(true);
    expect(ability.can('start', printer())).toBe(true);
    expect(ability.can('start', printer(OTHER_ORG))).toBe(false);
    expect(ability.can('gcode', printer())).toBe(false);
    expect(ability.can('delete', printer())).toBe(false);
  });
});
