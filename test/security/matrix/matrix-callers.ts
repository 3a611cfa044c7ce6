/**
 * Who calls, and what each may do, written out by hand as the role table in the README and docs/security.md says
 * it (not computed by the CASL code under test). `grants` lists `action:Subject` pairs; `fleetLimited` callers reach
 * fleet-bound objects only in organization A's first fleet.
 */
export const CALLER_NAMES = [
  'owner',
  'admin',
  'operator',
  'viewer',
  'fleetOperator',
  'fleetAdmin',
  'fleetKey',
  'narrowKey',
  'removedMember',
  'otherOrgOwner',
  'agent',
  'anonymous',
] as const;
export type CallerName = (typeof CALLER_NAMES)[number];

export interface Caller {
  /** member: signed in, in organization A; key: an API key of A; outsider: signed in, not a member of A. */
  kind: 'member' | 'key' | 'outsider' | 'agent' | 'anonymous';
  /** Every pair, or the listed ones. */
  grants: 'everything' | readonly string[];
  fleetLimited: boolean;
}

/** Every member keeps their own saved grid views, push subscriptions and notification preferences, whatever the role or fleet limits; keys hold none. */
const OWN_VIEWS = [
  ...['read', 'create', 'update', 'delete'].flatMap((action) => [`${action}:SavedView`, `${action}:PushSubscription`]),
  'read:NotificationPreference',
  'update:NotificationPreference',
];
const MEMBER_READS = [
  ...[
    'Organization',
    'Member',
    'Fleet',
    'Printer',
    'File',
    'Job',
    'Alert',
    'Spool',
    'MaintenanceTask',
    'Report',
    'Quota',
  ].map((s) => `read:${s}`),
  ...OWN_VIEWS,
];
const CONTROL = [
  'start',
  'pause',
  'resume',
  'cancel',
  'home',
  'jog',
  'temperature',
  'gcode',
  'connect',
  'disconnect',
  'emergency_stop',
];
const PRINTER_CONTROL = CONTROL.map((action) => `${action}:Printer`);
const WRITE = (subjects: string[]) => subjects.flatMap((s) => ['create', 'update', 'delete'].map((a) => `${a}:${s}`));

const OPERATOR = [
  ...MEMBER_READS,
  ...PRINTER_CONTROL,
  'update:Printer',
  ...WRITE(['File', 'Job']),
  'update:Alert',
  'update:DetectionFrame',
  'load:Spool',
  'complete:MaintenanceTask',
];
const FLEET_ADMIN = [
  ...MEMBER_READS,
  ...PRINTER_CONTROL,
  ...['update', 'delete', 'enroll', 'revoke', 'rotate'].map((action) => `${action}:Printer`),
  ...WRITE(['File', 'Job', 'Alert']),
  'update:DetectionFrame',
  ...['read', 'create', 'delete'].map((action) => `${action}:EnrollmentToken`),
  'load:Spool',
  'complete:MaintenanceTask',
];
/** Owners only: deleting the organization, and its single sign-on provider (who may sign in, as what). */
const ADMIN_DENIED = ['delete:Organization', 'read:SsoProvider', 'update:SsoProvider', 'delete:SsoProvider'];

/** The fleet-limited key: what a queue automation for one fleet holds (the audit log is whole-organization only). */
export const FLEET_KEY_SCOPES = [
  'read:Printer',
  ...PRINTER_CONTROL.filter((scope) => scope !== 'start:Printer'),
  'update:Printer',
  'read:Fleet',
  ...['read', 'create', 'delete'].map((action) => `${action}:File`),
  ...['read', 'create', 'update', 'delete'].map((action) => `${action}:Job`),
  'read:Alert',
  'update:Alert',
] as const;
export const NARROW_KEY_SCOPES = ['read:Printer'] as const;

export const CALLERS: Record<CallerName, Caller> = {
  owner: { kind: 'member', grants: 'everything', fleetLimited: false },
  admin: { kind: 'member', grants: 'everything', fleetLimited: false },
  operator: { kind: 'member', grants: OPERATOR, fleetLimited: false },
  viewer: { kind: 'member', grants: MEMBER_READS, fleetLimited: false },
  fleetOperator: { kind: 'member', grants: OPERATOR, fleetLimited: true },
  fleetAdmin: { kind: 'member', grants: FLEET_ADMIN, fleetLimited: true },
  fleetKey: { kind: 'key', grants: FLEET_KEY_SCOPES, fleetLimited: true },
  narrowKey: { kind: 'key', grants: NARROW_KEY_SCOPES, fleetLimited: false },
  removedMember: { kind: 'outsider', grants: [], fleetLimited: false },
  otherOrgOwner: { kind: 'outsider', grants: [], fleetLimited: false },
  agent: { kind: 'agent', grants: [], fleetLimited: false },
  anonymous: { kind: 'anonymous', grants: [], fleetLimited: false },
};

/** Whether `caller` holds the `action:Subject` pair (an admin holds everything but ADMIN_DENIED). */
export function holds(name: CallerName, pair: string): boolean {
  const caller = CALLERS[name];
  if (name === 'admin' && ADMIN_DENIED.includes(pair)) return false;
  return caller.grants === 'everything' || caller.grants.includes(pair);
}
