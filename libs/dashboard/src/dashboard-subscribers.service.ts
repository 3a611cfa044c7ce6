import { Injectable, Inject, type OnModuleDestroy } from '@nestjs/common';
import {
  accessibleWhere,
  defineAbilityFor,
  subject,
  type AppAbility,
  type Authenticator,
  type AuthenticatorRegistry,
  type Credentials,
  type Principal,
} from '@farmhand/authz';
import { PRINTER_CONDITION_COLUMNS, PrinterDirectory } from '@farmhand/printers';
import { LOGGER } from '@farmhand/core';
import type { Logger } from 'pino';
import type { Namespace, Socket } from 'socket.io';
import {
  DASHBOARD_EVENTS,
  DASHBOARD_MAX_UPDATES_PER_SECOND,
  DASHBOARD_MAX_WINDOW,
  DASHBOARD_MAX_WINDOWED_PRINTERS,
  SUMMARY_LIVE_FIELDS,
  OFFLINE_LIVE,
  diffLive,
  withAttention,
  type ChangedMessage,
  type ClosingMessage,
  type DashboardOrgEvent,
  type DashboardPrinter,
  type PrinterChange,
  type PrinterLive,
  type ResyncMessage,
} from './dashboard.messages';
import { DashboardFanout, type FanoutReceiver, type PrinterBatch } from './dashboard-fanout';
import { LiveStateStore } from './live-state.store';
import { PrinterFacts } from './printer-facts';
import { orgEventKey, stageOrgEvent, type OrgEventsBatch } from './org-events';

/** What one api instance tells the others about access changes (a socket.io server-side event). */
const CONTROL_EVENT = 'dashboard:control';

/**
 * The most printers one full resync carries, for sockets that do not window (scripts, API keys). The dashboard
 * windows (`auth.windowed`): its compact resync goes to DASHBOARD_MAX_WINDOWED_PRINTERS.
 */
export const DASHBOARD_MAX_PRINTERS = 5_000;

const SUMMARY_FIELDS: ReadonlySet<string> = new Set(SUMMARY_LIVE_FIELDS);
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** The fields of `fields` a browser gets about a printer it does not show (null when none). */
function summaryOf(fields: Partial<PrinterLive>): Partial<PrinterLive> | null {
  let summary: Partial<PrinterLive> | null = null;
  for (const key of Object.keys(fields) as Array<keyof PrinterLive>)
    if (SUMMARY_FIELDS.has(key)) (summary ??= {} as Record<string, unknown>)[key] = fields[key] as never;
  return summary;
}

/** The fields a printer entering the window brings with it (those the summary left out). */
function detailOf(live: PrinterLive): Partial<PrinterLive> {
  return Object.fromEntries(Object.entries(live).filter(([key]) => !SUMMARY_FIELDS.has(key)));
}
/** Sessions and keys are re-checked this often on long-lived sockets (expiry, revoked keys). */
const REVALIDATE_AFTER_MS = 5 * 60_000;
/** How often a browser may ask for a full resync. */
const MIN_REQUESTED_RESYNC_INTERVAL_MS = 3_000;
/** A browser that does not read its socket fast enough gets no new message until it catches up (latest wins). */
const MAX_WRITE_BUFFER = 16;

export type { PrinterBatch } from './dashboard-fanout';

export interface ClosingError {
  code: string;
  message: string;
}

export type ControlMessage =
  | { type: 'membershipChanged'; orgId: string; userId: string }
  | { type: 'memberRemoved'; orgId: string; userId: string }
  | { type: 'sessionRevoked'; sessionId: string }
  | { type: 'apiKeyRevoked'; orgId: string; keyId: string }
  | { type: 'organizationDeleted'; orgId: string };

interface Watcher {
  socket: Socket;
  orgId: string;
  principal: Principal;
  authenticator: Authenticator;
  credentials: Credentials;
  ability: AppAbility;
  /** fleetId -> may read printers of it (the ability is conditioned on org and fleet only). */
  readable: Map<string, boolean>;
  /** `${subject}:${fleetId}` or `Job:fleets:${jobFleetIds}` -> may read jobs or alerts (about a printer, a job). */
  readableEvents: Map<string, boolean>;
  /**
   * The latest live state per printer as this socket may know it; changes are diffed against it. A windowed socket
   * was told only its summary fields for printers outside `window`.
   */
  sent: Map<string, PrinterLive>;
  /** The browser asked for compact resyncs and shows only `window` in full (`auth.windowed`). */
  windowed: boolean;
  /** The printers a windowed browser shows now (`printers.window`). */
  window: Set<string>;
  /** Changed fields not sent yet, per printer: the latest value wins. */
  pending: Map<string, PrinterChange>;
  /** Organization events not sent yet, by what they are about: the latest wins. */
  pendingEvents: Map<string, DashboardOrgEvent>;
  /** Deliveries that arrived while a resync was being read, replayed on top of it. */
  duringResync: Map<string, { fleetId: string; patch: Partial<PrinterLive> }> | null;
  resyncTimer: NodeJS.Timeout | null;
  /** Resyncs of one socket run one after another, so an older picture never lands after a newer one. */
  resyncChain: Promise<void>;
  lastResyncAt: number;
  /** The last resync was cut at DASHBOARD_MAX_PRINTERS. */
  truncated: boolean;
  validatedAt: number;
}

/**
 * The browsers watching an organization on this api instance: what each may read, what each was last told, and
 * the changes waiting for the next tick. Every socket gets at most DASHBOARD_MAX_UPDATES_PER_SECOND messages a
 * second, whatever the number of printers, fleets or api instances.
 */
@Injectable()
export class DashboardSubscribers implements OnModuleDestroy, FanoutReceiver {
  private namespace?: Namespace;
  private registry?: AuthenticatorRegistry;
  private readonly watchers = new Map<string, Watcher>();
  private readonly byOrg = new Map<string, Set<Watcher>>();
  private flushTimer?: NodeJS.Timeout;
  private revalidateTimer?: NodeJS.Timeout;

  constructor(
    private readonly printers: PrinterDirectory,
    private readonly liveState: LiveStateStore,
    private readonly facts: PrinterFacts,
    private readonly fanout: DashboardFanout,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {}

  /** Called once by the gateway when its namespace exists. */
  attach(namespace: Namespace, registry: AuthenticatorRegistry): void {
    this.namespace = namespace;
    this.registry = registry;
    // Server-side events come only from other processes (socket.io never loops them back).
    this.fanout.attach(namespace, this);
    namespace.on(CONTROL_EVENT, (message: ControlMessage) => void this.control(message));
    this.flushTimer = setInterval(() => this.flush(), 1000 / DASHBOARD_MAX_UPDATES_PER_SECOND);
    this.flushTimer.unref();
    this.revalidateTimer = setInterval(() => void this.revalidate(), 60_000);
    this.revalidateTimer.unref();
  }

  onModuleDestroy(): void {
    clearInterval(this.flushTimer);
    clearInterval(this.revalidateTimer);
    for (const watcher of this.watchers.values()) if (watcher.resyncTimer) clearTimeout(watcher.resyncTimer);
  }

  publishControl(message: ControlMessage): void {
    void this.control(message);
    this.broadcast(CONTROL_EVENT, message);
  }

  get size(): number {
    return this.watchers.size;
  }

  async add(
    socket: Socket,
    principal: Principal,
    authenticator: Authenticator,
    credentials: Credentials,
    windowed = false,
  ) {
    const orgId = (principal as { orgId: string }).orgId;
    const watcher: Watcher = {
      socket,
      orgId,
      principal,
      authenticator,
      credentials,
      ability: defineAbilityFor(principal),
      readable: new Map(),
      readableEvents: new Map(),
      sent: new Map(),
      windowed,
      window: new Set(),
      pending: new Map(),
      pendingEvents: new Map(),
      duringResync: null,
      resyncTimer: null,
      resyncChain: Promise.resolve(),
      lastResyncAt: 0,
      truncated: false,
      validatedAt: Date.now(),
    };
    this.watchers.set(socket.id, watcher);
    let watchers = this.byOrg.get(orgId);
    if (!watchers) this.byOrg.set(orgId, (watchers = new Set()));
    watchers.add(watcher);
    await this.resync(socket.id);
  }

  remove(socket: Socket): void {
    const watcher = this.watchers.get(socket.id);
    if (!watcher) return;
    this.watchers.delete(socket.id);
    if (watcher.resyncTimer) clearTimeout(watcher.resyncTimer);
    const watchers = this.byOrg.get(watcher.orgId);
    watchers?.delete(watcher);
    if (watchers?.size === 0) this.byOrg.delete(watcher.orgId);
  }

  /**
   * Whether this socket may read a printer of `orgId`/`fleetId` now, with its current (revalidated, rescoped)
   * access; false for a socket that is not (or no longer) watching.
   */
  mayReadPrinter(socketId: string, orgId: string, fleetId: string): boolean {
    const watcher = this.watchers.get(socketId);
    return !!watcher && watcher.orgId === orgId && this.mayRead(watcher, fleetId);
  }

  /**
   * The printers a windowed browser shows now: each one entering the window gets its fields the summary left out
   * (with the next tick); ids this socket may not read, or that are not printers of its picture, are ignored.
   */
  setWindow(socketId: string, request: unknown): { ok: true; shown: number } | { ok: false; error: ClosingError } {
    const watcher = this.watchers.get(socketId);
    const ids = (request as { printerIds?: unknown } | null)?.printerIds;
    if (!watcher || !watcher.windowed)
      return { ok: false, error: { code: 'not_windowed', message: 'Connect with auth.windowed first' } };
    if (!Array.isArray(ids) || ids.length > DASHBOARD_MAX_WINDOW || !ids.every((id) => typeof id === 'string'))
      return {
        ok: false,
        error: { code: 'invalid_window', message: `printerIds must list at most ${DASHBOARD_MAX_WINDOW} printer ids` },
      };
    const next = new Set((ids as string[]).filter((id) => UUID.test(id)));
    for (const id of next) {
      if (watcher.window.has(id)) continue;
      const live = watcher.sent.get(id);
      if (!live) continue;
      const pending = watcher.pending.get(id);
      watcher.pending.set(id, { ...pending, id, ...detailOf(live) });
    }
    watcher.window = next;
    return { ok: true, shown: next.size };
  }

  /** Sends the whole current picture: every readable printer with its live state. */
  resync(socketId: string): Promise<void> {
    const watcher = this.watchers.get(socketId);
    if (!watcher) return Promise.resolve();
    const next = watcher.resyncChain.then(() => this.sendResync(watcher));
    watcher.resyncChain = next.catch(() => undefined);
    return next;
  }

  /** A browser asking for a resync gets one at most every few seconds; asking more often merges into the next. */
  async requestResync(socketId: string): Promise<void> {
    const watcher = this.watchers.get(socketId);
    if (!watcher) return;
    const wait = watcher.lastResyncAt + MIN_REQUESTED_RESYNC_INTERVAL_MS - Date.now();
    if (wait > 0) this.scheduleResync(watcher, wait);
    else await this.resync(socketId);
  }

  private async sendResync(watcher: Watcher): Promise<void> {
    const socketId = watcher.socket.id;
    if (!this.watchers.has(socketId)) return;
    watcher.lastResyncAt = Date.now();
    watcher.duringResync = new Map();
    try {
      const limit = watcher.windowed ? DASHBOARD_MAX_WINDOWED_PRINTERS : DASHBOARD_MAX_PRINTERS;
      const rows = await this.printers.summaries(
        watcher.orgId,
        accessibleWhere(watcher.ability, 'read', 'Printer', PRINTER_CONDITION_COLUMNS),
        limit + 1,
      );
      const truncated = rows.length > limit;
      if (truncated) rows.length = limit;
      const ids = rows.map((row) => row.id);
      // The queue's and the detector's facts come from their tables, so a lost or expired live entry never hides them.
      const [live, facts] = await Promise.all([
        this.liveState.getMany(watcher.orgId, ids),
        this.facts.factsOf(watcher.orgId, ids),
      ]);
      const printers: DashboardPrinter[] = [];
      const sent = new Map<string, PrinterLive>();
      for (const row of rows) {
        // The SQL scope and the ability agree; checking the ability too keeps one rule in charge.
        if (!this.mayRead(watcher, row.fleetId)) continue;
        const current = withAttention({ ...(live.get(row.id) ?? OFFLINE_LIVE), ...facts.get(row.id) });
        sent.set(row.id, current);
        const printer = {
          id: row.id,
          orgId: row.orgId,
          fleetId: row.fleetId,
          name: row.name,
          model: row.model,
          tags: row.tags,
          storedState: row.state,
          lastSeenAt: row.lastSeenAt ? row.lastSeenAt.toISOString() : null,
          live: current,
        };
        if (watcher.windowed) {
          // The compact picture: the browser fills the organization and the fields it shows only for its window.
          const { orgId: _orgId, ...rest } = printer;
          printers.push({ ...rest, live: summaryOf(current) } as unknown as DashboardPrinter);
        } else printers.push(printer);
      }
      if (!this.watchers.has(socketId)) return;
      watcher.sent = sent;
      watcher.truncated = truncated;
      watcher.pending.clear();
      watcher.socket.emit(DASHBOARD_EVENTS.resync, {
        orgId: watcher.orgId,
        printers,
        truncated,
        at: Date.now(),
      } satisfies ResyncMessage);
      // The shown printers' other fields follow with the next tick.
      for (const id of watcher.window) {
        const live = sent.get(id);
        if (live) watcher.pending.set(id, { id, ...detailOf(live) });
      }
    } finally {
      const replay = watcher.duringResync;
      watcher.duringResync = null;
      for (const [id, { fleetId, patch }] of replay ?? []) this.stage(watcher, id, fleetId, patch);
    }
  }

  /** Applies one coalesced batch to the local browsers watching its organization. */
  deliver(batch: PrinterBatch): void {
    const watchers = this.byOrg.get(batch.orgId);
    if (!watchers) return;
    for (const watcher of watchers) {
      for (const { id, fleetId, patch } of batch.printers) {
        if (!watcher.duringResync) {
          this.stage(watcher, id, fleetId, patch);
          continue;
        }
        const earlier = watcher.duringResync.get(id);
        watcher.duringResync.set(id, { fleetId, patch: earlier ? { ...earlier.patch, ...patch } : patch });
      }
    }
  }

  /** Queues an organization's events for the local browsers that may read what each is about. */
  deliverOrgEvents(batch: OrgEventsBatch): void {
    const watchers = this.byOrg.get(batch.orgId);
    if (!watchers) return;
    for (const watcher of watchers) {
      for (const { event, fleetId, jobFleetIds } of batch.events) {
        if (this.mayReadEvent(watcher, event, fleetId, jobFleetIds))
          stageOrgEvent(watcher.pendingEvents, orgEventKey(event), event);
      }
    }
  }

  /**
   * Alert events: the socket may read alerts, and the printer. Queue events about a printer (a copy on it, its
   * plate): the socket may read jobs and that printer, as a copy on a printer belongs to its fleet. Queue events
   * about no printer: the socket may read that very job (its fleets). An event naming a printer whose fleet is
   * unknown goes nowhere.
   */
  private mayReadEvent(
    watcher: Watcher,
    event: DashboardOrgEvent,
    fleetId: string | null,
    jobFleetIds: string[] | undefined,
  ): boolean {
    if (event.printerId && (!fleetId || !this.mayRead(watcher, fleetId))) return false;
    if (event.kind === 'detector.changed')
      return watcher.ability.can('read', subject('Detector', { orgId: watcher.orgId }));
    const type = event.kind === 'alert' ? 'Alert' : 'Job';
    const jobOnly = event.kind === 'queue' && !event.printerId;
    const key = jobOnly
      ? `Job:fleets:${jobFleetIds ? [...jobFleetIds].sort().join(',') : '?'}`
      : `${type}:${fleetId ?? ''}`;
    let allowed = watcher.readableEvents.get(key);
    if (allowed === undefined) {
      if (jobOnly)
        allowed = watcher.ability.can('read', subject('Job', { orgId: watcher.orgId, fleetIds: jobFleetIds }));
      else if (type === 'Job') allowed = watcher.ability.can('read', 'Job');
      else {
        const conditions = fleetId ? { orgId: watcher.orgId, fleetId } : { orgId: watcher.orgId };
        allowed = watcher.ability.can('read', subject(type, conditions));
      }
      watcher.readableEvents.set(key, allowed);
    }
    return allowed;
  }

  private stage(watcher: Watcher, id: string, fleetId: string, patch: Partial<PrinterLive>): void {
    if (!this.mayRead(watcher, fleetId)) {
      // Moved out of the caller's fleets: the browser forgets it.
      if (watcher.sent.delete(id)) watcher.pending.set(id, { id, removed: true });
      return;
    }
    const previous = watcher.sent.get(id);
    if (!previous) {
      // A printer this browser has never been told about (just enrolled, or moved in): its row is needed too.
      // Beyond the resync limit every delivery would ask again; those printers wait for paging instead.
      if (!watcher.truncated) this.scheduleResync(watcher);
      return;
    }
    const live: PrinterLive = withAttention({ ...previous, ...patch });
    let changed = diffLive(previous, live);
    if (!changed) return;
    watcher.sent.set(id, live);
    // A printer the browser does not show: only what it counts, filters and sorts by.
    if (watcher.windowed && !watcher.window.has(id)) changed = summaryOf(changed);
    if (!changed) return;
    const pending = watcher.pending.get(id);
    watcher.pending.set(id, pending ? { ...pending, ...changed } : { id, ...changed });
  }

  private mayRead(watcher: Watcher, fleetId: string): boolean {
    let allowed = watcher.readable.get(fleetId);
    if (allowed === undefined) {
      allowed = watcher.ability.can('read', subject('Printer', { orgId: watcher.orgId, fleetId }));
      watcher.readable.set(fleetId, allowed);
    }
    return allowed;
  }

  private scheduleResync(watcher: Watcher, delayMs = 1_000): void {
    if (watcher.resyncTimer) return;
    watcher.resyncTimer = setTimeout(() => {
      watcher.resyncTimer = null;
      this.resync(watcher.socket.id).catch((error: unknown) =>
        this.logger.warn({ err: error }, 'dashboard resync failed'),
      );
    }, delayMs);
    watcher.resyncTimer.unref();
  }

  /** One tick: every browser with pending changes or events gets them, one message of each kind at most. */
  flush(): void {
    const at = Date.now();
    for (const watcher of this.watchers.values()) {
      const sendChanges = watcher.pending.size > 0 && !watcher.duringResync;
      if (!sendChanges && !watcher.pendingEvents.size) continue;
      const buffered = (watcher.socket.conn as unknown as { writeBuffer?: unknown[] }).writeBuffer?.length ?? 0;
      if (buffered > MAX_WRITE_BUFFER) continue;
      if (sendChanges) {
        const changes = [...watcher.pending.values()];
        watcher.pending.clear();
        watcher.socket.emit(DASHBOARD_EVENTS.changed, { changes, at } satisfies ChangedMessage);
      }
      if (watcher.pendingEvents.size) {
        const events: DashboardOrgEvent[] = [...watcher.pendingEvents.values()];
        watcher.pendingEvents.clear();
        watcher.socket.emit(DASHBOARD_EVENTS.orgEvents, events);
      }
    }
  }

  private async control(message: ControlMessage): Promise<void> {
    for (const watcher of [...this.watchers.values()]) {
      const principal = watcher.principal;
      const userId = principal.kind === 'user' ? principal.userId : null;
      switch (message.type) {
        case 'organizationDeleted':
          if (watcher.orgId === message.orgId)
            this.close(watcher, { code: 'organization_deleted', message: 'This organization was deleted' });
          break;
        case 'sessionRevoked':
          if (principal.kind === 'user' && principal.sessionId === message.sessionId)
            this.close(watcher, { code: 'session_ended', message: 'You were signed out' });
          break;
        case 'apiKeyRevoked':
          if (principal.kind === 'apiKey' && principal.keyId === message.keyId)
            this.close(watcher, { code: 'api_key_revoked', message: 'This API key was revoked' });
          break;
        case 'memberRemoved':
          if (watcher.orgId === message.orgId && userId === message.userId)
            this.close(watcher, {
              code: 'membership_changed',
              message: 'You are no longer a member of this organization',
            });
          break;
        case 'membershipChanged':
          if (watcher.orgId === message.orgId && userId === message.userId) await this.rescope(watcher);
          break;
      }
    }
  }

  /** Role or fleet limits changed: reload the membership, rebuild what may be read, send the new picture. */
  private async rescope(watcher: Watcher): Promise<void> {
    try {
      const scoped = await watcher.authenticator.scopeToOrganization(watcher.principal, watcher.orgId);
      const ability = scoped ? defineAbilityFor(scoped) : null;
      if (!scoped || !ability?.can('read', 'Printer')) {
        this.close(watcher, { code: 'membership_changed', message: 'You may no longer watch this organization' });
        return;
      }
      watcher.principal = scoped;
      watcher.ability = ability;
      watcher.socket.data.principal = scoped;
      watcher.readable.clear();
      watcher.readableEvents.clear();
      // Events staged under the old access are dropped rather than re-checked: they are only refetch hints.
      watcher.pendingEvents.clear();
      watcher.validatedAt = Date.now();
      await this.resync(watcher.socket.id);
    } catch (error) {
      this.logger.warn({ err: error }, 'dashboard rescope failed');
    }
  }

  /** Long-lived sockets: sessions expire and keys get revoked without an event; check now and then. */
  private async revalidate(now = Date.now()): Promise<void> {
    if (!this.registry) return;
    for (const watcher of [...this.watchers.values()]) {
      if (now - watcher.validatedAt < REVALIDATE_AFTER_MS) continue;
      watcher.validatedAt = now;
      try {
        const found = await this.registry.authenticate(watcher.credentials);
        if (!found) this.close(watcher, { code: 'session_ended', message: 'Your session has ended; sign in again' });
        else await this.rescope(watcher);
      } catch (error) {
        this.logger.warn({ err: error }, 'dashboard revalidation failed');
      }
    }
  }

  private close(watcher: Watcher, reason: ClosingMessage): void {
    watcher.socket.emit(DASHBOARD_EVENTS.closing, reason);
    this.remove(watcher.socket);
    watcher.socket.disconnect();
  }

  private broadcast(event: string, payload: unknown): void {
    try {
      this.namespace?.serverSideEmit(event, payload);
    } catch (error) {
      this.logger.warn({ err: error }, 'dashboard fan-out failed');
    }
  }
}
