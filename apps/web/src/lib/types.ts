import type { ApiKeyScope, Role } from '@farmhand/authz-vocabulary';

export interface User {
  id: string;
  email: string;
}

export interface OrganizationMembership {
  id: string;
  name: string;
  role: Role;
  fleetIds: string[] | null;
}

export interface Me {
  user: User;
  organizations: OrganizationMembership[];
}

export interface Member {
  id: string;
  orgId: string;
  userId: string;
  email: string;
  displayName: string;
  role: Role;
  fleetIds: string[] | null;
  createdAt: string;
}

export interface Invitation {
  id: string;
  orgId: string;
  email: string;
  role: Role;
  fleetIds: string[] | null;
  invitedBy: string;
  createdAt: string;
  expiresAt: string;
}

export interface InvitationPreview {
  organization: { id: string; name?: string };
  email: string;
  role: Role;
  expiresAt: string;
}

export interface ApiKey {
  id: string;
  name: string;
  scopes: ApiKeyScope[];
  fleetIds: string[] | null;
  createdAt: string;
  expiresAt: string | null;
  lastUsedAt: string | null;
  revokedAt: string | null;
}

export interface Fleet {
  id: string;
  orgId: string;
  name: string;
  description: string;
  createdAt: string;
}

export interface DetectionSettings {
  sensitivity: number;
  autoPause: boolean;
  frameIntervalSeconds: number;
}

export interface Printer {
  id: string;
  orgId: string;
  fleetId: string;
  name: string;
  model: string;
  serial: string | null;
  buildX: number | null;
  buildY: number | null;
  buildZ: number | null;
  nozzleDiameter: number | null;
  material: string | null;
  tags: string[];
  autoEject: boolean;
  detection: Partial<DetectionSettings>;
  state: string;
  lastSeenAt: string | null;
  createdAt: string;
}

export interface PrinterCredential {
  id: string;
  createdAt: string;
  lastUsedAt: string | null;
  expiresAt: string | null;
}

export interface AuditEntry {
  id: string;
  actorType: string;
  actorId: string | null;
  actorLabel: string;
  action: string;
  subjectType: string;
  subjectId: string | null;
  result: 'success' | 'denied' | 'failure';
  details: Record<string, unknown>;
  ip: string | null;
  createdAt: string;
}
