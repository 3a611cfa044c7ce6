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
  /**
   * Browser -> server, windowed sockets only (`auth.windowed: true`): `WindowRequest`, the printers the page shows
   * now (replaces the previous set). Those get every live field; the others only `SUMMARY_LIVE_FIELDS`.
   */
  window: 'printers.window',
  /** Server -> browser: the connection is about to close for a reason the user should see. */
  closing: 'dashboard.closing',
  /**
   * Server -> browser: `DashboardOrgEvent[]`, coalesced like `printers.changed`. Hints to refetch what the page
   * shows (the queue, a job, alerts), never full records; only events about things the socket may read.
   */
  orgEvents: 'org.events',
  /** Browser -> server: `CameraWatchRequest`; answered `{ ok: true, fps }` or `{ ok: false, error }`. */
  cameraWatch: 'camera.watch',
  /** Browser -> server: `{ printerId }`, stop watching (leaving or closing the socket does the same). */
  cameraUnwatch: 'camera.unwatch',
  /** Server -> browser: `CameraFrameMessage`, one live JPEG of a printer this socket watches. */
  cameraFrame: 'camera.frame',
  /**
   * Browser -> server: `CameraWallRequest`, the printers this socket shows as wall tiles (replaces the previous set;
   * an empty list stops); answered `CameraWallAnswer`.
   */
  cameraWall: 'camera.wall',
  /** Server -> browser: `CameraFrameMessage` downscaled to `CAMERA_LIMITS.tileWidth`, for a wall tile. */
  cameraTile: 'camera.tile',
} as const;

export interface CameraWallRequest {
  printerIds: string[];
  /** Frames per second per tile, 0.5..2 (default 1). */
  fps?: number;
}

export type CameraWallAnswer =
  { ok: true; fps: number; printerIds: string[] } | { ok: false; error: { code: string; message: string } };

export interface CameraWatchRequest {
  printerId: string;
  /** Frames per second wanted (1..15, default 10); the organization's cap may lower it. */
  fps?: number;
}

export type CameraWatchAnswer = { ok: true; fps: number } | { ok: false; error: { code: string; message: string } };

export interface CameraFrameMessage {
  printerId: string;
  seq: number;
  /** When the agent took it (epoch ms, the agent's clock). */
  capturedAt: number;
  /** JPEG bytes (an ArrayBuffer in the browser). */
  jpeg: ArrayBuffer | Uint8Array;
}

/** Live camera limits: per organization (frames relayed from its printers) and per browser socket. */
export const CAMERA_LIMITS = {
  defaultFps: 10,
  maxFps: 15,
  /** Frames of one organization's live views relayed per second on one api instance, in bytes (8 MB/s). */
  orgBytesPerSecond: 8 * 1024 * 1024,
  /** Printers one browser socket may watch live at once. */
  maxWatchedPerSocket: 4,
  /** The agent streams this long without a renewal; the api renews every `renewMs` while someone watches. */
  leaseMs: 6_000,
  renewMs: 2_000,
  /** Camera wall: tiles per socket, their rate, and the width the api downscales them to (sharp). */
  maxWallTiles: 150,
  wallFps: 1,
  minWallFps: 0.5,
  maxWallFps: 2,
  tileWidth: 320,
} as const;

/**
 * A saved grid view (libs/dashboard `SavedView`) is the grid's query string restricted to these keys: filters,
 * sort and view mode. The server drops nothing silently: any other key is refused.
 */
export const SAVED_VIEW_PARAMS = ['fleet', 'state', 'tag', 'attention', 'q', 'sort', 'view'] as const;
/** Saved views one person may keep per organization. */
export const SAVED_VIEWS_PER_USER = 50;

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
  /**
   * What waits on the bed for a person (from the queue, libs/jobs): `finished` a print of the queue to take off and
   * judge good or bad, `leftover` what a failed, cancelled or manual print left; null when the bed is clear.
   */
  bedToClear: 'finished' | 'leftover' | null;
  /** The failure detector has an open (unresolved) alert on this printer (libs/detection). */
  openAlert: boolean;
  /** The queue has a copy assigned to, uploading to or printing on this printer (libs/jobs). */
  copyInProgress: boolean;
  /**
   * Why the printer needs a hand, computed by the server from the fields above with `attentionOf` (never written by
   * a publisher); null when it does not.
   */
  attention: Attention | null;
}

/**
 * Why a printer needs a person, most urgent first (a printer shows its most urgent reason). `maintenance_due` joins
 * when maintenance tracking exists.
 */
export const ATTENTION_REASONS = [
  'failure_alert',
  'error',
  'paused',
  'offline_printing',
  'awaiting_bed_clear',
] as const;
export type Attention = (typeof ATTENTION_REASONS)[number];

/** The one definition of "needs a hand", used by the server for every printer view it sends and by the grid. */
export function attentionOf(
  live: Pick<PrinterLive, 'online' | 'state' | 'bedToClear' | 'openAlert' | 'copyInProgress'>,
): Attention | null {
  if (live.openAlert) return 'failure_alert';
  if (live.online && live.state === 'error') return 'error';
  if (live.online && (live.state === 'paused' || live.state === 'pausing')) return 'paused';
  if (!live.online && live.copyInProgress) return 'offline_printing';
  if (live.bedToClear) return 'awaiting_bed_clear';
  return null;
}

/** The live state with its `attention` computed. */
export function withAttention(live: PrinterLive): PrinterLive {
  const attention = attentionOf(live);
  return live.attention === attention ? live : { ...live, attention };
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
  bedToClear: null,
  openAlert: false,
  copyInProgress: false,
  attention: null,
};

/** Fields written by the failure detector, not by the agent: an agent going offline leaves them as they were. */
export const DETECTION_LIVE_FIELDS = ['failureScore', 'snapshotAt'] as const satisfies readonly PrinterLiveField[];

/**
 * Facts of the queue and the detector about a printer (the server's own records, not the agent's report): an agent
 * going offline leaves them as they were, and every resync reads them afresh from their owners (`PrinterFacts`).
 */
export const FACT_LIVE_FIELDS = [
  'bedToClear',
  'openAlert',
  'copyInProgress',
] as const satisfies readonly PrinterLiveField[];

/** Computed, never published: `attention`. */
export const COMPUTED_LIVE_FIELDS = ['attention'] as const satisfies readonly PrinterLiveField[];

const NOT_FROM_AGENT: readonly string[] = [...DETECTION_LIVE_FIELDS, ...FACT_LIVE_FIELDS, ...COMPUTED_LIVE_FIELDS];

/** What an agent going offline (or going silent) sets: every agent-reported field back to its offline value. */
export const AGENT_OFFLINE_PATCH: Partial<PrinterLive> = Object.fromEntries(
  Object.entries(OFFLINE_LIVE).filter(([key]) => !NOT_FROM_AGENT.includes(key)),
);

/**
 * Something happened in the organization that a page may show. Queue events: a job was created, changed, held,
 * released, reordered, cancelled or deleted (`copyId` null), or a copy moved (`state` its new state; `printerId`
 * the printer it is on, if any) or a bed was cleared (`jobId` and `copyId` of the copy on it, when known). Alert
 * events: the failure detector raised or someone resolved an alert.
 */
export type DashboardOrgEvent =
  | { kind: 'queue'; jobId: string; copyId: string | null; printerId: string | null; state: string | null; at: string }
  | { kind: 'alert'; alertId: string; printerId: string; level: 'warning' | 'pause'; state: string; at: string }
  /** The organization's detector changed (a training ended, a head was activated or rolled back): whole-org admins. */
  | { kind: 'detector.changed'; printerId: null; activeHeadId: string | null; at: string };

/**
 * What a windowed socket gets about every printer, shown or not: what the grid counts, filters and sorts by (state,
 * attention, time left, risk, job name for search). The other fields (temperatures, progress, the snapshot's time)
 * change with every status frame and reach a browser only for the printers it shows (`printers.window`).
 */
export const SUMMARY_LIVE_FIELDS = [
  'online',
  'state',
  'job',
  'timeLeft',
  'error',
  'failureScore',
  'bedToClear',
  'openAlert',
  'copyInProgress',
  'attention',
] as const satisfies readonly PrinterLiveField[];

/** Printers one windowed socket may ask to be shown at once (a screen of cards or rows, with overscan). */
export const DASHBOARD_MAX_WINDOW = 500;
/**
 * The most printers one resync carries: a windowed socket gets a compact picture (identity and summary fields)
 * of up to this many; a socket that does not window gets full pictures of up to `DASHBOARD_MAX_PRINTERS`.
 */
export const DASHBOARD_MAX_WINDOWED_PRINTERS = 50_000;

export interface WindowRequest {
  printerIds: string[];
}

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
  /**
   * Windowed sockets: `live` holds `SUMMARY_LIVE_FIELDS` only and `orgId` is left out (it is the message's);
   * the other fields follow in `printers.changed` for the printers the browser shows.
   */
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
  code: 'membership_changed' | 'session_ended' | 'api_key_revoked' | 'organization_deleted' | 'unauthenticated';
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
