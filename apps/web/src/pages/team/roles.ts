import type { Role } from '@farmhand/authz-vocabulary';

export const ROLE_HELP: Record<Role, string> = {
  owner: 'Everything, including deleting the organization and making owners.',
  admin: 'Manage members, fleets, printers, keys and settings.',
  operator: 'Control printers, run the queue, handle alerts.',
  viewer: 'See printers, jobs and alerts; change nothing.',
};
