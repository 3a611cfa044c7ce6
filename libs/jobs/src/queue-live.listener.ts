import { Inject, Injectable, type OnModuleInit } from '@nestjs/common';
import { OnEvent } from '@nestjs/event-emitter';
import { LOGGER, type DomainEventMap } from '@farmhand/core';
import {
  DashboardPublisher,
  PrinterFacts,
  type DashboardOrgEvent,
  type PrinterFactsSource,
  type PrinterLive,
} from '@farmhand/dashboard';
import type { Logger } from 'pino';
import { CopiesRepository } from './copies.repository';
import { JobsRepository } from './jobs.repository';

type QueueEvent = Extract<DashboardOrgEvent, { kind: 'queue' }>;

type QueueFacts = Pick<PrinterLive, 'bedToClear' | 'copyInProgress'>;

/**
 * Tells browsers that the queue changed, from whichever process changed it (the api for operators' actions and
 * agents' print events, the worker for scheduler assignments and dispatch outcomes). Job events carry the change
 * as `state` (`created`, `updated`, `held`, `released`, `reordered`, `cancelled`, `deleted`) and no copy; copy
 * events carry the copy's new state; a cleared bed carries `bed_cleared` and the copy that was on it. An event
 * about no printer goes with its job's fleets, so only browsers that may read that job hear of it. It also keeps the
 * queue's facts in each printer's live view (what waits on the bed, a copy in progress), from which the dashboard
 * computes whether a printer needs a hand.
 */
@Injectable()
export class QueueLiveListener implements OnModuleInit, PrinterFactsSource {
  constructor(
    private readonly publisher: DashboardPublisher,
    private readonly facts: PrinterFacts,
    private readonly jobs: JobsRepository,
    private readonly copies: CopiesRepository,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {}

  onModuleInit(): void {
    this.facts.register(this);
  }

  /** The queue's facts about printers, from `printer_beds` and the active copies (the same rules as readiness). */
  async factsOf(orgId: string, printerIds: string[]): Promise<Map<string, QueueFacts>> {
    const [beds, active] = await Promise.all([
      this.copies.findBeds(printerIds),
      this.copies.activeOnPrinters(printerIds),
    ]);
    const found = new Map<string, QueueFacts>();
    for (const id of printerIds) found.set(id, { bedToClear: null, copyInProgress: false });
    for (const bed of beds) {
      const facts = bed.orgId === orgId ? found.get(bed.printerId) : undefined;
      if (facts && !bed.clear) facts.bedToClear = 'leftover';
    }
    for (const copy of active) {
      const facts = copy.orgId === orgId && copy.printerId ? found.get(copy.printerId) : undefined;
      if (!facts) continue;
      if (copy.state === 'awaiting_bed_clear') facts.bedToClear = 'finished';
      else facts.copyInProgress = true;
    }
    return found;
  }

  /** `printerBed.occupied`: a print started outside Farmhand ended and left its plate. */
  @OnEvent('printerBed.occupied')
  onBedOccupied(event: DomainEventMap['printerBed.occupied']): void {
    this.refreshFacts(event.orgId, event.printerId);
  }

  @OnEvent('printJob.created')
  onJobCreated(event: DomainEventMap['printJob.created']): void {
    this.publish(event.orgId, { jobId: event.jobId, copyId: null, printerId: null, state: 'created' });
  }

  @OnEvent('printJob.updated')
  onJobUpdated(event: DomainEventMap['printJob.updated']): void {
    this.publish(event.orgId, { jobId: event.jobId, copyId: null, printerId: null, state: event.change });
  }

  @OnEvent('printJob.cancelled')
  onJobCancelled(event: DomainEventMap['printJob.cancelled']): void {
    this.publish(event.orgId, { jobId: event.jobId, copyId: null, printerId: null, state: 'cancelled' });
  }

  @OnEvent('printJob.deleted')
  onJobDeleted(event: DomainEventMap['printJob.deleted']): void {
    this.publish(event.orgId, { jobId: event.jobId, copyId: null, printerId: null, state: 'deleted' });
  }

  @OnEvent('printCopy.stateChanged')
  onCopyMoved(event: DomainEventMap['printCopy.stateChanged']): void {
    if (event.printerId) this.refreshFacts(event.orgId, event.printerId);
    this.publish(event.orgId, {
      jobId: event.jobId,
      copyId: event.copyId,
      printerId: event.printerId,
      state: event.to,
    });
  }

  @OnEvent('printCopy.requeued')
  onCopyRequeued(event: DomainEventMap['printCopy.requeued']): void {
    this.publish(event.orgId, { jobId: event.jobId, copyId: event.copyId, printerId: null, state: 'queued' });
  }

  /** A plate cleared after a print of the queue; a plate left by a print started outside Farmhand has no job. */
  @OnEvent('printerBed.cleared')
  onBedCleared(event: DomainEventMap['printerBed.cleared']): void {
    this.refreshFacts(event.orgId, event.printerId);
    if (!event.jobId) return;
    this.publish(event.orgId, {
      jobId: event.jobId,
      copyId: event.copyId ?? null,
      printerId: event.printerId,
      state: 'bed_cleared',
    });
  }

  /** Reads the printer's queue facts after the change committed and hands them to the dashboard. */
  private refreshFacts(orgId: string, printerId: string): void {
    this.factsOf(orgId, [printerId]).then(
      (found) => {
        const facts = found.get(printerId);
        if (facts) this.publisher.publishPrinterPatch(orgId, printerId, facts);
      },
      (error: unknown) => this.logger.warn({ err: error, orgId, printerId }, 'queue facts not refreshed'),
    );
  }

  private publish(orgId: string, fields: Omit<QueueEvent, 'kind' | 'at'>): void {
    const event: QueueEvent = { kind: 'queue', ...fields, at: new Date().toISOString() };
    if (event.printerId) {
      this.publisher.publishOrgEvent(orgId, event);
      return;
    }
    // Without its job's fleets the hint still reaches whoever may read every job.
    this.jobs.fleetIdsOf(event.jobId).then(
      (jobFleetIds) => this.publisher.publishOrgEvent(orgId, event, { jobFleetIds: jobFleetIds ?? undefined }),
      (error: unknown) => {
        this.logger.warn({ err: error, orgId }, 'queue event sent without its job fleets');
        this.publisher.publishOrgEvent(orgId, event);
      },
    );
  }
}
