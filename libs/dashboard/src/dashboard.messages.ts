/**
 * What the `/dashboard` socket.io namespace says to browsers. Plain TypeScript, no framework imports: the web
 * client bundles this file, so both sides share one definition of the wire format.
 */
export const DASHBOARD_NAMESPACE = '/dashboard';

export const DASHBOARD_EVENTS = {
  /** Server -> browser: every printer the user may read, with its live state; sent on (re)connect and on request. */
  resync: 'printers.resync',
  /** Server -> browser: only the fields that changed since the last message, per printer, coalesced. */
  changed: 'printers.changed',
  /** Browser -> server: ask for a full resync (e.g. after the tab was hidden for a while). */
  requestResync: 'printers.requestResync',
  /** Server -> browser: the connection is about to close for a reason the user should see. */
  closing: 'dashboard.closing',
  /**
   * Server -> browser: `DashboardOrgEvent[]`, coalesced like `printers.changed`. Hints to refetch what the page
   * shows (the queue, a job, alerts), never full records; only events about things the socket may read.
   */
  orgEvents: 'org.events',
} as const;

/** At most this many `printers.changed` messages per second reach one browser; the latest value per printer wins. */
export const DASHBOARD_MAX_UPDATES_PER_SECOND = 4;

/**
 * The live part of a printer, flat so that changes are sent field by field. Values are rounded to what the
 * dashboard shows (whole degrees, tenths of a percent, whole minutes left), so sensor noise and ticking clocks do
 * not become traffic.
 */
export interface PrinterLive {
  online: boolean;
  /** The agent's live state (printing, paused, ...); `offline` when no agent is connected. */
  state: string;
  stateText: string | null;
  job: string | null;
  /** Percent with one decimal. */
  progress: number | null;
  /** Seconds; whole minutes once more than two minutes are left. */
  timeLeft: number | null;
  toolActual: number | null;
  toolTarget: number | null;
  bedActual: number | null;
  bedTarget: number | null;
  error: string | null;
  /** The failure detector's latest score, 0..1; null until detection reports. */
  failureScore: number | null;
  /** ISO time of the latest webcam frame the server holds; null when none. Kept while the printer is offline. */
  snapshotAt: string | null;
}

export type PrinterLiveField = keyof PrinterLive;

export const OFFLINE_LIVE: PrinterLive = {
  online: false,
  state: 'offline',
  stateText: null,
  job: null,
  progress: null,
  timeLeft: null,
  toolActual: null,
  toolTarget: null,
  bedActual: null,
  bedTarget: null,
  error: null,
  failureScore: null,
  snapshotAt: null,
};

/** Fields written by the failure detector, not by the agent: an agent going offline leaves them as they were. */
export const DETECTION_LIVE_FIELDS = ['failureScore', 'snapshotAt'] as const satisfies readonly PrinterLiveField[];

/** What an agent going offline (or going silent) sets: every agent-reported field back to its offline value. */
export const AGENT_OFFLINE_PATCH: Partial<PrinterLive> = Object.fromEntries(
  Object.entries(OFFLINE_LIVE).filter(([key]) => !(DETECTION_LIVE_FIELDS as readonly string[]).includes(key)),
);

/**
 * Something happened in the organization that a page may show. Queue events: a job was created, changed, held,
 * released, reordered, cancelled or deleted (`copyId` null), or a copy moved (`state` its new state; `printerId`
 * the printer it is on, if any) or a bed was cleared (`jobId` and `copyId` of the copy on it, when known). Alert
 * events: the failure detector raised or someone resolved an alert.
 */
export type DashboardOrgEvent =
  | { kind: 'queue'; jobId: string; copyId: string | null; printerId: string | null; state: string | null; at: string }
  | { kind: 'alert'; alertId: string; printerId: string; level: 'warning' | 'pause'; state: string; at: string };

/** A printer as the grid shows it: the row's identity and capabilities plus its live state. */
export interface DashboardPrinter {
  id: string;
  orgId: string;
  fleetId: string;
  name: string;
  model: string;
  tags: string[];
  /** The last state transition Postgres knows (used while no agent is connected). */
  storedState: string;
  lastSeenAt: string | null;
  live: PrinterLive;
}

export interface ResyncMessage {
  orgId: string;
  printers: DashboardPrinter[];
  /** True when the list was cut at the server's limit. */
  truncated: boolean;
  at: number;
}

/** One printer's changed fields. `removed: true`: the printer is gone or no longer readable. */
export type PrinterChange = { id: string; removed?: true } & Partial<PrinterLive>;

export interface ChangedMessage {
  changes: PrinterChange[];
  at: number;
}

export interface ClosingMessage {
  code: 'membership_changed' | 'session_ended' | 'organization_deleted' | 'unauthenticated';
  message: string;
}

/** The agent status frame as libs/protocol defines it (only what the dashboard reads). */
export interface StatusLike {
  state: string;
  stateText: string | null;
  temperatures: {
    tool0: { actual: number | null; target: number | null } | null;
    bed: { actual: number | null; target: number | null } | null;
  };
  job: { fileName: string } | null;
  progress: number | null;
  printTimeLeft: number | null;
  error: string | null;
}

function round(value: number | null | undefined, digits: number): number | null {
  if (value === null || value === undefined || !Number.isFinite(value)) return null;
  const factor = 10 ** digits;
  return Math.round(value * factor) / factor;
}

function roundTimeLeft(seconds: number | null | undefined): number | null {
  if (seconds === null || seconds === undefined || !Number.isFinite(seconds)) return null;
  return seconds > 120 ? Math.round(seconds / 60) * 60 : Math.round(seconds);
}

/** The live fields a status frame sets. */
export function liveFromStatus(status: StatusLike): Partial<PrinterLive> {
  return {
    online: true,
    state: status.state,
    stateText: status.stateText,
    job: status.job?.fileName ?? null,
    progress: round(status.progress, 1),
    timeLeft: roundTimeLeft(status.printTimeLeft),
    toolActual: round(status.temperatures.tool0?.actual, 0),
    toolTarget: round(status.temperatures.tool0?.target, 0),
    bedActual: round(status.temperatures.bed?.actual, 0),
    bedTarget: round(status.temperatures.bed?.target, 0),
    error: status.error,
  };
}

/** The fields of `next` that differ from `previous` (all of them when there is no previous). */
export function diffLive(previous: PrinterLive | undefined, next: PrinterLive): Partial<PrinterLive> | null {
  const changed: Partial<PrinterLive> = {};
  let any = false;
  for (const key of Object.keys(next) as PrinterLiveField[]) {
    if (previous && previous[key] === next[key]) continue;
    (changed as Record<string, unknown>)[key] = next[key];
    any = true;
  }
  return any ? changed : null;
}
