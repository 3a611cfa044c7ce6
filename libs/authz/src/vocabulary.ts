/**
 * The permission vocabulary shared by the server and the dashboard. Plain data, no framework imports: the web
 * client bundles this file to hide what a user may not do (the server still enforces everything).
 */
export const ROLES = ['owner', 'admin', 'operator', 'viewer'] as const;
export type Role = (typeof ROLES)[number];

export const PRINTER_CONTROL_ACTIONS = [
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
  /** Firmware emergency stop: separate from `cancel` so that a role or API key can be given one without the other. */
  'emergency_stop',
] as const;
export type PrinterControlAction = (typeof PRINTER_CONTROL_ACTIONS)[number];

export const ACTIONS = [
  'manage',
  'read',
  'create',
  'update',
  'delete',
  ...PRINTER_CONTROL_ACTIONS,
  'enroll',
  'revoke',
  'rotate',
  'report',
  /** A slicer sending a file: into the library (`File`), and one copy of it into the queue (`Job`) when asked. */
  'upload',
  /** Putting a spool on a printer or an AMS/MMU slot, or taking it off: operators' work, unlike editing its cost. */
  'load',
  /** Recording a maintenance task as done on a printer (checklist, notes): operators' work, unlike planning tasks. */
  'complete',
] as const;
export type Action = (typeof ACTIONS)[number];

export const SUBJECTS = [
  'Organization',
  'Member',
  'Invitation',
  'ApiKey',
  'Fleet',
  'Printer',
  'EnrollmentToken',
  'File',
  'Job',
  /** One copy of a job, checked on the very record only (routes declare `update Job`): see define-ability.ts. */
  'Copy',
  'Alert',
  'AuditLog',
  'Webhook',
  /** An organization's Slack / Discord / Telegram / ntfy / mail destination (libs/notifications). */
  'NotificationChannel',
  /** An organization's inbound chat-ops integration (Slack, Discord, Telegram): owners and admins only. */
  'ChatIntegration',
  /** A filament spool of the organization's inventory (libs/spools): org-wide, loaded onto printers of a fleet. */
  'Spool',
  /** A recurring maintenance task (libs/maintenance): org-wide, completed on printers of a fleet. */
  'MaintenanceTask',
  /** A person's saved grid view (libs/dashboard): each member's own, never an API key's. */
  'SavedView',
  /** A person's browser subscribed to Web Push (libs/notifications): each member's own, never an API key's. */
  'PushSubscription',
  /** A person's own notification preferences (libs/notifications): each member's own, every role, never a key's. */
  'NotificationPreference',
  /** The organization's single sign-on (OpenID Connect) provider: owners only (define-ability.ts). */
  'SsoProvider',
  /**
   * Usage, success and cost reports (libs/reports): `read` by members, figures of the caller's fleets only
   * (`{ orgId, fleetId }` per printer); `update` is the organization's cost settings (admins).
   */
  'Report',
  /** A per-member or per-tag monthly quota (libs/reports): members read them, whole-organization admins manage. */
  'Quota',
  /**
   * One stored webcam frame, checked on `{ orgId, fleetId }` (its printer's fleet): `update` is labelling it ("this
   * looks fine" / "this is a failure") for the organization's own detector (libs/detection).
   */
  'DetectionFrame',
  /**
   * The organization's own failure detector (libs/detection): its labels summary, trainings and heads. Whole
   * organization: `read` shows it, `manage` trains, activates and rolls back (owners and admins).
   */
  'Detector',
] as const;
export type SubjectType = (typeof SUBJECTS)[number];

/**
 * What an API key may be scoped to. Keys never manage members, invitations, keys or the organization itself,
 * so a leaked key cannot mint more access.
 */
export const API_KEY_SCOPES = [
  'read:Printer',
  ...PRINTER_CONTROL_ACTIONS.map((action) => `${action}:Printer` as const),
  'update:Printer',
  'read:Fleet',
  'read:File',
  'create:File',
  'delete:File',
  'read:Job',
  'create:Job',
  'update:Job',
  'delete:Job',
  'read:Alert',
  'update:Alert',
  'update:DetectionFrame',
  'read:AuditLog',
  'read:Spool',
  'load:Spool',
  'read:MaintenanceTask',
  'read:Report',
  /**
   * Upload only, for slicers (`/api/slicer/octoprint`, `/api/slicer/moonraker`): send files into the library and
   * queue one copy of each when the slicer asks, within the key's fleets; read nothing, control nothing.
   */
  'upload:File',
] as const;
export type ApiKeyScope = (typeof API_KEY_SCOPES)[number];

export function parseScope(scope: ApiKeyScope): [Action, SubjectType] {
  const [action, subject] = scope.split(':') as [Action, SubjectType];
  return [action, subject];
}

/** Roles an actor of a given role may grant: nobody grants more than they hold; only owners make owners. */
export function grantableRoles(role: Role): Role[] {
  if (role === 'owner') return ['owner', 'admin', 'operator', 'viewer'];
  if (role === 'admin') return ['admin', 'operator', 'viewer'];
  return [];
}
