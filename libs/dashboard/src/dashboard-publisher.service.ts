import { Inject, Injectable, type OnModuleDestroy } from '@nestjs/common';
import { LOGGER } from '@farmhand/core';
import type { Logger } from 'pino';
import { DashboardFanout, type PrinterBatch } from './dashboard-fanout';
import { COMPUTED_LIVE_FIELDS, OFFLINE_LIVE, type DashboardOrgEvent, type PrinterLive } from './dashboard.messages';
import { LiveStateStore, type LivePatch } from './live-state.store';
import { orgEventKey, stageOrgEvent, type OrgEventsBatch } from './org-events';
import { PrinterPlacements } from './printer-placements';

interface StagedOrgEvent {
  event: DashboardOrgEvent;
  jobFleetIds?: string[];
}

/** Changes are gathered this long in the publishing process before one batch per organization goes out. */
export const COLLECT_WINDOW_MS = 100;
const LIVE_FIELDS = new Set(
  Object.keys(OFFLINE_LIVE).filter((key) => !(COMPUTED_LIVE_FIELDS as readonly string[]).includes(key)),
);

/**
 * How any role tells browsers that something changed: a printer's live fields (merged into the live view in Redis,
 * delivered as `printers.changed`) or an organization event (delivered as `org.events`). Gathers for
 * COLLECT_WINDOW_MS, resolves each printer's organization and fleet (an event naming another organization than
 * the printer's own is dropped), then hands one batch per organization to every api instance.
 */
@Injectable()
export class DashboardPublisher implements OnModuleDestroy {
  private patches = new Map<string, { orgId: string; patch: Partial<PrinterLive>; fromAgent: boolean }>();
  private events = new Map<string, Map<string, StagedOrgEvent>>();
  private timer: NodeJS.Timeout | null = null;
  private flushing: Promise<void> = Promise.resolve();

  constructor(
    private readonly placements: PrinterPlacements,
    private readonly liveState: LiveStateStore,
    private readonly fanout: DashboardFanout,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {}

  /**
   * Sets live fields of a printer (the detector: `failureScore`, `snapshotAt`, `openAlert`; the queue: `bedToClear`,
   * `copyInProgress`); unknown and computed fields are ignored.
   */
  publishPrinterPatch(orgId: string, printerId: string, patch: Partial<PrinterLive>): void {
    this.stagePatch(orgId, printerId, patch, false);
  }

  /** What the printer's agent reported (the api instance holding its socket): also marks the agent as heard. */
  publishAgentPatch(orgId: string, printerId: string, patch: Partial<PrinterLive>): void {
    this.stagePatch(orgId, printerId, patch, true);
  }

  /**
   * `jobFleetIds`: for a queue event about no printer, the fleets its job may print on, so that only sockets that may
   * read the job hear of it (without them, a fleet-limited socket does not).
   */
  publishOrgEvent(orgId: string, event: DashboardOrgEvent, scope: { jobFleetIds?: string[] } = {}): void {
    if (typeof orgId !== 'string') return;
    let pending = this.events.get(orgId);
    if (!pending) this.events.set(orgId, (pending = new Map()));
    stageOrgEvent(pending, orgEventKey(event), { event, jobFleetIds: scope.jobFleetIds });
    this.schedule();
  }

  onModuleDestroy(): void {
    if (this.timer) clearTimeout(this.timer);
  }

  /** Waits until everything staged so far has been handed to the fan-out (tests, shutdown). */
  async drain(): Promise<void> {
    if (this.timer) {
      clearTimeout(this.timer);
      this.timer = null;
      this.flushing = this.flushing.then(() => this.flush());
    }
    await this.flushing;
  }

  private stagePatch(orgId: string, printerId: string, patch: Partial<PrinterLive>, fromAgent: boolean): void {
    if (typeof orgId !== 'string' || typeof printerId !== 'string') return;
    const known = Object.fromEntries(Object.entries(patch).filter(([key]) => LIVE_FIELDS.has(key)));
    if (!Object.keys(known).length && !fromAgent) return;
    const staged = this.patches.get(printerId);
    if (staged && staged.orgId === orgId) {
      Object.assign(staged.patch, known);
      staged.fromAgent ||= fromAgent;
    } else this.patches.set(printerId, { orgId, patch: known, fromAgent });
    this.schedule();
  }

  private schedule(): void {
    this.timer ??= setTimeout(() => {
      this.timer = null;
      // Flushes never overlap: the next one starts when the previous one has finished.
      this.flushing = this.flushing.then(() => this.flush());
    }, COLLECT_WINDOW_MS);
  }

  private async flush(): Promise<void> {
    const patches = this.patches;
    const events = this.events;
    if (!patches.size && !events.size) return;
    this.patches = new Map();
    this.events = new Map();
    try {
      const printerIds = new Set(patches.keys());
      for (const pending of events.values())
        for (const { event } of pending.values()) if (event.printerId) printerIds.add(event.printerId);
      const placements = await this.placements.resolve([...printerIds]);
      const fleetOf = (orgId: string, printerId: string) => {
        const placement = placements.get(printerId);
        return placement && placement.orgId === orgId ? placement.fleetId : null;
      };

      const byOrg = new Map<string, { batch: PrinterBatch; stored: LivePatch[] }>();
      for (const [id, { orgId, patch, fromAgent }] of patches) {
        const fleetId = fleetOf(orgId, id);
        if (!fleetId) continue;
        let entry = byOrg.get(orgId);
        if (!entry) byOrg.set(orgId, (entry = { batch: { orgId, printers: [] }, stored: [] }));
        entry.stored.push({ printerId: id, patch, fromAgent });
        if (Object.keys(patch).length) entry.batch.printers.push({ id, fleetId, patch });
      }
      for (const [orgId, { batch, stored }] of byOrg) {
        await this.liveState.merge(orgId, stored);
        if (batch.printers.length) this.fanout.publishPatches(batch);
      }

      for (const [orgId, pending] of events) {
        const batch: OrgEventsBatch = { orgId, events: [] };
        for (const { event, jobFleetIds } of pending.values()) {
          const fleetId = event.printerId ? fleetOf(orgId, event.printerId) : null;
          if (event.printerId && !fleetId) continue;
          batch.events.push(jobFleetIds ? { event, fleetId, jobFleetIds } : { event, fleetId });
        }
        if (batch.events.length) this.fanout.publishOrgEvents(batch);
      }
    } catch (error) {
      this.logger.warn({ err: error }, 'dashboard updates dropped');
    }
  }
}
