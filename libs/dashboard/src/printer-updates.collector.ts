import { Inject, Injectable } from '@nestjs/common';
import { OnEvent } from '@nestjs/event-emitter';
import type { AgentsEventMap } from '@farmhand/agents';
import { DashboardPublisher } from './dashboard-publisher.service';
import { LOGGER } from '@farmhand/core';
import type { Logger } from 'pino';
import { AGENT_OFFLINE_PATCH, liveFromStatus } from './dashboard.messages';
import { TemperatureHistoryStore } from './temperature-history.store';

/** The printer events the dashboard forwards (emitted by libs/agents on the instance holding the agent's socket). */
export type PrinterSourceEvents = Pick<
  AgentsEventMap,
  'printer.status' | 'printer.stateChanged' | 'printer.online' | 'printer.offline'
>;

export { COLLECT_WINDOW_MS } from './dashboard-publisher.service';

/**
 * First stage of the dashboard's fan-out for agents' telemetry, on the api instance that received it: each event
 * becomes a patch of the printer's agent fields, which the publisher merges per printer (latest wins), stores and
 * hands to every instance's browsers.
 */
@Injectable()
export class PrinterUpdatesCollector {
  constructor(
    private readonly publisher: DashboardPublisher,
    private readonly temperatures: TemperatureHistoryStore,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {}

  @OnEvent('printer.status')
  onStatus(event: PrinterSourceEvents['printer.status']): void {
    const live = liveFromStatus(event.status);
    this.publisher.publishAgentPatch(event.orgId, event.printerId, live);
    this.temperatures
      .record(event.printerId, {
        toolActual: live.toolActual ?? null,
        toolTarget: live.toolTarget ?? null,
        bedActual: live.bedActual ?? null,
        bedTarget: live.bedTarget ?? null,
      })
      .catch((error: unknown) => this.logger.warn({ err: error }, 'temperature sample not stored'));
  }

  @OnEvent('printer.stateChanged')
  onStateChanged(event: PrinterSourceEvents['printer.stateChanged']): void {
    this.publisher.publishAgentPatch(event.orgId, event.printerId, { state: event.to });
  }

  @OnEvent('printer.online')
  onOnline(event: PrinterSourceEvents['printer.online']): void {
    this.publisher.publishAgentPatch(event.orgId, event.printerId, { online: true });
  }

  @OnEvent('printer.offline')
  onOffline(event: PrinterSourceEvents['printer.offline']): void {
    this.temperatures.forget(event.printerId);
    this.publisher.publishAgentPatch(event.orgId, event.printerId, { ...AGENT_OFFLINE_PATCH });
  }

  /** Waits until everything staged so far has been handed to the subscribers (tests, shutdown). */
  drain(): Promise<void> {
    return this.publisher.drain();
  }
}
