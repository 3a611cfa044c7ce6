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
  'Alert',
  'AuditLog',
  'Webhook',
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
  'read:AuditLog',
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
