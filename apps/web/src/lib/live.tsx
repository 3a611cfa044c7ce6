import {
  DASHBOARD_EVENTS,
  DASHBOARD_MAX_WINDOW,
  DASHBOARD_NAMESPACE,
  OFFLINE_LIVE,
  type CameraFrameMessage,
  type CameraWallAnswer,
  type CameraWatchAnswer,
  type ChangedMessage,
  type ClosingMessage,
  type DashboardOrgEvent,
  type DashboardPrinter,
  type PrinterLive,
  type ResyncMessage,
} from '@farmhand/dashboard-messages';
import { createContext, useContext, useEffect, useMemo, useSyncExternalStore, type ReactNode } from 'react';
import { io, type Socket } from 'socket.io-client';

export type { DashboardOrgEvent };

export type LiveStatus =
  | { kind: 'connecting' }
  | { kind: 'live'; since: number }
  | { kind: 'reconnecting'; reason: string }
  | { kind: 'closed'; reason: string };

interface Snapshot {
  printers: DashboardPrinter[];
  byId: Map<string, DashboardPrinter>;
  status: LiveStatus;
  /** False until the first resync arrived. */
  loaded: boolean;
  truncated: boolean;
}

const byName = new Intl.Collator(undefined, { numeric: true, sensitivity: 'base' });

/** Scrolling settles this long before the server hears the new window. */
const WINDOW_DEBOUNCE_MS = 100;

/** After this long hidden, a tab asks for a full picture when it becomes visible again. */
const RESYNC_AFTER_HIDDEN_MS = 60_000;

/**
 * One `/dashboard` connection per organization page: the server's resync replaces the list, its changes patch
 * single printers (a new object for a changed printer only, so unchanged cards do not re-render).
 */
export class LiveStore {
  private snapshot: Snapshot = {
    printers: [],
    byId: new Map(),
    status: { kind: 'connecting' },
    loaded: false,
    truncated: false,
  };
  private readonly listeners = new Set<() => void>();
  private socket: Socket | null = null;
  private hiddenAt: number | null = null;
  private readonly orgListeners = new Set<(events: DashboardOrgEvent[]) => void>();
  /** What each part of the page shows (`showing`): the server details only their union. */
  private readonly interests = new Map<string, string[]>();
  private windowSent = '';
  private windowTimer: ReturnType<typeof setTimeout> | null = null;
  /** Whether the server has sent any org event on this connection's lifetime (then pages stop polling). */
  orgEventsSeen = false;

  /** Told when the server says the session or membership is gone (the app then reloads the session). */
  private onSessionLost: () => void = () => undefined;

  constructor(readonly orgId: string) {}

  whenSessionLost(listener: () => void): void {
    this.onSessionLost = listener;
  }

  subscribe = (listener: () => void): (() => void) => {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  };

  getSnapshot = (): Snapshot => this.snapshot;

  start(): void {
    if (this.socket) return;
    const socket = io(DASHBOARD_NAMESPACE, {
      // Windowed: a compact picture of every printer, every field only for the printers on screen (`showing`).
      auth: { orgId: this.orgId, windowed: true },
      withCredentials: true,
      transports: ['websocket', 'polling'],
      tryAllTransports: true,
      reconnectionDelayMax: 10_000,
    });
    this.socket = socket;
    socket.on(DASHBOARD_EVENTS.resync, (message: ResyncMessage) => this.applyResync(message));
    socket.on(DASHBOARD_EVENTS.changed, (message: ChangedMessage) => this.applyChanges(message));
    socket.on(DASHBOARD_EVENTS.orgEvents, (events: DashboardOrgEvent[]) => {
      if (!Array.isArray(events)) return;
      this.orgEventsSeen = true;
      for (const listener of this.orgListeners) listener(events);
    });
    socket.on(DASHBOARD_EVENTS.closing, (message: ClosingMessage) => {
      this.update({ status: { kind: 'closed', reason: message.message } });
      if (message.code !== 'organization_deleted') this.onSessionLost();
    });
    socket.on('connect', () => {
      this.update({ status: { kind: 'live', since: Date.now() } });
      // A new connection knows no window yet.
      this.windowSent = '';
      this.sendWindow();
    });
    socket.on('disconnect', (reason) => {
      if (reason === 'io server disconnect' || reason === 'io client disconnect') {
        if (this.snapshot.status.kind !== 'closed') this.update({ status: { kind: 'closed', reason: 'Disconnected' } });
      } else this.update({ status: { kind: 'reconnecting', reason: 'Connection lost; reconnecting' } });
    });
    socket.on('connect_error', (error: Error & { data?: { code?: string; message?: string } }) => {
      const code = error.data?.code;
      if (code === 'unauthenticated' || code === 'organization_not_found' || code === 'forbidden') {
        this.update({ status: { kind: 'closed', reason: error.data?.message ?? error.message } });
        socket.disconnect();
        this.onSessionLost();
      } else this.update({ status: { kind: 'reconnecting', reason: 'Cannot reach the server; retrying' } });
    });
    document.addEventListener('visibilitychange', this.onVisibility);
  }

  stop(): void {
    document.removeEventListener('visibilitychange', this.onVisibility);
    if (this.windowTimer) clearTimeout(this.windowTimer);
    this.socket?.disconnect();
    this.socket = null;
  }

  /** Org events as they arrive; also told (with an empty list) after a reconnect, when anything may have changed. */
  onOrgEvents(listener: (events: DashboardOrgEvent[]) => void): () => void {
    this.orgListeners.add(listener);
    return () => this.orgListeners.delete(listener);
  }

  /**
   * Shows a command's expected effect at once (a pause shows "pausing"); the agent's next report replaces it. The
   * returned undo restores the fields the server has not changed since, for a command that was refused.
   */
  patchOptimistically(printerId: string, fields: Partial<PrinterLive>): () => void {
    const before = this.snapshot.byId.get(printerId);
    if (!before) return () => undefined;
    this.applyChanges({ changes: [{ id: printerId, ...fields }], at: Date.now() });
    const patched = this.snapshot.byId.get(printerId)!.live;
    return () => {
      const now = this.snapshot.byId.get(printerId);
      if (!now) return;
      const undo = Object.fromEntries(
        (Object.keys(fields) as Array<keyof PrinterLive>)
          .filter((key) => now.live[key] === patched[key])
          .map((key) => [key, before.live[key]]),
      );
      if (Object.keys(undo).length) this.applyChanges({ changes: [{ id: printerId, ...undo }], at: Date.now() });
    };
  }

  /**
   * The printers one part of the page (`key`: the grid, a detail page) shows now; an empty list when it shows none.
   * Printers outside every part's list carry only the summary fields (state, attention, time left, risk, job).
   */
  showing(key: string, printerIds: string[]): void {
    if (printerIds.length) this.interests.set(key, printerIds);
    else this.interests.delete(key);
    if (this.windowTimer) return;
    this.windowTimer = setTimeout(() => {
      this.windowTimer = null;
      this.sendWindow();
    }, WINDOW_DEBOUNCE_MS);
  }

  private sendWindow(): void {
    const ids = [...new Set([...this.interests.values()].flat())].slice(0, DASHBOARD_MAX_WINDOW).sort();
    const key = ids.join(',');
    if (!this.socket?.connected || key === this.windowSent) return;
    this.windowSent = key;
    this.socket.emit(DASHBOARD_EVENTS.window, { printerIds: ids });
  }

  requestResync(): void {
    this.socket?.emit(DASHBOARD_EVENTS.requestResync);
  }

  /**
   * Watches one printer's live camera on this connection (asked again after every reconnect) until the returned
   * function is called; the server streams only while someone watches.
   */
  watchCamera(
    printerId: string,
    fps: number,
    onFrame: (frame: CameraFrameMessage) => void,
    onAnswer: (answer: CameraWatchAnswer) => void,
  ): () => void {
    const socket = this.socket;
    if (!socket) return () => undefined;
    const ask = () =>
      socket
        .timeout(10_000)
        .emit(DASHBOARD_EVENTS.cameraWatch, { printerId, fps }, (error: Error | null, answer: CameraWatchAnswer) =>
          onAnswer(error ? { ok: false, error: { code: 'timeout', message: 'The server did not answer' } } : answer),
        );
    const frame = (message: CameraFrameMessage) => {
      if (message?.printerId === printerId) onFrame(message);
    };
    socket.on(DASHBOARD_EVENTS.cameraFrame, frame);
    socket.on('connect', ask);
    if (socket.connected) ask();
    return () => {
      socket.off(DASHBOARD_EVENTS.cameraFrame, frame);
      socket.off('connect', ask);
      socket.emit(DASHBOARD_EVENTS.cameraUnwatch, { printerId });
    };
  }

  /** Shows `printerIds` as camera wall tiles on this connection (asked again after a reconnect) until stopped. */
  watchWall(
    printerIds: string[],
    fps: number,
    onTile: (tile: CameraFrameMessage) => void,
    onAnswer: (answer: CameraWallAnswer) => void,
  ): () => void {
    const socket = this.socket;
    if (!socket) return () => undefined;
    const ask = () =>
      socket
        .timeout(10_000)
        .emit(DASHBOARD_EVENTS.cameraWall, { printerIds, fps }, (error: Error | null, answer: CameraWallAnswer) =>
          onAnswer(error ? { ok: false, error: { code: 'timeout', message: 'The server did not answer' } } : answer),
        );
    socket.on(DASHBOARD_EVENTS.cameraTile, onTile);
    socket.on('connect', ask);
    if (socket.connected) ask();
    return () => {
      socket.off(DASHBOARD_EVENTS.cameraTile, onTile);
      socket.off('connect', ask);
      socket.emit(DASHBOARD_EVENTS.cameraWall, { printerIds: [] });
    };
  }

  private onVisibility = (): void => {
    if (document.visibilityState === 'hidden') this.hiddenAt = Date.now();
    else if (this.hiddenAt !== null && Date.now() - this.hiddenAt > RESYNC_AFTER_HIDDEN_MS) this.requestResync();
    if (document.visibilityState === 'visible') this.hiddenAt = null;
  };

  private applyResync(message: ResyncMessage): void {
    // A resync follows every (re)connect: events may have been missed meanwhile.
    if (this.snapshot.loaded) for (const listener of this.orgListeners) listener([]);
    // A compact resync: live holds the summary fields; the shown printers keep what they had until theirs arrive.
    const previous = this.snapshot.byId;
    const printers = message.printers
      .map((printer) => ({
        ...printer,
        orgId: printer.orgId ?? message.orgId,
        live: { ...OFFLINE_LIVE, ...previous.get(printer.id)?.live, ...printer.live },
      }))
      .sort((a, b) => byName.compare(a.name, b.name));
    this.update({
      printers,
      byId: new Map(printers.map((printer) => [printer.id, printer])),
      loaded: true,
      truncated: message.truncated,
    });
  }

  private applyChanges(message: ChangedMessage): void {
    const byId = new Map(this.snapshot.byId);
    let removed = false;
    for (const { id, removed: gone, ...fields } of message.changes) {
      const current = byId.get(id);
      if (!current) continue;
      if (gone) {
        byId.delete(id);
        removed = true;
      } else byId.set(id, { ...current, live: { ...current.live, ...fields } });
    }
    const printers = removed
      ? this.snapshot.printers.filter((printer) => byId.has(printer.id)).map((printer) => byId.get(printer.id)!)
      : this.snapshot.printers.map((printer) => byId.get(printer.id)!);
    this.update({ printers, byId });
  }

  private update(changes: Partial<Snapshot>): void {
    this.snapshot = { ...this.snapshot, ...changes };
    for (const listener of this.listeners) listener();
  }
}

const LiveContext = createContext<LiveStore | null>(null);

let early: LiveStore | null = null;

/**
 * Opens the organization's live connection while the session is still loading: the socket authenticates on its
 * own, so the grid's data and `/api/auth/me` travel in parallel on the first page load.
 */
export function connectEarly(path: string): void {
  const match = /^\/orgs\/([0-9a-f-]{36})(\/|$)/i.exec(path);
  if (!match) return;
  early = new LiveStore(match[1]!);
  early.start();
}

function storeFor(orgId: string): LiveStore {
  const claimed = early;
  early = null;
  if (claimed && claimed.orgId === orgId && claimed.getSnapshot().status.kind !== 'closed') return claimed;
  claimed?.stop();
  return new LiveStore(orgId);
}

export function LiveProvider({
  orgId,
  onSessionLost,
  children,
}: {
  orgId: string;
  onSessionLost: () => void;
  children: ReactNode;
}) {
  const store = useMemo(() => storeFor(orgId), [orgId]);
  useEffect(() => {
    store.whenSessionLost(onSessionLost);
  }, [store, onSessionLost]);
  useEffect(() => {
    store.start();
    return () => store.stop();
  }, [store]);
  return <LiveContext.Provider value={store}>{children}</LiveContext.Provider>;
}

/** The organization's live store, without re-rendering on its changes (for effects and mutations). */
export function useLiveStore(): LiveStore {
  const store = useContext(LiveContext);
  if (!store) throw new Error('useLive outside LiveProvider');
  return store;
}

/** This component shows `printerIds` in full (temperatures, progress): the live connection details them. */
export function useShowing(key: string, printerIds: string[]): void {
  const store = useLiveStore();
  const ids = printerIds.join(',');
  useEffect(() => {
    store.showing(key, ids ? ids.split(',') : []);
    return () => store.showing(key, []);
  }, [store, key, ids]);
}

export function useLive(): Snapshot & { store: LiveStore } {
  const store = useLiveStore();
  const snapshot = useSyncExternalStore(store.subscribe, store.getSnapshot);
  return { ...snapshot, store };
}
