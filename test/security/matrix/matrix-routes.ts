import { randomBytes, randomUUID } from 'node:crypto';
import { CALLERS, holds, type CallerName } from './matrix-callers';
import type { MatrixWorld, ObjectKind, Place } from './matrix-world';

/** What an answer must be: any 2xx, or a status with (for errors) the domain code that says why. */
export type Outcome = { status: '2xx' } | { status: number; code?: string };

export type MatrixGroup = 'accounts' | 'printers' | 'queue' | 'files-webhooks' | 'enrollment-detection' | 'sockets';

/**
 * One route (or socket handler) of the route → policy snapshot, declared by hand: the policy it must declare, where
 * the object it acts on can live, whether fleet limits apply to that object, and what a caller who is let through
 * gets. The expected answer for each caller follows from this row and the callers' declared grants alone.
 */
export interface MatrixRow {
  /** Exactly as in test/security/__snapshots__/route-policies.medium-spec.ts.snap. */
  route: string;
  /** The snapshot's policy, restated: a changed declaration must be looked at here too. */
  policy: string;
  group: MatrixGroup;
  /** Where the object lives in each case tried; ['none'] for routes without one. */
  places: Place[];
  /** The object is in a fleet: fleet-limited callers reach it only in theirs. */
  fleetBound?: boolean;
  /** Route parameters naming objects, made in the case's place. */
  objects?: Record<string, ObjectKind>;
  /** Route parameters that name nothing the caller could reach (their answer is the route's own). */
  values?: Record<string, () => string>;
  query?: string;
  body?: (world: MatrixWorld, place: Place) => unknown;
  raw?: { contentType: string; text: (world: MatrixWorld) => string };
  /** Replaces `:orgId` for a caller who is let through (e.g. deleting a throwaway organization). */
  organization?: (world: MatrixWorld) => Promise<string>;
  /** Made before the request (e.g. the frame that `frames/latest` reads). */
  setup?: (world: MatrixWorld, place: Place) => Promise<unknown>;
  /** What a caller who passes authorization gets, when not a 2xx (e.g. 409 printer_offline: no agent here). */
  allowed?: Outcome;
  /** What an object out of reach (other fleet for a limited caller, other organization) answers, when not 404. */
  outOfReach?: Outcome;
  /** A caller's answer decided by the route's own rules, not by the policy (owner-only, users-only). */
  special?: (caller: CallerName) => Outcome | undefined;
  /** Puts back what a let-through request changed that later cases need (a caller who left rejoins). */
  after?: (world: MatrixWorld, caller: CallerName) => Promise<void>;
}

const OFFLINE: Outcome = { status: 409, code: 'printer_offline' };
const UNKNOWN_FLEET: Outcome = { status: 400, code: 'unknown_fleet' };
const PLACES_3: Place[] = ['fleet', 'otherFleet', 'otherOrg'];
const ORG_OBJECT: Place[] = ['org', 'otherOrg'];
const range = () => {
  const to = new Date(Date.now() + 60_000);
  return `from=${new Date(to.getTime() - 7 * 24 * 3600_000).toISOString()}&to=${to.toISOString()}`;
};

function action(name: string, body: unknown = {}): MatrixRow {
  return printerRoute(`POST /api/orgs/:orgId/printers/:printerId/actions/${name}`, `${name}:Printer`, {
    body: () => body,
    allowed: OFFLINE,
  });
}

function webhook(route: string, policy: string, extra: Partial<MatrixRow> = {}): MatrixRow {
  return { route, policy, group: 'files-webhooks', places: ORG_OBJECT, objects: { webhookId: 'webhook' }, ...extra };
}

function spool(route: string, policy: string, extra: Partial<MatrixRow> = {}): MatrixRow {
  return { route, policy, group: 'files-webhooks', places: ORG_OBJECT, objects: { spoolId: 'spool' }, ...extra };
}

/** The organization pointed at a Spoolman (as an admin's PUT leaves it), without reaching it. */
async function withSpoolman(world: MatrixWorld): Promise<void> {
  await world.db.query(
    `INSERT INTO spoolman_connections (org_id, base_url, auth_kind) VALUES ($1, 'https://spoolman.example.com', 'none')
       ON CONFLICT DO NOTHING`,
    [world.orgA.id],
  );
}

async function withoutSpoolman(world: MatrixWorld): Promise<void> {
  await world.db.query(`DELETE FROM spoolman_connections WHERE org_id = $1`, [world.orgA.id]);
}

function maintenance(route: string, policy: string, extra: Partial<MatrixRow> = {}): MatrixRow {
  return {
    route,
    policy,
    group: 'files-webhooks',
    places: ORG_OBJECT,
    objects: { taskId: 'maintenanceTask' },
    ...extra,
  };
}

function channel(route: string, policy: string, extra: Partial<MatrixRow> = {}): MatrixRow {
  return {
    route,
    policy,
    group: 'files-webhooks',
    places: ORG_OBJECT,
    objects: { channelId: 'notificationChannel' },
    ...extra,
  };
}

function chatIntegration(route: string, policy: string, extra: Partial<MatrixRow> = {}): MatrixRow {
  return {
    route,
    policy,
    group: 'files-webhooks',
    places: ORG_OBJECT,
    objects: { integrationId: 'chatIntegration' },
    ...extra,
  };
}

function printerRoute(route: string, policy: string, extra: Partial<MatrixRow> = {}): MatrixRow {
  return {
    route,
    policy,
    group: 'printers',
    places: PLACES_3,
    fleetBound: true,
    objects: { printerId: 'printer' },
    ...extra,
  };
}

function jobRoute(route: string, policy: string, extra: Partial<MatrixRow> = {}): MatrixRow {
  return { route, policy, group: 'queue', places: PLACES_3, fleetBound: true, objects: { jobId: 'job' }, ...extra };
}

export const MATRIX_ROWS: MatrixRow[] = [
  // The organization, its members, invitations, fleets, keys and audit log.
  { route: 'GET /api/orgs/:orgId', policy: 'read:Organization', group: 'accounts', places: ['none'] },
  {
    route: 'PATCH /api/orgs/:orgId',
    policy: 'update:Organization',
    group: 'accounts',
    places: ['none'],
    body: () => ({ name: 'Matrix A' }),
  },
  {
    route: 'DELETE /api/orgs/:orgId',
    policy: 'delete:Organization',
    group: 'accounts',
    places: ['none'],
    // The owner deletes a throwaway organization of theirs, not the one every other case needs.
    organization: async (world) => {
      const created = await world.orgA.owner.client.post('/api/orgs', {
        name: `Throwaway ${randomBytes(3).toString('hex')}`,
      });
      return created.body.id;
    },
  },
  {
    route: 'POST /api/orgs/:orgId/leave',
    policy: 'read:Organization',
    group: 'accounts',
    places: ['none'],
    special: (caller) => (caller === 'owner' ? { status: 409, code: 'last_owner' } : undefined),
    after: (world, caller) => world.rejoin(caller),
  },
  { route: 'GET /api/orgs/:orgId/members', policy: 'read:Member', group: 'accounts', places: ['none'] },
  {
    route: 'PATCH /api/orgs/:orgId/members/:memberId',
    policy: 'update:Member',
    group: 'accounts',
    places: ORG_OBJECT,
    objects: { memberId: 'member' },
    body: () => ({ role: 'operator' }),
  },
  {
    route: 'DELETE /api/orgs/:orgId/members/:memberId',
    policy: 'delete:Member',
    group: 'accounts',
    places: ORG_OBJECT,
    objects: { memberId: 'member' },
  },
  { route: 'GET /api/orgs/:orgId/invitations', policy: 'read:Invitation', group: 'accounts', places: ['none'] },
  {
    route: 'POST /api/orgs/:orgId/invitations',
    policy: 'create:Invitation',
    group: 'accounts',
    places: ['none'],
    body: () => ({ email: `invitee-${randomBytes(4).toString('hex')}@example.test`, role: 'viewer' }),
  },
  {
    route: 'DELETE /api/orgs/:orgId/invitations/:invitationId',
    policy: 'delete:Invitation',
    group: 'accounts',
    places: ORG_OBJECT,
    objects: { invitationId: 'invitation' },
  },
  { route: 'GET /api/orgs/:orgId/fleets', policy: 'read:Fleet', group: 'accounts', places: ['none'] },
  {
    route: 'GET /api/orgs/:orgId/fleets/:fleetId',
    policy: 'read:Fleet',
    group: 'accounts',
    places: PLACES_3,
    fleetBound: true,
    objects: { fleetId: 'fleet' },
  },
  {
    route: 'POST /api/orgs/:orgId/fleets',
    policy: 'create:Fleet',
    group: 'accounts',
    places: ['none'],
    body: () => ({ name: `Fleet ${randomBytes(4).toString('hex')}` }),
  },
  {
    route: 'PATCH /api/orgs/:orgId/fleets/:fleetId',
    policy: 'update:Fleet',
    group: 'accounts',
    places: PLACES_3,
    fleetBound: true,
    objects: { fleetId: 'fleet' },
    body: () => ({ description: 'east wall' }),
  },
  {
    route: 'DELETE /api/orgs/:orgId/fleets/:fleetId',
    policy: 'delete:Fleet',
    group: 'accounts',
    places: PLACES_3,
    fleetBound: true,
    objects: { fleetId: 'fleet' },
  },
  { route: 'GET /api/orgs/:orgId/api-keys', policy: 'read:ApiKey', group: 'accounts', places: ['none'] },
  {
    route: 'POST /api/orgs/:orgId/api-keys',
    policy: 'create:ApiKey',
    group: 'accounts',
    places: ['none'],
    body: () => ({ name: 'ci', scopes: ['read:Job'] }),
  },
  {
    route: 'DELETE /api/orgs/:orgId/api-keys/:keyId',
    policy: 'delete:ApiKey',
    group: 'accounts',
    places: ORG_OBJECT,
    objects: { keyId: 'apiKey' },
  },
  { route: 'GET /api/orgs/:orgId/audit', policy: 'read:AuditLog', group: 'accounts', places: ['none'] },
  // Issue 18: the organization's sign-in requirements, and an owner's reset link for a member (no SMTP here).
  { route: 'GET /api/orgs/:orgId/security', policy: 'read:Organization', group: 'accounts', places: ['none'] },
  {
    route: 'PUT /api/orgs/:orgId/security',
    policy: 'update:Organization',
    group: 'accounts',
    places: ['none'],
    body: () => ({ requireTwoFactor: false }),
    special: (caller) => (caller === 'owner' ? undefined : { status: 403, code: 'owner_only' }),
  },
  // Issue 15: defaults for new printers, the organization's and a fleet's (libs/printers).
  { route: 'GET /api/orgs/:orgId/printer-defaults', policy: 'read:Organization', group: 'accounts', places: ['none'] },
  {
    route: 'PUT /api/orgs/:orgId/printer-defaults',
    policy: 'update:Organization',
    group: 'accounts',
    places: ['none'],
    body: () => ({ sensitivity: 1 }),
  },
  {
    route: 'PUT /api/orgs/:orgId/printer-defaults/fleets/:fleetId',
    policy: 'update:Organization',
    group: 'accounts',
    places: ORG_OBJECT,
    objects: { fleetId: 'fleet' },
    body: () => ({ frameIntervalSeconds: 10 }),
  },
  {
    route: 'POST /api/orgs/:orgId/members/:memberId/password-reset-link',
    policy: 'update:Member',
    group: 'accounts',
    places: ORG_OBJECT,
    objects: { memberId: 'member' },
    special: (caller) => (caller === 'owner' ? undefined : { status: 403, code: 'owner_only' }),
  },

  // Printers, their credentials, frames and the one control path.
  { route: 'GET /api/orgs/:orgId/printers', policy: 'read:Printer', group: 'printers', places: ['none'] },
  printerRoute('GET /api/orgs/:orgId/printers/:printerId', 'read:Printer'),
  printerRoute('PATCH /api/orgs/:orgId/printers/:printerId', 'update:Printer', {
    body: () => ({ tags: ['pla'] }),
  }),
  printerRoute('DELETE /api/orgs/:orgId/printers/:printerId', 'delete:Printer'),
  printerRoute('GET /api/orgs/:orgId/printers/:printerId/credentials', 'read:Printer'),
  printerRoute('POST /api/orgs/:orgId/printers/:printerId/credentials/rotate', 'rotate:Printer'),
  printerRoute('POST /api/orgs/:orgId/printers/:printerId/credentials/revoke', 'revoke:Printer'),
  printerRoute('GET /api/orgs/:orgId/printers/:printerId/frames/latest', 'read:Printer', {
    setup: (world, place) => world.object('frame', place, false),
    outOfReach: { status: 404, code: 'printer_not_found' },
  }),
  {
    route: 'GET /api/orgs/:orgId/frames/:frameId',
    policy: 'read:Printer',
    group: 'printers',
    places: PLACES_3,
    fleetBound: true,
    objects: { frameId: 'frame' },
    outOfReach: { status: 404, code: 'frame_not_found' },
  },
  printerRoute('GET /api/orgs/:orgId/printers/:printerId/history', 'read:Printer & read:Job'),
  printerRoute('GET /api/orgs/:orgId/printers/:printerId/live', 'read:Printer'),
  printerRoute('GET /api/orgs/:orgId/printers/:printerId/temperatures', 'read:Printer'),
  action('pause'),
  action('resume'),
  action('cancel'),
  action('home'),
  action('jog', { x: 1 }),
  action('temperature', { tool: 0 }),
  action('gcode', { lines: ['M105'] }),
  action('connect'),
  action('disconnect'),
  printerRoute('POST /api/orgs/:orgId/printers/:printerId/actions/emergency-stop', 'emergency_stop:Printer', {
    body: () => ({}),
    allowed: OFFLINE,
  }),
  { route: 'GET /api/orgs/:orgId/queue/readiness', policy: 'read:Printer', group: 'printers', places: ['none'] },

  // The print queue: jobs, copies, plates, statistics.
  { route: 'GET /api/orgs/:orgId/jobs', policy: 'read:Job', group: 'queue', places: ['none'] },
  {
    route: 'POST /api/orgs/:orgId/jobs',
    policy: 'create:Job',
    group: 'queue',
    places: PLACES_3,
    fleetBound: true,
    body: (world, place) => ({
      fileId: world.orgA.fileId,
      copies: 1,
      held: true,
      fleetIds: [world.where(place).fleetId],
    }),
    outOfReach: UNKNOWN_FLEET,
  },
  {
    route: 'POST /api/orgs/:orgId/jobs/on-printers',
    policy: 'create:Job & start:Printer',
    group: 'queue',
    places: PLACES_3,
    fleetBound: true,
    // Not holdable: the pinned job waits for its printer, offline in this world, so nothing is ever dispatched.
    body: (world, place) => ({ fileId: world.orgA.fileId, printerIds: [world.where(place).printerId] }),
    outOfReach: { status: 403, code: 'printer_out_of_reach' },
  },
  jobRoute('GET /api/orgs/:orgId/jobs/:jobId', 'read:Job'),
  jobRoute('PATCH /api/orgs/:orgId/jobs/:jobId', 'update:Job', { body: () => ({ priority: 1 }) }),
  jobRoute('POST /api/orgs/:orgId/jobs/:jobId/reorder', 'update:Job', { body: () => ({ priority: 2 }) }),
  jobRoute('POST /api/orgs/:orgId/jobs/:jobId/hold', 'update:Job'),
  jobRoute('POST /api/orgs/:orgId/jobs/:jobId/release', 'update:Job'),
  jobRoute('POST /api/orgs/:orgId/jobs/:jobId/cancel', 'update:Job'),
  jobRoute('DELETE /api/orgs/:orgId/jobs/:jobId', 'delete:Job'),
  {
    route: 'POST /api/orgs/:orgId/copies/:copyId/requeue',
    policy: 'update:Job',
    group: 'queue',
    places: PLACES_3,
    fleetBound: true,
    objects: { copyId: 'failedCopy' },
  },
  {
    route: 'POST /api/orgs/:orgId/copies/:copyId/cancel',
    policy: 'update:Job',
    group: 'queue',
    places: PLACES_3,
    fleetBound: true,
    objects: { copyId: 'printingCopy' },
  },
  {
    route: 'POST /api/orgs/:orgId/printers/:printerId/bed/clear',
    policy: 'update:Job',
    group: 'queue',
    places: PLACES_3,
    fleetBound: true,
    objects: { printerId: 'printer' },
    body: () => ({ outcome: 'good' }),
    allowed: { status: 409, code: 'bed_already_clear' },
  },
  {
    route: 'GET /api/orgs/:orgId/stats/utilization',
    policy: 'read:Job',
    group: 'queue',
    places: ['none'],
    query: range(),
  },

  // Saved grid views: a member's own (test/dashboard/saved-views.medium-spec.ts tries other people's and orgs').
  {
    route: 'GET /api/orgs/:orgId/dashboard/views',
    policy: 'read:SavedView',
    group: 'files-webhooks',
    places: ['none'],
  },
  {
    route: 'POST /api/orgs/:orgId/dashboard/views',
    policy: 'create:SavedView',
    group: 'files-webhooks',
    places: ['none'],
    body: () => ({ name: `View ${randomBytes(4).toString('hex')}`, query: 'sort=time&view=list' }),
  },
  {
    route: 'PUT /api/orgs/:orgId/dashboard/views/:viewId',
    policy: 'update:SavedView',
    group: 'files-webhooks',
    places: ['none'],
    values: { viewId: () => randomUUID() },
    body: () => ({ name: 'Renamed', query: '' }),
    allowed: { status: 404, code: 'saved_view_not_found' },
  },
  {
    route: 'DELETE /api/orgs/:orgId/dashboard/views/:viewId',
    policy: 'delete:SavedView',
    group: 'files-webhooks',
    places: ['none'],
    values: { viewId: () => randomUUID() },
    allowed: { status: 404, code: 'saved_view_not_found' },
  },
  // A member's own notification preferences: every role, fleet limits or not; never an API key.
  {
    route: 'GET /api/orgs/:orgId/notification-preferences/me',
    policy: 'read:NotificationPreference',
    group: 'files-webhooks',
    places: ['none'],
  },
  {
    route: 'PUT /api/orgs/:orgId/notification-preferences/me',
    policy: 'update:NotificationPreference',
    group: 'files-webhooks',
    places: ['none'],
    body: () => ({
      emailEvents: ['print.failed'],
      pushEvents: [],
      urgentEvents: [],
      fleetIds: null,
      timeZone: 'UTC',
      quietHours: null,
      digestHour: null,
    }),
  },
  // Browser push: a member's own subscriptions (test/notifications/push-subscriptions-api.medium-spec.ts tries other
  // people's and orgs'). The matrix's api has no VAPID keys, so a let-through caller gets push_not_configured.
  {
    route: 'GET /api/orgs/:orgId/push-subscriptions/key',
    policy: 'read:PushSubscription',
    group: 'files-webhooks',
    places: ['none'],
  },
  {
    route: 'POST /api/orgs/:orgId/push-subscriptions',
    policy: 'create:PushSubscription',
    group: 'files-webhooks',
    places: ['none'],
    body: () => ({
      endpoint: `https://push.example.com/send/${randomBytes(8).toString('hex')}`,
      keys: { p256dh: `B${'A'.repeat(86)}`, auth: 'A'.repeat(22) },
    }),
    allowed: { status: 503, code: 'push_not_configured' },
  },
  {
    route: 'DELETE /api/orgs/:orgId/push-subscriptions',
    policy: 'delete:PushSubscription',
    group: 'files-webhooks',
    places: ['none'],
    body: () => ({ endpoint: `https://push.example.com/send/${randomBytes(8).toString('hex')}` }),
    allowed: { status: 404, code: 'push_subscription_not_found' },
  },
  {
    route: 'POST /api/orgs/:orgId/push-subscriptions/test',
    policy: 'update:PushSubscription',
    group: 'files-webhooks',
    places: ['none'],
    allowed: { status: 503, code: 'push_not_configured' },
  },
  // The organization's single sign-on provider: owners only. None is configured in the matrix's world, and the
  // issuer offered is a loopback one the matrix's api refuses, so a let-through owner gets the route's own answer.
  {
    route: 'GET /api/orgs/:orgId/sso',
    policy: 'read:SsoProvider',
    group: 'accounts',
    places: ['none'],
    allowed: { status: 404, code: 'sso_provider_not_found' },
  },
  {
    route: 'PUT /api/orgs/:orgId/sso',
    policy: 'update:SsoProvider',
    group: 'accounts',
    places: ['none'],
    body: () => ({
      slug: `matrix-${randomBytes(3).toString('hex')}`,
      displayName: 'Matrix',
      issuerUrl: 'https://localhost/',
      clientId: 'matrix',
      clientSecret: 'matrix-secret',
      allowedDomains: [],
      defaultRole: 'viewer',
      defaultFleetIds: null,
      groupClaim: null,
      groupRoles: null,
      enabled: true,
      requireSso: false,
      breakGlassUserId: null,
    }),
    allowed: { status: 400, code: 'sso_issuer_private_address' },
  },
  {
    route: 'DELETE /api/orgs/:orgId/sso',
    policy: 'delete:SsoProvider',
    group: 'accounts',
    places: ['none'],
    allowed: { status: 404, code: 'sso_provider_not_found' },
  },

  // Files and webhooks.
  { route: 'GET /api/orgs/:orgId/files', policy: 'read:File', group: 'files-webhooks', places: ['none'] },
  {
    route: 'POST /api/orgs/:orgId/files',
    policy: 'create:File',
    group: 'files-webhooks',
    places: ['none'],
    query: 'name=matrix.gcode',
    raw: { contentType: 'application/octet-stream', text: (world) => world.gcode('matrix upload') },
  },
  {
    route: 'GET /api/orgs/:orgId/files/:fileId',
    policy: 'read:File',
    group: 'files-webhooks',
    places: ORG_OBJECT,
    objects: { fileId: 'file' },
  },
  {
    route: 'GET /api/orgs/:orgId/files/:fileId/content',
    policy: 'read:File',
    group: 'files-webhooks',
    places: ORG_OBJECT,
    objects: { fileId: 'file' },
  },
  {
    route: 'GET /api/orgs/:orgId/files/:fileId/thumbnails/:index',
    policy: 'read:File',
    group: 'files-webhooks',
    places: ORG_OBJECT,
    objects: { fileId: 'file' },
    values: { index: () => '0' },
    allowed: { status: 404, code: 'thumbnail_not_found' },
    outOfReach: { status: 404, code: 'file_not_found' },
  },
  {
    route: 'DELETE /api/orgs/:orgId/files/:fileId',
    policy: 'delete:File',
    group: 'files-webhooks',
    places: ORG_OBJECT,
    objects: { fileId: 'file' },
  },
  { route: 'GET /api/orgs/:orgId/webhooks', policy: 'read:Webhook', group: 'files-webhooks', places: ['none'] },
  {
    route: 'POST /api/orgs/:orgId/webhooks',
    policy: 'create:Webhook',
    group: 'files-webhooks',
    places: ['none'],
    body: () => ({ url: `https://hooks.example.com/${randomBytes(4).toString('hex')}`, events: ['print.done'] }),
  },
  webhook('PATCH /api/orgs/:orgId/webhooks/:webhookId', 'update:Webhook', { body: () => ({ description: 'wall' }) }),
  webhook('DELETE /api/orgs/:orgId/webhooks/:webhookId', 'delete:Webhook'),
  webhook('POST /api/orgs/:orgId/webhooks/:webhookId/rotate-secret', 'rotate:Webhook'),
  webhook('POST /api/orgs/:orgId/webhooks/:webhookId/test', 'update:Webhook'),
  webhook('GET /api/orgs/:orgId/webhooks/:webhookId/deliveries', 'read:Webhook'),
  // Spools: the inventory is the organization's; loading reaches a printer, and so its fleet.
  { route: 'GET /api/orgs/:orgId/spools', policy: 'read:Spool', group: 'files-webhooks', places: ['none'] },
  {
    route: 'POST /api/orgs/:orgId/spools',
    policy: 'create:Spool',
    group: 'files-webhooks',
    places: ['none'],
    body: () => ({ material: 'PETG', initialGrams: 750 }),
  },
  spool('GET /api/orgs/:orgId/spools/:spoolId', 'read:Spool'),
  spool('GET /api/orgs/:orgId/spools/:spoolId/usage', 'read:Spool'),
  spool('PATCH /api/orgs/:orgId/spools/:spoolId', 'update:Spool', { body: () => ({ costCents: 2599 }) }),
  spool('DELETE /api/orgs/:orgId/spools/:spoolId', 'delete:Spool'),
  spool('POST /api/orgs/:orgId/spools/:spoolId/unload', 'load:Spool'),
  // Spoolman: members read its state, owners and admins (not fleet-limited) set it, operators sync. Each row leaves
  // the organization without a Spoolman (the spool rows above and below need the built-in inventory).
  { route: 'GET /api/orgs/:orgId/spoolman', policy: 'read:Spool', group: 'files-webhooks', places: ['none'] },
  {
    route: 'PUT /api/orgs/:orgId/spoolman',
    policy: 'update:Spool',
    group: 'files-webhooks',
    places: ['none'],
    body: () => ({ url: 'https://spoolman.example.com', apiKey: 'matrix-key' }),
    after: (world) => withoutSpoolman(world),
  },
  {
    route: 'DELETE /api/orgs/:orgId/spoolman',
    policy: 'update:Spool',
    group: 'files-webhooks',
    places: ['none'],
    setup: (world) => withSpoolman(world),
    after: (world) => withoutSpoolman(world),
  },
  {
    route: 'POST /api/orgs/:orgId/spoolman/sync',
    policy: 'load:Spool',
    group: 'files-webhooks',
    places: ['none'],
    // Without a Spoolman (no request leaves the test), a caller let through learns only that there is none.
    setup: (world) => withoutSpoolman(world),
    allowed: { status: 404, code: 'spoolman_not_configured' },
  },
  // Maintenance: tasks are the organization's; completing one and a printer's history reach a printer's fleet.
  {
    route: 'GET /api/orgs/:orgId/maintenance',
    policy: 'read:MaintenanceTask & read:Printer',
    group: 'files-webhooks',
    places: ['none'],
  },
  {
    route: 'POST /api/orgs/:orgId/maintenance/tasks',
    policy: 'create:MaintenanceTask',
    group: 'files-webhooks',
    places: ['none'],
    body: () => ({ name: 'Belt check', printerModel: 'MK4S', intervalKind: 'days', intervalValue: 90 }),
  },
  maintenance('PATCH /api/orgs/:orgId/maintenance/tasks/:taskId', 'update:MaintenanceTask', {
    body: () => ({ intervalValue: 45 }),
  }),
  maintenance('DELETE /api/orgs/:orgId/maintenance/tasks/:taskId', 'delete:MaintenanceTask'),
  maintenance('POST /api/orgs/:orgId/maintenance/tasks/:taskId/complete', 'complete:MaintenanceTask', {
    places: PLACES_3,
    fleetBound: true,
    body: (world, place) => ({ printerId: world.where(place).printerId, notes: 'done' }),
  }),
  printerRoute('GET /api/orgs/:orgId/maintenance/printers/:printerId/history', 'read:MaintenanceTask & read:Printer', {
    group: 'files-webhooks',
  }),
  // Photos on a maintenance record reach the record's printer, and so its fleet.
  {
    route: 'POST /api/orgs/:orgId/maintenance/completions/:completionId/photos',
    policy: 'complete:MaintenanceTask',
    group: 'files-webhooks',
    places: PLACES_3,
    fleetBound: true,
    objects: { completionId: 'maintenanceCompletion' },
    // Not an image: a caller let through reaches the decoder, which refuses it (the upload itself is in
    // test/maintenance/maintenance-photos.medium-spec.ts).
    raw: { contentType: 'image/jpeg', text: () => 'not a photo' },
    allowed: { status: 400, code: 'photo_unreadable' },
    outOfReach: { status: 404, code: 'maintenance_completion_not_found' },
  },
  {
    route: 'GET /api/orgs/:orgId/maintenance/completions/:completionId/photos/:photoId',
    policy: 'read:MaintenanceTask & read:Printer',
    group: 'files-webhooks',
    places: PLACES_3,
    fleetBound: true,
    objects: { completionId: 'maintenanceCompletion', photoId: 'maintenancePhoto' },
  },
  // Reports: figures are cut to the caller's fleets in SQL; the cost settings price every fleet, so a fleet-limited
  // member who may read reports still may not read them (the service's check on `Report { fleetId: null }`).
  {
    route: 'GET /api/orgs/:orgId/reports',
    policy: 'read:Report',
    group: 'files-webhooks',
    places: ['none'],
    query: 'from=2026-01-01&to=2026-01-31',
  },
  {
    route: 'GET /api/orgs/:orgId/reports/export/:table',
    policy: 'read:Report',
    group: 'files-webhooks',
    places: ['none'],
    values: { table: () => 'prints' },
    query: 'from=2026-01-01&to=2026-01-31',
  },
  {
    route: 'GET /api/orgs/:orgId/reports/settings',
    policy: 'read:Report',
    group: 'files-webhooks',
    places: ['none'],
    special: (caller) =>
      CALLERS[caller].fleetLimited && holds(caller, 'read:Report') ? { status: 403, code: 'forbidden' } : undefined,
  },
  {
    route: 'PATCH /api/orgs/:orgId/reports/settings',
    policy: 'update:Report',
    group: 'files-webhooks',
    places: ['none'],
    body: () => ({ machineCentsPerHour: 120 }),
  },
  // Quotas: org-wide, read by every member, managed by whole-organization admins.
  { route: 'GET /api/orgs/:orgId/quotas', policy: 'read:Quota', group: 'files-webhooks', places: ['none'] },
  {
    route: 'POST /api/orgs/:orgId/quotas',
    policy: 'create:Quota',
    group: 'files-webhooks',
    places: ['none'],
    body: () => ({ scope: 'tag', target: `t-${randomBytes(4).toString('hex')}`, metric: 'filament_grams', limit: 500 }),
  },
  {
    route: 'PATCH /api/orgs/:orgId/quotas/:quotaId',
    policy: 'update:Quota',
    group: 'files-webhooks',
    places: ORG_OBJECT,
    objects: { quotaId: 'quota' },
    body: () => ({ limit: 3 }),
  },
  {
    route: 'DELETE /api/orgs/:orgId/quotas/:quotaId',
    policy: 'delete:Quota',
    group: 'files-webhooks',
    places: ORG_OBJECT,
    objects: { quotaId: 'quota' },
  },
  spool('POST /api/orgs/:orgId/spools/:spoolId/load', 'load:Spool', {
    places: PLACES_3,
    fleetBound: true,
    body: (world, place) => ({ printerId: world.where(place).printerId, slot: 0 }),
  }),
  // The organization's notification settings (the bed-waiting time): whole-organization admins, like its channels.
  {
    route: 'GET /api/orgs/:orgId/notification-settings',
    policy: 'read:NotificationChannel',
    group: 'files-webhooks',
    places: ['none'],
  },
  {
    route: 'PUT /api/orgs/:orgId/notification-settings',
    policy: 'update:NotificationChannel',
    group: 'files-webhooks',
    places: ['none'],
    body: () => ({ bedWaitingMinutes: 15 }),
  },
  {
    route: 'GET /api/orgs/:orgId/notification-channels',
    policy: 'read:NotificationChannel',
    group: 'files-webhooks',
    places: ['none'],
  },
  {
    route: 'POST /api/orgs/:orgId/notification-channels',
    policy: 'create:NotificationChannel',
    group: 'files-webhooks',
    places: ['none'],
    body: () => ({
      kind: 'discord',
      name: 'matrix',
      events: ['print.done'],
      webhookUrl: `https://discord.example.com/api/webhooks/${randomBytes(4).toString('hex')}`,
    }),
  },
  channel('PATCH /api/orgs/:orgId/notification-channels/:channelId', 'update:NotificationChannel', {
    body: () => ({ name: 'wall' }),
  }),
  channel('DELETE /api/orgs/:orgId/notification-channels/:channelId', 'delete:NotificationChannel'),
  channel('POST /api/orgs/:orgId/notification-channels/:channelId/test', 'update:NotificationChannel'),
  channel('GET /api/orgs/:orgId/notification-channels/:channelId/deliveries', 'read:NotificationChannel'),

  // Chat-ops: integrations are the organization's (owners and admins); links are each member's own.
  {
    route: 'GET /api/orgs/:orgId/chatops/integrations',
    policy: 'read:ChatIntegration',
    group: 'files-webhooks',
    places: ['none'],
  },
  {
    route: 'POST /api/orgs/:orgId/chatops/integrations',
    policy: 'create:ChatIntegration',
    group: 'files-webhooks',
    places: ['none'],
    body: () => ({
      platform: 'slack',
      name: 'Matrix Slack',
      secret: randomBytes(16).toString('hex'),
      allowedCommands: ['status', 'pause'],
    }),
  },
  chatIntegration('PATCH /api/orgs/:orgId/chatops/integrations/:integrationId', 'update:ChatIntegration', {
    body: () => ({ allowedCommands: ['status'] }),
  }),
  chatIntegration('DELETE /api/orgs/:orgId/chatops/integrations/:integrationId', 'delete:ChatIntegration'),
  {
    route: 'POST /api/orgs/:orgId/chatops/link-codes',
    policy: 'read:Organization',
    group: 'files-webhooks',
    places: ['none'],
  },
  {
    route: 'GET /api/orgs/:orgId/chatops/links',
    policy: 'read:Organization',
    group: 'files-webhooks',
    places: ['none'],
  },
  {
    route: 'DELETE /api/orgs/:orgId/chatops/links/:accountId',
    policy: 'read:Organization',
    group: 'files-webhooks',
    places: ['none'],
    // Only one's own link can be removed: a member let through names none here.
    values: { accountId: () => randomUUID() },
    allowed: { status: 404, code: 'chat_account_not_found' },
  },

  // Enrollment and detection.
  {
    route: 'POST /api/orgs/:orgId/enrollment/tokens',
    policy: 'create:EnrollmentToken & enroll:Printer',
    group: 'enrollment-detection',
    places: PLACES_3,
    fleetBound: true,
    body: (world, place) => ({ fleetId: world.where(place).fleetId }),
    outOfReach: UNKNOWN_FLEET,
  },
  {
    route: 'GET /api/orgs/:orgId/enrollment/tokens',
    policy: 'read:EnrollmentToken',
    group: 'enrollment-detection',
    places: ['none'],
  },
  {
    route: 'DELETE /api/orgs/:orgId/enrollment/tokens/:tokenId',
    policy: 'delete:EnrollmentToken',
    group: 'enrollment-detection',
    places: PLACES_3,
    fleetBound: true,
    objects: { tokenId: 'enrollmentToken' },
  },
  {
    route: 'POST /api/orgs/:orgId/enrollment/imports',
    policy: 'enroll:Printer & create:EnrollmentToken',
    group: 'enrollment-detection',
    places: ['none'],
    query: 'mode=dry-run',
    raw: {
      contentType: 'text/csv',
      text: () => `name,fleet\nimported-${randomBytes(3).toString('hex')},Matrix A fleet 1\n`,
    },
  },
  {
    route: 'GET /api/orgs/:orgId/enrollment/imports/:importId',
    policy: 'enroll:Printer',
    group: 'enrollment-detection',
    places: ['none'],
    values: { importId: () => randomUUID() },
    allowed: { status: 404, code: 'import_not_found' },
  },
  {
    route: 'POST /api/orgs/:orgId/enrollment/pairings/claim',
    policy: 'enroll:Printer',
    group: 'enrollment-detection',
    places: PLACES_3,
    fleetBound: true,
    body: (world, place) => ({ userCode: 'WXYZ-2345', name: 'paired', fleetId: world.where(place).fleetId }),
    allowed: { status: 404, code: 'pairing_not_found' },
    outOfReach: UNKNOWN_FLEET,
  },
  {
    route: 'POST /api/orgs/:orgId/enrollment/pairings/deny',
    policy: 'enroll:Printer',
    group: 'enrollment-detection',
    places: ['none'],
    body: () => ({ userCode: 'WXYZ-2345' }),
    allowed: { status: 404, code: 'pairing_not_found' },
  },
  { route: 'GET /api/orgs/:orgId/alerts', policy: 'read:Alert', group: 'enrollment-detection', places: ['none'] },
  ...(['acknowledge', 'false-alarm'] as const).map((verb): MatrixRow => ({
    route: `POST /api/orgs/:orgId/alerts/:alertId/${verb}`,
    policy: 'update:Alert',
    group: 'enrollment-detection',
    places: PLACES_3,
    fleetBound: true,
    objects: { alertId: 'alert' },
  })),
  {
    route: 'POST /api/orgs/:orgId/alerts/:alertId/confirm',
    policy: 'update:Alert & cancel:Printer',
    group: 'enrollment-detection',
    places: PLACES_3,
    fleetBound: true,
    objects: { alertId: 'alert' },
  },
  {
    route: 'GET /api/orgs/:orgId/detection/dataset',
    policy: 'manage:Alert',
    group: 'enrollment-detection',
    places: ['none'],
  },
  {
    route: 'GET /api/orgs/:orgId/printers/:printerId/frames/:frameId/label',
    policy: 'read:Printer',
    group: 'enrollment-detection',
    places: PLACES_3,
    fleetBound: true,
    objects: { printerId: 'placePrinter', frameId: 'frame' },
    outOfReach: { status: 404, code: 'frame_not_found' },
  },
  {
    route: 'PUT /api/orgs/:orgId/printers/:printerId/frames/:frameId/label',
    policy: 'update:DetectionFrame',
    group: 'enrollment-detection',
    places: PLACES_3,
    fleetBound: true,
    objects: { printerId: 'placePrinter', frameId: 'frame' },
    body: () => ({ label: 'ok' }),
    outOfReach: { status: 404, code: 'frame_not_found' },
  },
  { route: 'GET /api/orgs/:orgId/detector', policy: 'read:Detector', group: 'enrollment-detection', places: ['none'] },
  {
    route: 'POST /api/orgs/:orgId/detector/train',
    policy: 'manage:Detector',
    group: 'enrollment-detection',
    places: ['none'],
    allowed: { status: 409, code: 'not_enough_labels' },
  },
  {
    route: 'POST /api/orgs/:orgId/detector/heads/:headId/activate',
    policy: 'manage:Detector',
    group: 'enrollment-detection',
    places: ['none'],
    values: { headId: () => randomUUID() },
    allowed: { status: 404, code: 'head_not_found' },
  },
  {
    route: 'POST /api/orgs/:orgId/detector/rollback',
    policy: 'manage:Detector',
    group: 'enrollment-detection',
    places: ['none'],
    allowed: { status: 409, code: 'nothing_to_roll_back' },
  },

  // Socket handlers: who may open the namespace, and (for /dashboard) which printers its resync carries.
  {
    route: 'WS /dashboard printers.requestResync',
    policy: 'read:Printer',
    group: 'sockets',
    places: PLACES_3,
    fleetBound: true,
  },
  ...['camera.watch', 'camera.unwatch', 'camera.wall', 'printers.window'].map((event): MatrixRow => ({
    route: `WS /dashboard ${event}`,
    policy: 'read:Printer',
    group: 'sockets',
    places: PLACES_3,
    fleetBound: true,
  })),
  ...['camera_frame', 'command_result', 'event', 'hello', 'protocol_error', 'status'].map((message): MatrixRow => ({
    route: `WS /agent ${message}`,
    policy: 'report:Printer',
    group: 'sockets',
    places: ['none'],
  })),
];
