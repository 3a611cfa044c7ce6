import { Inject, Injectable, type OnModuleInit } from '@nestjs/common';
import { OnEvent } from '@nestjs/event-emitter';
import { LOGGER, type DomainEventMap } from '@farmhand/core';
import { DashboardPublisher, PrinterFacts, type PrinterFactsSource, type PrinterLive } from '@farmhand/dashboard';
import type { Logger } from 'pino';
import { AlertsRepository } from './alerts.repository';

type AlertFacts = Pick<PrinterLive, 'openAlert'>;

/**
 * The detector's fact in each printer's live view: an open (unresolved) failure alert. Read afresh on every
 * dashboard resync; published when an alert is raised (in the process that scored the frame) or resolved.
 */
@Injectable()
export class AlertFactsListener implements OnModuleInit, PrinterFactsSource {
  constructor(
    private readonly alerts: AlertsRepository,
    private readonly facts: PrinterFacts,
    private readonly publisher: DashboardPublisher,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {}

  onModuleInit(): void {
    this.facts.register(this);
  }

  async factsOf(orgId: string, printerIds: string[]): Promise<Map<string, AlertFacts>> {
    const open = new Set(await this.alerts.printersWithOpenAlerts(orgId, printerIds));
    return new Map(printerIds.map((id) => [id, { openAlert: open.has(id) }]));
  }

  @OnEvent('detection.alertRaised')
  onAlertRaised(event: DomainEventMap['detection.alertRaised']): void {
    this.refresh(event.orgId, event.printerId);
  }

  /** After an operator's verdict (AlertsService.resolve), once it committed. */
  refresh(orgId: string, printerId: string): void {
    this.factsOf(orgId, [printerId]).then(
      (found) => this.publisher.publishPrinterPatch(orgId, printerId, found.get(printerId)!),
      (error: unknown) => this.logger.warn({ err: error, orgId, printerId }, 'alert facts not refreshed'),
    );
  }
}
