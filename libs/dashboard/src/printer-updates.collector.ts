import { Inject, Injectable, type OnModuleDestroy } from '@nestjs/common';
import { OnEvent } from '@nestjs/event-emitter';
import type { AgentsEventMap } from '@farmhand/agents';
import { LOGGER } from '@farmhand/core';
import type { Logger } from 'pino';
import { DashboardSubscribers, type PrinterBatch } from './dashboard-subscribers.service';
import { OFFLINE_LIVE, liveFromStatus, type PrinterLive } from './dashboard.messages';
import { LiveStateStore } from './live-state.store';
import { PrinterPlacements } from './printer-placements';

/** The printer events the dashboard forwards (emitted by libs/agents on the instance holding the agent's socket). */
export type PrinterSourceEvents = Pick<
  AgentsEventMap,
  'printer.status' | 'printer.stateChanged' | 'printer.online' | 'printer.offline'
>;

/** Changes are gathered this long on the receiving instance before one batch per organization goes out. */
export const COLLECT_WINDOW_MS = 100;
/** Live views kept in memory for printers whose agents are connected here; beyond this, Redis is read. */
const MAX_CACHED = 50_000;

/**
 * First stage of the dashboard's fan-out, on the api instance that received a printer's events: merges them per
 * printer (latest wins), resolves each printer's fleet, stores the live view in Redis for resyncs, and hands one
 * batch per organization to every instance's subscribers.
 */
@Injectable()
export class PrinterUpdatesCollector implements OnModuleDestroy {
  private buffer = new Map<string, { orgId: string; patch: Partial<PrinterLive> }>();
  private readonly current = new Map<string, PrinterLive>();
  private timer: NodeJS.Timeout | null = null;
  private flushing: Promise<void> = Promise.resolve();

  constructor(
    private readonly placements: PrinterPlacements,
    private readonly liveState: LiveStateStore,
    private readonly subscribers: DashboardSubscribers,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {}

  @OnEvent('printer.status')
  onStatus(event: PrinterSourceEvents['printer.status']): void {
    this.stage(event.orgId, event.printerId, liveFromStatus(event.status));
  }

  @OnEvent('printer.stateChanged')
  onStateChanged(event: PrinterSourceEvents['printer.stateChanged']): void {
    this.stage(event.orgId, event.printerId, { state: event.to });
  }

  @OnEvent('printer.online')
  onOnline(event: PrinterSourceEvents['printer.online']): void {
    this.stage(event.orgId, event.printerId, { online: true });
  }

  @OnEvent('printer.offline')
  onOffline(event: PrinterSourceEvents['printer.offline']): void {
    this.stage(event.orgId, event.printerId, { ...OFFLINE_LIVE });
  }

  onModuleDestroy(): void {
    if (this.timer) clearTimeout(this.timer);
  }

  /** Waits until everything staged so far has been handed to the subscribers (tests, shutdown). */
  async drain(): Promise<void> {
    if (this.timer) {
      clearTimeout(this.timer);
      this.timer = null;
      this.flushing = this.flushing.then(() => this.flush());
    }
    await this.flushing;
  }

  private stage(orgId: string, printerId: string, patch: Partial<PrinterLive>): void {
    if (typeof orgId !== 'string' || typeof printerId !== 'string') return;
    const staged = this.buffer.get(printerId);
    if (staged && staged.orgId === orgId) Object.assign(staged.patch, patch);
    else this.buffer.set(printerId, { orgId, patch: { ...patch } });
    this.timer ??= setTimeout(() => {
      this.timer = null;
      // Flushes never overlap: the next one starts when the previous one has finished.
      this.flushing = this.flushing.then(() => this.flush());
    }, COLLECT_WINDOW_MS);
  }

  private async flush(): Promise<void> {
    const staged = this.buffer;
    if (!staged.size) return;
    this.buffer = new Map();
    try {
      const placements = await this.placements.resolve([...staged.keys()]);
      const byOrg = new Map<string, Array<{ id: string; fleetId: string; patch: Partial<PrinterLive> }>>();
      for (const [id, { orgId, patch }] of staged) {
        const placement = placements.get(id);
        // An event naming another organization than the printer's own is dropped, never forwarded.
        if (!placement || placement.orgId !== orgId) continue;
        let list = byOrg.get(orgId);
        if (!list) byOrg.set(orgId, (list = []));
        list.push({ id, fleetId: placement.fleetId, patch });
      }
      for (const [orgId, printers] of byOrg) await this.publishOrg(orgId, printers);
    } catch (error) {
      this.logger.warn({ err: error }, 'dashboard updates dropped');
    }
  }

  private async publishOrg(
    orgId: string,
    printers: Array<{ id: string; fleetId: string; patch: Partial<PrinterLive> }>,
  ): Promise<void> {
    const unknown = printers.filter((printer) => !this.current.has(printer.id)).map((printer) => printer.id);
    const stored = await this.liveState.getMany(orgId, unknown);
    const batch: PrinterBatch = { orgId, printers: [] };
    const entries: Array<[string, PrinterLive]> = [];
    for (const { id, fleetId, patch } of printers) {
      const live: PrinterLive = { ...(this.current.get(id) ?? stored.get(id) ?? OFFLINE_LIVE), ...patch };
      if (live.online) {
        if (this.current.size >= MAX_CACHED) this.current.clear();
        this.current.set(id, live);
      } else this.current.delete(id);
      entries.push([id, live]);
      batch.printers.push({ id, fleetId, live });
    }
    await this.liveState.setMany(orgId, entries);
    this.subscribers.publish(batch);
  }
}
