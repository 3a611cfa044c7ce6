import {
  AbilityBuilder,
  createMongoAbility,
  type ForcedSubject,
  type MongoAbility,
  type MongoQuery,
} from '@casl/ability';
import type { Principal } from './principal';
import { PRINTER_CONTROL_ACTIONS, parseScope, type Action, type SubjectType } from './vocabulary';

export type AppSubject = SubjectType | 'all' | (ForcedSubject<SubjectType> & object);
export type AppAbility = MongoAbility<[Action, AppSubject], MongoQuery>;

const READABLE_BY_MEMBERS: SubjectType[] = [
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
];

type Builder = AbilityBuilder<MongoAbility>;

/**
 * What spans every fleet and cannot be cut to some: the audit log, webhooks and notification channels (their events
 * cover every fleet, and a channel's fleet filter is set by whole-organization admins).
 * A fleet-limited principal never holds them, whatever its role or scopes say.
 */
export const WHOLE_ORGANIZATION_SUBJECTS: readonly SubjectType[] = [
  'AuditLog',
  'Webhook',
  'NotificationChannel',
  'ChatIntegration',
  'Detector',
];

/**
 * The one place where organization, fleet and ownership conditions are written. Every grant goes through here, so
 * a subject is confined the same way whichever role or API key scope grants it. The fields each subject is checked
 * on (services build the subjects, repositories filter lists by the same conditions through ability-sql.ts):
 *
 * - `Printer { id, orgId, fleetId }`, `Fleet { id, orgId }`, `Alert { orgId, fleetId }` and
 *   `DetectionFrame { orgId, fleetId }` (their printer's fleet),
 *   `Report { orgId, fleetId }` (the fleet of the printer a figure counts; the cost settings carry `fleetId: null`),
 *   `EnrollmentToken { orgId, fleetId }` (the fleet it enrolls into): inside the caller's fleets.
 * - `Job { orgId, fleetIds }`: a job's `fleetIds` are where it may print, and an empty list means every fleet. A
 *   fleet-limited caller reaches a job only when the list is not empty and every fleet in it is one of theirs, so
 *   they can neither create nor touch a job that may print outside their fleets.
 * - `Copy { orgId, printerFleetId, jobFleetIds }` (libs/jobs `copySubject`): a copy on a printer belongs to that printer's
 *   fleet, whatever its job says (the plate of your own printer is yours to clear); a copy on no printer belongs to
 *   its job's fleets, as above.
 * - the audit log, webhooks and the detector: whole-organization principals only (WHOLE_ORGANIZATION_SUBJECTS).
 * - `SavedView { orgId, userId }`, `PushSubscription { orgId, userId }`, `NotificationPreference { orgId, userId }`:
 *   a person's own, in the organization.
 * - everything else: the organization.
 */
function grant(
  { can, cannot }: Builder,
  actions: Action | Action[],
  subjects: SubjectType | SubjectType[],
  orgId: string,
  fleets: string[] | null,
): void {
  for (const subject of ([] as SubjectType[]).concat(subjects)) {
    if (!fleets) {
      can(actions, subject, { orgId });
      continue;
    }
    if (WHOLE_ORGANIZATION_SUBJECTS.includes(subject)) continue;
    switch (subject) {
      case 'Printer':
        can(actions, subject, { orgId, fleetId: { $in: fleets } });
        break;
      case 'Fleet':
        can(actions, subject, { orgId, id: { $in: fleets } });
        break;
      case 'Alert':
      case 'DetectionFrame':
      case 'EnrollmentToken':
      case 'Report':
        // An alert is about a printer, a token enrolls into a fleet: that fleet must be the caller's.
        can(actions, subject, { orgId, fleetId: { $in: fleets } });
        break;
      case 'Job':
        // Some fleet of the job is the caller's, and none is another's (an empty list matches neither).
        can(actions, subject, { orgId, fleetIds: { $elemMatch: { $in: fleets } } });
        cannot(actions, subject, { fleetIds: { $elemMatch: { $nin: fleets } } });
        break;
      case 'Copy':
        can(actions, subject, { orgId, printerFleetId: { $in: fleets } });
        can(actions, subject, { orgId, printerFleetId: null, jobFleetIds: { $elemMatch: { $in: fleets } } });
        cannot(actions, subject, { printerFleetId: null, jobFleetIds: { $elemMatch: { $nin: fleets } } });
        break;
      default:
        can(actions, subject, { orgId });
    }
  }
}

/** Acting on a job's copies (requeue, cancel, a cleared plate) comes with updating jobs. */
function grantJobs(builder: Builder, actions: Action[], orgId: string, fleets: string[] | null): void {
  grant(builder, actions, 'Job', orgId, fleets);
  if (actions.includes('update')) grant(builder, 'update', 'Copy', orgId, fleets);
}

/**
 * Roles as CASL rules. Every rule is conditioned on the organization, and fleet-limited memberships or keys add
 * fleet conditions (see `grant`), so the same role applies only inside its fleets. Anything not granted here is
 * denied.
 */
export function defineAbilityFor(principal: Principal): AppAbility {
  // Built untyped (CASL's condition typing does not follow string subjects), exposed as the typed AppAbility.
  const builder = new AbilityBuilder<MongoAbility>(createMongoAbility);
  const { can, cannot, build } = builder;

  switch (principal.kind) {
    case 'user': {
      if (!principal.orgId || !principal.role) break;
      const orgId = principal.orgId;
      const fleets = principal.fleetIds;
      // Every member keeps their own saved grid views, whatever the role or fleet limits.
      can(['read', 'create', 'update', 'delete'], 'SavedView', { orgId, userId: principal.userId });
      // And their own browsers' push subscriptions (a viewer gets alerts on the desktop too).
      can(['read', 'create', 'update', 'delete'], 'PushSubscription', { orgId, userId: principal.userId });
      // …and their own notification preferences (what reaches them is clamped to what they may read at send time).
      can(['read', 'update'], 'NotificationPreference', { orgId, userId: principal.userId });
      const readAll = () => {
        grant(
          builder,
          'read',
          READABLE_BY_MEMBERS.filter((subject) => subject !== 'Job'),
          orgId,
          fleets,
        );
        grantJobs(builder, ['read'], orgId, fleets);
      };
      switch (principal.role) {
        case 'owner':
        case 'admin':
          if (fleets) {
            // A fleet-limited admin administers printers and the queue inside its fleets only.
            readAll();
            grant(
              builder,
              ['update', 'delete', 'enroll', 'revoke', 'rotate', ...PRINTER_CONTROL_ACTIONS],
              'Printer',
              orgId,
              fleets,
            );
            grant(builder, ['create', 'update', 'delete'], ['File', 'Alert'], orgId, fleets);
            grant(builder, 'update', 'DetectionFrame', orgId, fleets);
            grantJobs(builder, ['create', 'update', 'delete'], orgId, fleets);
            grant(builder, ['read', 'create', 'delete'], 'EnrollmentToken', orgId, fleets);
            // The spool inventory (and its costs) is the organization's: a fleet-limited admin loads spools only.
            grant(builder, 'load', 'Spool', orgId, fleets);
            grant(builder, 'complete', 'MaintenanceTask', orgId, fleets);
            break;
          }
          can('manage', 'all', { orgId });
          if (principal.role === 'admin') {
            cannot('delete', 'Organization');
            // Who may sign in, and as what, is the owners' decision: an admin could otherwise mint owners through it.
            cannot('manage', 'SsoProvider');
          }
          break;
        case 'operator':
          readAll();
          grant(builder, [...PRINTER_CONTROL_ACTIONS, 'update'], 'Printer', orgId, fleets);
          grant(builder, ['create', 'update', 'delete'], 'File', orgId, fleets);
          grantJobs(builder, ['create', 'update', 'delete'], orgId, fleets);
          grant(builder, 'update', 'Alert', orgId, fleets);
          grant(builder, 'update', 'DetectionFrame', orgId, fleets);
          grant(builder, 'load', 'Spool', orgId, fleets);
          grant(builder, 'complete', 'MaintenanceTask', orgId, fleets);
          break;
        case 'viewer':
          readAll();
          break;
      }
      break;
    }
    case 'apiKey':
      for (const scope of principal.scopes) {
        const [action, subject] = parseScope(scope);
        // A slicer's key: its uploads go to the library and, when the slicer asks, to the queue of its own fleets.
        if (scope === 'upload:File') grant(builder, 'upload', ['File', 'Job'], principal.orgId, principal.fleetIds);
        else if (subject === 'Job') grantJobs(builder, [action], principal.orgId, principal.fleetIds);
        else grant(builder, action, subject, principal.orgId, principal.fleetIds);
      }
      break;
    case 'agent':
      // An agent's credential acts as its own printer and nothing else.
      can(['read', 'report'], 'Printer', { id: principal.printerId, orgId: principal.orgId });
      break;
    case 'system':
      // `start`: the print scheduler dispatching a queued copy to a ready printer.
      can(['read', 'start', 'pause', 'cancel'], 'Printer', { orgId: principal.orgId });
      can(['read', 'create', 'update'], 'Alert', { orgId: principal.orgId });
      break;
  }
  return build() as unknown as AppAbility;
}
