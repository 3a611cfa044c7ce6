import { Inject, Injectable, Optional } from '@nestjs/common';
import { AuditService } from '@farmhand/audit';
import {
  APP_CONFIG,
  DomainEvents,
  isUniqueViolation,
  JobQueue,
  LOGGER,
  MetricsService,
  type AppConfig,
} from '@farmhand/core';
import { MaintenanceDirectory } from '@farmhand/maintenance';
import { SpoolDirectory } from '@farmhand/spools';
import type { Logger } from 'pino';
import { DataSource } from 'typeorm';
import { PRINTER_LINK, type PrinterLink } from '../printer-link';
import { matchCopies } from './matching';
import { SchedulerRepository, type AssignedCopy } from './scheduler.repository';

/** The stagger's window: at most SCHEDULER_MAX_STARTS_PER_FLEET_PER_MINUTE assignments per fleet within it. */
const STAGGER_WINDOW_SECONDS = 60;
/** An assignment whose dispatch never began after this long had its enqueue lost: the tick sends it again. */
const STALE_ASSIGNMENT_SECONDS = 120;
const PASS_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];

export interface PassResult {
  assigned: AssignedCopy[];
  /** Fleets another pass was working on, left to it. */
  skippedFleets: number;
  candidates: number;
}

/** The BullMQ job id of one dispatch attempt: re-enqueueing the same attempt is a no-op while the job exists. */
export function dispatchJobId(copyId: string, attempt: number): string {
  return `dispatch-${copyId}-${attempt}`;
}

/**
 * One scheduler pass. Reads the ready printers, asks Redis which are online, then per organization in one
 * transaction: takes the scheduler lock of each fleet it can (pg_try_advisory_xact_lock, skipping fleets another
 * pass holds), locks those fleets' ready printers (FOR NO KEY UPDATE SKIP LOCKED) and re-reads their readiness
 * under the locks, reads the stagger budget, matches jobs in queue order to printers in memory, locks the chosen
 * queued copies (FOR UPDATE SKIP LOCKED) and assigns them with their attempt rows in one statement. The unique
 * index on active copies per printer backs all of this: a pass that would break it fails and is retried. After the
 * commit, one dispatch job per assignment.
 */
@Injectable()
export class SchedulerService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly repository: SchedulerRepository,
    private readonly audit: AuditService,
    private readonly queue: JobQueue,
    private readonly events: DomainEvents,
    private readonly spools: SpoolDirectory,
    private readonly maintenance: MaintenanceDirectory,
    @Inject(PRINTER_LINK) private readonly link: PrinterLink,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @Inject(LOGGER) private readonly logger: Logger,
    @Optional() private readonly metrics?: MetricsService,
  ) {}

  /** Asks for a pass soon. Passes for one organization coalesce: one running, at most one waiting. */
  async request(orgId: string | null, reason: string): Promise<void> {
    await this.queue.enqueue(
      'scheduler.pass',
      { orgId, reason },
      { deduplication: { id: `scheduler-pass-${orgId ?? 'all'}`, keepLastIfActive: true } },
    );
  }

  /** A pass, observed: `farmhand_scheduler_pass_seconds` (scope, outcome), `farmhand_scheduler_assignments_total`. */
  async pass(orgId: string | null): Promise<PassResult> {
    const scope = orgId ? 'organization' : 'all';
    const stop = this.metrics
      ?.histogram('farmhand_scheduler_pass_seconds', 'Scheduler pass duration', ['scope', 'outcome'], PASS_BUCKETS)
      .startTimer({ scope });
    try {
      const result = await this.runPass(orgId);
      stop?.({ outcome: 'completed' });
      this.metrics
        ?.counter('farmhand_scheduler_assignments_total', 'Print copies assigned to printers by scheduler passes')
        .inc(result.assigned.length);
      return result;
    } catch (error) {
      stop?.({ outcome: 'failed' });
      throw error;
    }
  }

  private async runPass(orgId: string | null): Promise<PassResult> {
    await this.cancelStrandedPins(orgId);
    const candidates = await this.repository.readyPrinters(this.dataSource.manager, { orgId });
    const result: PassResult = { assigned: [], skippedFleets: 0, candidates: candidates.length };
    if (!candidates.length) return result;
    const online = await this.link.onlineAmong(candidates.map((printer) => printer.id));
    const byOrg = new Map<string, string[]>();
    for (const printer of candidates) {
      if (!online.has(printer.id)) continue;
      byOrg.set(printer.orgId, [...(byOrg.get(printer.orgId) ?? []), printer.id]);
    }
    for (const [org, printerIds] of byOrg) {
      const outcome = await this.passForOrg(org, printerIds);
      result.assigned.push(...outcome.assigned);
      result.skippedFleets += outcome.skippedFleets;
    }
    await this.dispatch(result.assigned);
    return result;
  }

  /** Pinned copies whose printer is gone or out of the job's fleets: cancelled with the reason, audited, shown live. */
  private async cancelStrandedPins(orgId: string | null): Promise<void> {
    const cancelled = await this.dataSource.transaction(async (manager) => {
      const copies = await this.repository.cancelStrandedPins(manager, orgId);
      const byOrg = new Map<string, typeof copies>();
      for (const copy of copies) byOrg.set(copy.orgId, [...(byOrg.get(copy.orgId) ?? []), copy]);
      for (const [org, ofOrg] of byOrg) {
        await this.audit.record(manager, {
          orgId: org,
          principal: { kind: 'system', orgId: org, reason: 'print scheduler' },
          action: 'scheduler.pinCancelled',
          subject: { type: 'Job' },
          details: { copies: ofOrg.slice(0, 100).map(({ copyId, jobId, reason }) => ({ copyId, jobId, reason })) },
        });
      }
      return copies;
    });
    for (const copy of cancelled) {
      this.events.emit('printCopy.stateChanged', {
        orgId: copy.orgId,
        jobId: copy.jobId,
        copyId: copy.copyId,
        printerId: null,
        from: 'queued',
        to: 'cancelled',
      });
    }
  }

  /** The transactional core, for one organization's online candidate printers. Does not enqueue dispatches. */
  async passForOrg(orgId: string, printerIds: string[]): Promise<{ assigned: AssignedCopy[]; skippedFleets: number }> {
    for (let attempt = 1; ; attempt++) {
      try {
        return await this.assignInTransaction(orgId, printerIds);
      } catch (error) {
        // Another pass committed an assignment our snapshot could not see: the index refused; read again.
        if (attempt < 3 && isUniqueViolation(error, 'print_copies_printer_active_unique')) continue;
        throw error;
      }
    }
  }

  private async assignInTransaction(orgId: string, printerIds: string[]) {
    const maxStarts = this.config.SCHEDULER_MAX_STARTS_PER_FLEET_PER_MINUTE;
    return this.dataSource.transaction(async (manager) => {
      const unlocked = await this.repository.readyPrinters(manager, { orgId, printerIds });
      const fleets = [...new Set(unlocked.map((printer) => printer.fleetId))];
      const held = await this.repository.tryLockFleets(manager, fleets);
      const skippedFleets = fleets.length - held.length;
      if (!held.length) return { assigned: [], skippedFleets };
      // Under the fleet locks, a fresh statement sees every assignment committed before them.
      const lockedPrinters = await this.repository.readyPrinters(manager, {
        orgId,
        printerIds,
        fleetIds: held,
        lock: true,
      });
      // A printer an overdue maintenance task holds takes nothing until someone completes the task.
      const onHold = await this.maintenance.heldAmong(
        manager,
        lockedPrinters.map((printer) => printer.id),
      );
      const printers = lockedPrinters.filter((printer) => !onHold.has(printer.id));
      if (!printers.length) return { assigned: [], skippedFleets };
      // What is loaded and how much is left: a copy goes only where its material, colour and filament are.
      const loaded = await this.spools.loadedOn(
        printers.map((printer) => printer.id),
        manager,
      );
      for (const printer of printers) printer.spools = loaded.get(printer.id) ?? [];
      // The AMS trays the agents report speak for printers whose spools nobody tracks.
      const untracked = printers.filter((printer) => !printer.spools.length).map((printer) => printer.id);
      const reported = untracked.length ? await this.link.filamentSlotsAmong?.(untracked) : undefined;
      for (const printer of printers) {
        const trays = reported?.get(printer.id);
        if (trays) printer.reportedSlots = trays.map((tray) => ({ ...tray, remainingGrams: null }));
      }
      const recent = await this.repository.recentStarts(manager, held, STAGGER_WINDOW_SECONDS);
      const budget = new Map(held.map((fleetId) => [fleetId, maxStarts - (recent.get(fleetId) ?? 0)]));
      if (![...budget.values()].some((left) => left > 0)) return { assigned: [], skippedFleets };

      const jobs = await this.repository.queuedJobs(manager, orgId, held);
      const matches = matchCopies(jobs, printers, budget);
      if (!matches.length) return { assigned: [], skippedFleets };
      const wanted = new Map<string, number>();
      for (const match of matches) wanted.set(match.jobId, (wanted.get(match.jobId) ?? 0) + 1);
      const locked = await this.repository.lockQueuedCopies(manager, wanted);
      // Copies another pass holds are skipped; their printers simply stay free for the next pass.
      const pairs: { copyId: string; printerId: string; fleetId: string }[] = [];
      for (const match of matches) {
        const copyId = locked.get(match.jobId)?.shift();
        if (copyId) pairs.push({ copyId, printerId: match.printerId, fleetId: match.fleetId });
      }
      const assigned = await this.repository.assign(manager, pairs);
      if (assigned.length) {
        await this.audit.record(manager, {
          orgId,
          principal: { kind: 'system', orgId, reason: 'print scheduler' },
          action: 'scheduler.assigned',
          subject: { type: 'Job' },
          details: {
            count: assigned.length,
            assignments: assigned
              .slice(0, 100)
              .map((copy) => ({ copyId: copy.copyId, printerId: copy.printerId, attempt: copy.attempt })),
          },
        });
      }
      return { assigned, skippedFleets };
    });
  }

  /** Enqueues one dispatch per assignment, and tells live views. A lost enqueue is redone by the tick. */
  async dispatch(assigned: AssignedCopy[]): Promise<void> {
    for (const copy of assigned) {
      this.events.emit('printCopy.stateChanged', {
        orgId: copy.orgId,
        jobId: copy.jobId,
        copyId: copy.copyId,
        printerId: copy.printerId,
        from: 'queued',
        to: 'assigned',
      });
      try {
        await this.enqueueDispatch(copy);
      } catch (error) {
        this.logger.error({ copyId: copy.copyId, err: error }, 'could not enqueue a dispatch; the tick will retry');
      }
    }
  }

  private async enqueueDispatch(copy: AssignedCopy): Promise<void> {
    await this.queue.enqueue(
      'copy.dispatch',
      { orgId: copy.orgId, copyId: copy.copyId, printerId: copy.printerId, attempt: copy.attempt },
      { jobId: dispatchJobId(copy.copyId, copy.attempt) },
    );
  }

  /** The periodic safety net: re-enqueue dispatches that were never started, then a pass over every organization. */
  async tick(): Promise<PassResult> {
    const stale = await this.repository.staleAssignments(this.dataSource.manager, STALE_ASSIGNMENT_SECONDS);
    const dispatchQueue = this.queue.queueFor('copy.dispatch');
    for (const copy of stale) {
      const existing = await dispatchQueue.getJob(dispatchJobId(copy.copyId, copy.attempt));
      // A dispatch that failed before it could move the copy (database down through every retry) runs again.
      if (existing && (await existing.isFailed())) await existing.retry('failed');
      else if (!existing) await this.enqueueDispatch(copy);
    }
    return this.pass(null);
  }
}
