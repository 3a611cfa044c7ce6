import { Inject, Injectable } from '@nestjs/common';
import { OnEvent } from '@nestjs/event-emitter';
import { JobQueue, LOGGER, type DomainEventMap } from '@farmhand/core';
import type { Logger } from 'pino';
import { ReportsRepository } from './reports.repository';
import { RollupsRepository, type Day } from './rollups.repository';

const ENDED = new Set(['done', 'failed', 'cancelled', 'awaiting_bed_clear']);
const dayOf = (at: Date): Day => at.toISOString().slice(0, 10);
const nextDay = (day: Day): Day => dayOf(new Date(Date.parse(`${day}T00:00:00Z`) + 86_400_000));

/**
 * Keeps the reports' own records as Farmhand runs: each persisted printer state opens an interval (utilisation),
 * each print's end and each cleared plate rebuilds that day's rollups in the worker. Listeners never throw into
 * the emitter; the periodic refresh covers a missed print.
 */
@Injectable()
export class ReportsListener {
  constructor(
    private readonly reports: ReportsRepository,
    private readonly rollups: RollupsRepository,
    private readonly jobs: JobQueue,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {}

  @OnEvent('printer.stateChanged')
  async onStateChanged(event: DomainEventMap['printer.stateChanged']): Promise<void> {
    await this.safely('printer.stateChanged', () =>
      this.reports.recordState(event.orgId, event.printerId, event.to, new Date()),
    );
  }

  @OnEvent('printCopy.stateChanged')
  async onCopyStateChanged(event: DomainEventMap['printCopy.stateChanged']): Promise<void> {
    if (!ENDED.has(event.to)) return;
    await this.safely('printCopy.stateChanged', () => this.refreshDay(event.orgId, dayOf(new Date())));
  }

  @OnEvent('printerBed.cleared')
  async onBedCleared(event: DomainEventMap['printerBed.cleared']): Promise<void> {
    if (!event.copyId) return;
    await this.safely('printerBed.cleared', async () => {
      const day = await this.rollups.endedDay(event.orgId, event.copyId!);
      if (day) await this.refreshDay(event.orgId, day);
    });
  }

  /** One rebuild per organization and day waiting at a time, however many prints end meanwhile. */
  private async refreshDay(orgId: string, day: Day): Promise<void> {
    await this.jobs.enqueue(
      'reports.refresh',
      { orgId, from: day, to: nextDay(day) },
      { deduplication: { id: `reports-refresh-${orgId}-${day}`, keepLastIfActive: true } },
    );
  }

  private async safely(event: string, work: () => Promise<void>): Promise<void> {
    try {
      await work();
    } catch (error) {
      this.logger.warn({ err: error, event }, 'reports listener failed');
    }
  }
}
