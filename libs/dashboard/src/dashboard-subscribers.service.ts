import { Injectable, Inject, type OnModuleDestroy } from '@nestjs/common';
import {
  defineAbilityFor,
  subject,
  type AppAbility,
  type Authenticator,
  type AuthenticatorRegistry,
  type Credentials,
  type Principal,
  fleetScopeOf,
} from '@farmhand/authz';
import { LOGGER } from '@farmhand/core';
import type { Logger } from 'pino';
import type { Namespace, Socket } from 'socket.io';
import {
  DASHBOARD_EVENTS,
  DASHBOARD_MAX_UPDATES_PER_SECOND,
  OFFLINE_LIVE,
  diffLive,
  type ChangedMessage,
  type ClosingMessage,
  type DashboardOrgEvent,
  type DashboardPrinter,
  type PrinterChange,
  type PrinterLive,
  type ResyncMessage,
} from './dashboard.messages';
import { DashboardFanout, type FanoutReceiver, type PrinterBatch } from './dashboard-fanout';
import { DashboardRepository } from './dashboard.repository';
import { LiveStateStore } from './live-state.store';
import { orgEventKey, stageOrgEvent, type OrgEventsBatch } from './org-events';

/** What one api instance tells the others about access changes (a socket.io server-side event). */
const CONTROL_EVENT = 'dashboard:control';

/** The most printers one resync carries; a farm larger than this needs paging (not built yet). */
export const DASHBOARD_MAX_PRINTERS = 5_000;
/** Sessions and keys are re-checked this often on long-lived sockets (expiry, revoked keys). */
const REVALIDATE_AFTER_MS = 5 * 60_000;
/** How often a browser may ask for a full resync. */
const MIN_REQUESTED_RESYNC_INTERVAL_MS = 3_000;
/** A browser that does not read its socket fast enough gets no new message until it catches up (latest wins). */
const MAX_WRITE_BUFFER = 16;

export type { PrinterBatch } from './dashboard-fanout';

export type ControlMessage =
  | { type: 'membershipChanged'; orgId: string; userId: string }
  | { type: 'memberRemoved'; orgId: string; userId: string }
  | { type: 'sessionRevoked'; sessionId: string }
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
  /** `${subject}:${fleetId}` -> may read jobs or alerts (about a printer of that fleet). */
  readableEvents: Map<string, boolean>;
  /** What this browser was last told per printer; changes are diffed against it. */
  sent: Map<string, PrinterLive>;
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
    private readonly repository: DashboardRepository,
    private readonly liveState: LiveStateStore,
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

  async add(socket: Socket, principal: Principal, authenticator: Authenticator, credentials: Credentials) {
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
      const rows = await this.repository.list(
        watcher.orgId,
        fleetScopeOf(watcher.principal),
        DASHBOARD_MAX_PRINTERS + 1,
      );
      const truncated = rows.length > DASHBOARD_MAX_PRINTERS;
      if (truncated) rows.length = DASHBOARD_MAX_PRINTERS;
      const live = await this.liveState.getMany(
        watcher.orgId,
        rows.map((row) => row.id),
      );
      const printers: DashboardPrinter[] = [];
      const sent = new Map<string, PrinterLive>();
      for (const row of rows) {
        // The SQL scope and the ability agree; checking the ability too keeps one rule in charge.
        if (!this.mayRead(watcher, row.fleetId)) continue;
        const current = live.get(row.id) ?? OFFLINE_LIVE;
        sent.set(row.id, current);
        printers.push({
          id: row.id,
          orgId: row.orgId,
          fleetId: row.fleetId,
          name: row.name,
          model: row.model,
          tags: row.tags,
          storedState: row.state,
          lastSeenAt: row.lastSeenAt ? row.lastSeenAt.toISOString() : null,
          live: current,
        });
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
      for (const { event, fleetId } of batch.events) {
        if (this.mayReadEvent(watcher, event, fleetId)) stageOrgEvent(watcher.pendingEvents, orgEventKey(event), event);
      }
    }
  }

  /**
   * Queue events: the socket may read jobs, and the printer named (if any). Alert events: alerts, and the printer.
   * An event naming a printer whose fleet is unknown goes nowhere.
   */
  private mayReadEvent(watcher: Watcher, event: DashboardOrgEvent, fleetId: string | null): boolean {
    if (event.printerId && (!fleetId || !this.mayRead(watcher, fleetId))) return false;
    const type = event.kind === 'alert' ? 'Alert' : 'Job';
    const key = `${type}:${fleetId ?? ''}`;
    let allowed = watcher.readableEvents.get(key);
    if (allowed === undefined) {
      const conditions = fleetId ? { orgId: watcher.orgId, fleetId } : { orgId: watcher.orgId };
      allowed = watcher.ability.can('read', subject(type, conditions));
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
    const live: PrinterLive = { ...previous, ...patch };
    const changed = diffLive(previous, live);
    if (!changed) return;
    watcher.sent.set(id, live);
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
