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
  regionOfInterest: RegionOfInterest | null;
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

export interface RegionOfInterest {
  x: number;
  y: number;
  width: number;
  height: number;
}

export interface GcodeMetadata {
  slicer: string | null;
  slicerVersion: string | null;
  estimatedTimeSeconds: number | null;
  filamentLengthMm: number | null;
  filamentWeightGrams: number | null;
  material: string | null;
  materials: string[];
  nozzleDiameterMm: number | null;
  layerHeightMm: number | null;
  printerModel: string | null;
  extent: { min: { x: number; y: number; z: number }; max: { x: number; y: number; z: number } } | null;
}

export interface GcodeFile {
  id: string;
  name: string;
  sha256: string;
  sizeBytes: number;
  lineCount: number;
  metadata: GcodeMetadata;
  thumbnails: Array<{ index: number; format: 'png' | 'jpg' | 'qoi'; width: number; height: number; sizeBytes: number }>;
  uploadedByLabel: string;
  createdAt: string;
}

export const COPY_STATES = [
  'queued',
  'assigned',
  'uploading',
  'printing',
  'awaiting_bed_clear',
  'done',
  'failed',
  'cancelled',
] as const;
export type CopyState = (typeof COPY_STATES)[number];

export interface PrintJob {
  id: string;
  fileId: string;
  name: string;
  copies: number;
  priority: number;
  position: number;
  requirements: {
    material: string | null;
    nozzleDiameter: number | null;
    minBuildX: number | null;
    minBuildY: number | null;
    minBuildZ: number | null;
    fleetIds: string[];
    requiredTags: string[];
    earliestStartAt: string | null;
  };
  notes: string;
  held: boolean;
  cancelledAt: string | null;
  createdByLabel: string;
  createdAt: string;
  counts: Record<CopyState, number>;
  status: 'queued' | 'held' | 'printing' | 'finished' | 'cancelled';
}

export interface PrintCopy {
  id: string;
  jobId: string;
  number: number;
  state: CopyState;
  printerId: string | null;
  attempt: number;
  lost: boolean;
}

export interface PrintJobDetail extends PrintJob {
  copyList: PrintCopy[];
}

export interface PrinterReadiness {
  printerId: string;
  name: string;
  fleetId: string;
  state: string;
  online: boolean;
  autoEject: boolean;
  bed: { clear: boolean; reason: string | null };
  activeCopy: { copyId: string; jobId: string; state: CopyState; lost: boolean } | null;
  ready: boolean;
  notReadyBecause: Array<'offline' | 'not_operational' | 'busy' | 'bed_not_clear'>;
}

export interface AttemptHistoryRow {
  id: string;
  copyId: string;
  jobId: string;
  jobName: string;
  copyNumber: number;
  attempt: number;
  state: string;
  assignedAt: string;
  startedAt: string | null;
  endedAt: string | null;
  outcome: 'good' | 'bad' | null;
  failureReason: string | null;
  filamentGrams: number | null;
  durationSeconds: number | null;
}

/** Contract B (libs/detection): one alert as the alerts API answers it. */
export interface AlertView {
  id: string;
  printerId: string;
  printerName: string;
  fleetId: string;
  level: 'warning' | 'pause';
  state: 'open' | 'acknowledged' | 'false_alarm' | 'confirmed';
  score: number;
  paused: boolean;
  copyId: string | null;
  frameId: string | null;
  createdAt: string;
  resolvedAt: string | null;
  resolvedBy: string | null;
}

/** Contract C (libs/notifications): a webhook endpoint; its secret is only in the create and rotate answers. */
export const WEBHOOK_EVENTS = [
  'alert.raised',
  'print.paused_by_detector',
  'print.done',
  'print.failed',
  'printer.offline',
  'webhook.test',
] as const;

export interface WebhookView {
  id: string;
  url: string;
  events: string[];
  enabled: boolean;
  description: string | null;
  createdAt: string;
  lastDeliveryAt: string | null;
  lastStatus: 'delivered' | 'failed' | null;
}

export interface WebhookDelivery {
  id: string;
  event: string;
  status: 'pending' | 'delivered' | 'failed';
  attempts: number;
  responseStatus: number | null;
  error: string | null;
  createdAt: string;
  deliveredAt: string | null;
}

export interface EnrollmentTokenView {
  id: string;
  redacted: string;
  source: 'admin' | 'import';
  fleetId: string;
  printerId: string | null;
  printerName: string | null;
  usesAllowed: number;
  usesLeft: number;
  expiresAt: string;
  revokedAt: string | null;
  lastUsedAt: string | null;
  createdAt: string;
  status: 'usable' | 'used' | 'expired' | 'revoked';
}
