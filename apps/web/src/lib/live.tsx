import {
  DASHBOARD_EVENTS,
  DASHBOARD_NAMESPACE,
  type ChangedMessage,
  type ClosingMessage,
  type DashboardOrgEvent,
  type DashboardPrinter,
  type ResyncMessage,
} from '@farmhand/dashboard-messages';
import { createContext, useContext, useEffect, useMemo, useRef, useSyncExternalStore, type ReactNode } from 'react';
import { io, type Socket } from 'socket.io-client';

/** Pages fall back to polling at this interval while visible, as long as no org event has arrived. */
export const ORG_EVENTS_FALLBACK_POLL_MS = 10_000;

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
  /** Whether the server has sent any org event on this connection's lifetime (then pages stop polling). */
  orgEventsSeen = false;

  /** Told when the server says the session or membership is gone (the app then reloads the session). */
  onSessionLost: () => void = () => undefined;

  constructor(readonly orgId: string) {}

  subscribe = (listener: () => void): (() => void) => {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  };

  getSnapshot = (): Snapshot => this.snapshot;

  start(): void {
    if (this.socket) return;
    const socket = io(DASHBOARD_NAMESPACE, {
      auth: { orgId: this.orgId },
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
    socket.on('connect', () => this.update({ status: { kind: 'live', since: Date.now() } }));
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
    this.socket?.disconnect();
    this.socket = null;
  }

  /** Org events as they arrive; also told (with an empty list) after a reconnect, when anything may have changed. */
  onOrgEvents(listener: (events: DashboardOrgEvent[]) => void): () => void {
    this.orgListeners.add(listener);
    return () => this.orgListeners.delete(listener);
  }

  requestResync(): void {
    this.socket?.emit(DASHBOARD_EVENTS.requestResync);
  }

  private onVisibility = (): void => {
    if (document.visibilityState === 'hidden') this.hiddenAt = Date.now();
    else if (this.hiddenAt !== null && Date.now() - this.hiddenAt > RESYNC_AFTER_HIDDEN_MS) this.requestResync();
    if (document.visibilityState === 'visible') this.hiddenAt = null;
  };

  private applyResync(message: ResyncMessage): void {
    // A resync follows every (re)connect: events may have been missed meanwhile.
    if (this.snapshot.loaded) for (const listener of this.orgListeners) listener([]);
    const printers = [...message.printers].sort((a, b) => byName.compare(a.name, b.name));
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
    store.onSessionLost = onSessionLost;
  }, [store, onSessionLost]);
  useEffect(() => {
    store.start();
    return () => store.stop();
  }, [store]);
  return <LiveContext.Provider value={store}>{children}</LiveContext.Provider>;
}

export function useLive(): Snapshot & { store: LiveStore } {
  const store = useContext(LiveContext);
  if (!store) throw new Error('useLive outside LiveProvider');
  const snapshot = useSyncExternalStore(store.subscribe, store.getSnapshot);
  return { ...snapshot, store };
}

/**
 * Reloads what a page shows when the server hints that it changed (org events matching `relevant`; an empty batch
 * after a reconnect always matches), and polls every 10 s while the page is visible until the first org event
 * proves the server sends them.
 */
export function useRefetchOnOrgEvents(reload: () => unknown, relevant: (event: DashboardOrgEvent) => boolean): void {
  const store = useContext(LiveContext);
  const latest = useRef({ reload, relevant });
  latest.current = { reload, relevant };
  useEffect(() => {
    if (!store) return;
    let pending: ReturnType<typeof setTimeout> | null = null;
    const unsubscribe = store.onOrgEvents((events) => {
      if (events.length > 0 && !events.some((event) => latest.current.relevant(event))) return;
      // Several batches in a row become one reload.
      if (pending) return;
      pending = setTimeout(() => {
        pending = null;
        void latest.current.reload();
      }, 150);
    });
    const poll = setInterval(() => {
      if (!store.orgEventsSeen && document.visibilityState === 'visible') void latest.current.reload();
    }, ORG_EVENTS_FALLBACK_POLL_MS);
    return () => {
      unsubscribe();
      clearInterval(poll);
      if (pending) clearTimeout(pending);
    };
  }, [store]);
}
