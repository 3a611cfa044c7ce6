import type { ApiKeyScope, Role } from './vocabulary';

export interface UserPrincipal {
  kind: 'user';
  userId: string;
  sessionId: string;
  email: string;
  /** Set once the request is scoped to an organization the user belongs to. */
  orgId: string | null;
  membershipId: string | null;
  role: Role | null;
  /** null: every fleet of the organization. */
  fleetIds: string[] | null;
}

export interface ApiKeyPrincipal {
  kind: 'apiKey';
  keyId: string;
  orgId: string;
  scopes: ApiKeyScope[];
  fleetIds: string[] | null;
}

export interface AgentPrincipal {
  kind: 'agent';
  printerId: string;
  orgId: string;
  credentialId: string;
}

/** Farmhand itself acting, e.g. the failure detector pausing a print. */
export interface SystemPrincipal {
  kind: 'system';
  orgId: string;
  reason: string;
}

export type Principal = UserPrincipal | ApiKeyPrincipal | AgentPrincipal | SystemPrincipal;

export interface Actor {
  type: Principal['kind'];
  id: string | null;
  label: string;
}

/** How a principal is named in the audit log; never carries a secret. */
export function actorOf(principal: Principal): Actor {
  switch (principal.kind) {
    case 'user':
      return { type: 'user', id: principal.userId, label: principal.email };
    case 'apiKey':
      return { type: 'apiKey', id: principal.keyId, label: `api key ${principal.keyId}` };
    case 'agent':
      return { type: 'agent', id: principal.printerId, label: `agent of printer ${principal.printerId}` };
    case 'system':
      return { type: 'system', id: null, label: `system: ${principal.reason}` };
  }
}
