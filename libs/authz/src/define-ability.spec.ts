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

  // Whole-organization owners and admins hold `manage all` in their organization; the service keeps every query to
  // the caller's own subscriptions (test/notifications/push-subscriptions-api.medium-spec.ts tries them too).
  it.each([
    ['admin', [FLEET_A]],
    ['operator', null],
    ['operator', [FLEET_A]],
    ['viewer', null],
    ['viewer', [FLEET_B]],
  ] as const)('push subscriptions: %s (fleets %j) manages their own only, in their organization', (role, fleets) => {
    const ability = defineAbilityFor(user(role, fleets ? [...fleets] : null));
    for (const action of ['read', 'create', 'update', 'delete'] as const) {
      expect(ability.can(action, subject('PushSubscription', { orgId: ORG, userId: 'u' }))).toBe(true);
      expect(ability.can(action, subject('PushSubscription', { orgId: ORG, userId: 'someone-else' }))).toBe(false);
      expect(ability.can(action, subject('PushSubscription', { orgId: OTHER_ORG, userId: 'u' }))).toBe(false);
    }
  });

  it.each([
    ['owner', null, true, true, true],
    ['admin', null, true, true, true],
    ['admin', [FLEET_A], true, true, false],
    ['operator', null, true, true, false],
    ['operator', [FLEET_A], true, true, false],
    ['viewer', null, true, false, false],
  ] as const)(
    'spools and maintenance: %s (fleets %j) reads %s, loads and completes %s, edits costs and tasks %s',
    (role, fleets, read, work, edit) => {
      const ability = defineAbilityFor(user(role, fleets ? [...fleets] : null));
      const spool = subject('Spool', { orgId: ORG });
      const task = subject('MaintenanceTask', { orgId: ORG });
      expect([ability.can('read', spool), ability.can('read', task)]).toEqual([read, read]);
      expect([ability.can('load', spool), ability.can('complete', task)]).toEqual([work, work]);
      expect([ability.can('update', spool), ability.can('create', task), ability.can('delete', spool)]).toEqual([
        edit,
        edit,
        edit,
      ]);
      expect(ability.can('read', subject('Spool', { orgId: OTHER_ORG }))).toBe(false);
    },
  );

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

  describe('jobs and copies within fleet limits', () => {
    const job = (fleetIds: string[], orgId = ORG) => subject('Job', { id: 'j', orgId, fleetIds });
    const copy = (printerFleetId: string | null, jobFleetIds: string[]) =>
      subject('Copy', { orgId: ORG, printerFleetId, jobFleetIds });
    const limited: Principal[] = [
      user('operator', [FLEET_A]),
      user('admin', [FLEET_A]),
      { kind: 'apiKey', keyId: 'k', orgId: ORG, scopes: ['read:Job', 'create:Job', 'update:Job'], fleetIds: [FLEET_A] },
    ];

    it.each(limited.map((principal) => [principal.kind === 'user' ? principal.role : 'api key', principal] as const))(
      'a fleet-limited %s reaches a job only when every fleet of it is theirs (no list = every fleet)',
      (_name, principal) => {
        const ability = defineAbilityFor(principal);
        for (const action of ['read', 'create', 'update'] as const) {
          expect(ability.can(action, job([FLEET_A]))).toBe(true);
          expect(ability.can(action, job([FLEET_B]))).toBe(false);
          expect(ability.can(action, job([FLEET_A, FLEET_B]))).toBe(false);
          expect(ability.can(action, job([]))).toBe(false);
          expect(ability.can(action, job([FLEET_A], OTHER_ORG))).toBe(false);
        }
        // A copy on a printer is that printer's fleet's; a copy on none is its job's.
        expect(ability.can('update', copy(FLEET_A, []))).toBe(true);
        expect(ability.can('update', copy(FLEET_B, [FLEET_A]))).toBe(false);
        expect(ability.can('update', copy(null, [FLEET_A]))).toBe(true);
        expect(ability.can('update', copy(null, [FLEET_A, FLEET_B]))).toBe(false);
        expect(ability.can('update', copy(null, []))).toBe(false);
      },
    );

    it('whole-organization members reach every job and copy of their organization, and no other', () => {
      for (const role of ['owner', 'admin', 'operator'] as const) {
        const ability = defineAbilityFor(user(role));
        expect(ability.can('update', job([]))).toBe(true);
        expect(ability.can('update', job([FLEET_B]))).toBe(true);
        expect(ability.can('update', copy(FLEET_B, []))).toBe(true);
        expect(ability.can('update', job([], OTHER_ORG))).toBe(false);
      }
    });

    it('viewers and keys without update:Job cannot act on copies', () => {
      expect(defineAbilityFor(user('viewer')).can('update', copy(FLEET_A, []))).toBe(false);
      const reader: Principal = { kind: 'apiKey', keyId: 'k', orgId: ORG, scopes: ['read:Job'], fleetIds: null };
      expect(defineAbilityFor(reader).can('update', copy(FLEET_A, []))).toBe(false);
      expect(defineAbilityFor(reader).can('read', job([]))).toBe(true);
    });

    it('an agent reaches no job and no copy', () => {
      const agent = defineAbilityFor({ kind: 'agent', printerId: 'p1', orgId: ORG, credentialId: 'c' });
      expect(agent.can('read', job([FLEET_A]))).toBe(false);
      expect(agent.can('update', copy(FLEET_A, [FLEET_A]))).toBe(false);
    });
  });

  it('a fleet-limited admin reaches alerts and enrollment tokens of its fleets only, never the audit log', () => {
    const ability = defineAbilityFor(user('admin', [FLEET_A]));
    for (const type of ['Alert', 'EnrollmentToken'] as const) {
      expect(ability.can('delete', subject(type, { orgId: ORG, fleetId: FLEET_A }))).toBe(true);
      expect(ability.can('delete', subject(type, { orgId: ORG, fleetId: FLEET_B }))).toBe(false);
    }
    expect(ability.can('read', 'AuditLog')).toBe(false);
    const key: Principal = { kind: 'apiKey', keyId: 'k', orgId: ORG, scopes: ['read:AuditLog'], fleetIds: [FLEET_A] };
    expect(defineAbilityFor(key).can('read', 'AuditLog')).toBe(false);
  });

  it("an upload-only key (a slicer's) uploads files and queues them in its own fleets, and reads or controls nothing", () => {
    const job = (fleetIds: string[]) => subject('Job', { id: 'j', orgId: ORG, fleetIds });
    const limited = defineAbilityFor({
      kind: 'apiKey',
      keyId: 'k',
      orgId: ORG,
      scopes: ['upload:File'],
      fleetIds: [FLEET_A],
    });
    expect(limited.can('upload', subject('File', { orgId: ORG }))).toBe(true);
    expect(limited.can('upload', subject('File', { orgId: OTHER_ORG }))).toBe(false);
    expect(limited.can('upload', job([FLEET_A]))).toBe(true);
    expect(limited.can('upload', job([FLEET_A, FLEET_B]))).toBe(false);
    expect(limited.can('upload', job([]))).toBe(false);
    for (const [action, type] of [
      ['read', 'File'],
      ['create', 'File'],
      ['delete', 'File'],
      ['read', 'Job'],
      ['create', 'Job'],
      ['update', 'Job'],
      ['read', 'Printer'],
      ['start', 'Printer'],
    ] as const)
      expect({ action, type, allowed: limited.can(action, type) }).toEqual({ action, type, allowed: false });

    const whole = defineAbilityFor({ kind: 'apiKey', keyId: 'k', orgId: ORG, scopes: ['upload:File'], fleetIds: null });
    expect(whole.can('upload', job([]))).toBe(true);
    expect(whole.can('upload', subject('Job', { orgId: OTHER_ORG, fleetIds: [] }))).toBe(false);
  });
});
