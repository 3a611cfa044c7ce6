import type { Role } from '@farmhand/authz';

export interface AccountsEventMap {
  'member.removed': { orgId: string; userId: string; membershipId: string };
  'member.roleChanged': { orgId: string; userId: string; membershipId: string; role: Role; fleetIds: string[] | null };
  'session.revoked': { userId: string; sessionId: string };
  'organization.deleted': { orgId: string };
}

declare module '@farmhand/core' {
  // eslint-disable-next-line @typescript-eslint/no-empty-object-type
  interface DomainEventMap extends AccountsEventMap {}
}
