import type { DashboardOrgEvent } from './dashboard.messages';

/**
 * What the api instances tell each other: an organization's events, each with its printer's fleet and, for a queue
 * event about no printer, the fleets its job may print on (for filtering; never sent to browsers).
 */
export interface OrgEventsBatch {
  orgId: string;
  events: Array<{ event: DashboardOrgEvent; fleetId: string | null; jobFleetIds?: string[] }>;
}

/**
 * Events are hints ("refetch what you show"): a newer one about the same copy, job or alert replaces an older one
 * still waiting, so a burst (a scheduler pass assigning hundreds of copies) stays one entry per thing.
 */
export function orgEventKey(event: DashboardOrgEvent): string {
  if (event.kind === 'alert') return `alert:${event.alertId}`;
  if (event.kind === 'detector.changed') return 'detector';
  // A cleared plate is its own news: it must not replace the state of the copy that was on it.
  if (event.state === 'bed_cleared') return `bed:${event.printerId ?? event.jobId}`;
  return event.copyId ? `copy:${event.copyId}` : `job:${event.jobId}`;
}

/** The most distinct events one browser (or one publisher window) holds before the oldest are dropped. */
export const MAX_PENDING_ORG_EVENTS = 1_000;

/** Adds `event` as the newest entry of `pending` (replacing an older one about the same thing), bounded. */
export function stageOrgEvent<T>(pending: Map<string, T>, key: string, value: T): void {
  pending.delete(key);
  pending.set(key, value);
  if (pending.size > MAX_PENDING_ORG_EVENTS) pending.delete(pending.keys().next().value!);
}
