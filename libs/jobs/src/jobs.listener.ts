import { Inject, Injectable } from '@nestjs/common';
import { OnEvent } from '@nestjs/event-emitter';
import { LOGGER, type DomainEventMap } from '@farmhand/core';
import type { Logger } from 'pino';
import { CopiesService } from './copies.service';
import { SchedulerService } from './scheduler/scheduler.service';

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
    @Inject(LOGGER) private readonly logger: Logger,
  ) {}

  @OnEvent('printer.printEvent')
  async onPrintEvent(event: DomainEventMap['printer.printEvent']): Promise<void> {
    await this.safely('printer.printEvent', () => this.copies.onPrintEvent(event));
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
