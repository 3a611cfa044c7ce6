import { Inject, Injectable } from '@nestjs/common';
import { OnEvent } from '@nestjs/event-emitter';
import { JobQueue, LOGGER, type DomainEventMap } from '@farmhand/core';
import type { Logger } from 'pino';
import { CopiesService } from './copies.service';
import { SchedulerService } from './scheduler/scheduler.service';

/** About 2.3 hours of retries (2 s doubling, last wait about an hour): outlives a database failover or restart. */
export const PRINT_EVENT_RETRY = { attempts: 12, backoff: { type: 'exponential', delay: 2_000 } } as const;

/**
 * The queue reacting to the rest of Farmhand: agents' print events move copies; a printer coming online or
 * operational, a cleared bed, a new, released, reordered or requeued job asks for a scheduler pass (coalesced per
 * organization, run by the worker). Listeners never throw into the emitter: failures are logged, and the periodic
 * tick covers a missed pass.
 */
@Injectable()
export class JobsListener {
  constructor(
    private readonly copies: CopiesService,
    private readonly scheduler: SchedulerService,
    private readonly jobs: JobQueue,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {}

  /**
   * The agent's event is acknowledged (and deduplicated) before this runs, so a failure here would lose the copy's
   * transition: on failure the event goes to the worker, which retries it with backoff until the database is back.
   */
  @OnEvent('printer.printEvent')
  async onPrintEvent(event: DomainEventMap['printer.printEvent']): Promise<void> {
    try {
      await this.copies.onPrintEvent(event);
    } catch (error) {
      this.logger.warn({ err: error, printerId: event.printerId, eventId: event.eventId }, 'print event deferred');
      await this.safely('printer.printEvent', () =>
        this.jobs.enqueue('copy.printEvent', { ...event }, PRINT_EVENT_RETRY),
      );
    }
  }

  @OnEvent('printer.offline')
  async onOffline(event: DomainEventMap['printer.offline']): Promise<void> {
    await this.safely('printer.offline', () => this.copies.onPrinterOffline(event.orgId, event.printerId));
  }

  @OnEvent('printer.online')
  async onOnline(event: DomainEventMap['printer.online']): Promise<void> {
    await this.safely('printer.online', async () => {
      await this.copies.onPrinterOnline(event.orgId, event.printerId);
      await this.scheduler.request(event.orgId, 'printer online');
    });
  }

  @OnEvent('printer.stateChanged')
  async onStateChanged(event: DomainEventMap['printer.stateChanged']): Promise<void> {
    if (event.to === 'operational')
      await this.safely('printer.stateChanged', () => this.scheduler.request(event.orgId, 'printer operational'));
    // A reconnecting agent's first status (written to Redis before this event) says what it is printing.
    if (event.to === 'printing' || event.to === 'paused')
      await this.safely('printer.stateChanged', () => this.copies.onPrinterOnline(event.orgId, event.printerId));
  }

  @OnEvent('printerBed.cleared')
  async onBedCleared(event: DomainEventMap['printerBed.cleared']): Promise<void> {
    await this.safely('printerBed.cleared', () => this.scheduler.request(event.orgId, 'bed cleared'));
  }

  @OnEvent('printJob.created')
  async onJobCreated(event: DomainEventMap['printJob.created']): Promise<void> {
    await this.safely('printJob.created', () => this.scheduler.request(event.orgId, 'job created'));
  }

  @OnEvent('printJob.updated')
  async onJobUpdated(event: DomainEventMap['printJob.updated']): Promise<void> {
    if (event.change === 'held') return;
    await this.safely('printJob.updated', () => this.scheduler.request(event.orgId, `job ${event.change}`));
  }

  /**
   * Only an operator's requeue asks for a pass at once. A dispatch that put its copy back (printer offline or
   * busy) waits for the printer's next transition or the tick, so a printer that keeps refusing cannot loop.
   */
  @OnEvent('printCopy.requeued')
  async onCopyRequeued(event: DomainEventMap['printCopy.requeued']): Promise<void> {
    await this.safely('printCopy.requeued', () => this.scheduler.request(event.orgId, 'copy requeued'));
  }

  private async safely(event: string, work: () => Promise<unknown>): Promise<void> {
    try {
      await work();
    } catch (error) {
      this.logger.error({ event, err: error }, 'print queue could not react to an event');
    }
  }
}
