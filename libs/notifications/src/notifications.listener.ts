import { Inject, Injectable } from '@nestjs/common';
import { OnEvent } from '@nestjs/event-emitter';
import { LOGGER, type DomainEventMap } from '@farmhand/core';
import type { DetectionEventMap } from '@farmhand/detection';
import type { SpoolsEventMap } from '@farmhand/spools';
import type { Logger } from 'pino';
import { NotificationFacts } from './notification-facts';
import { PersonalNotifier } from './preferences/personal-notifier';
import { WebhookPublisher } from './webhook-publisher.service';
import type { SubscribableWebhookEvent } from './webhook-events';

/**
 * Domain events to webhook events, in the process that emits them (detection: inference; print copies: api and
 * worker; printer offline: the api instance holding the agent's socket). Each event is emitted once in one
 * process, so each becomes one delivery per webhook. Never throws into the emitter.
 */
@Injectable()
export class NotificationsListener {
  constructor(
    private readonly publisher: WebhookPublisher,
    private readonly facts: NotificationFacts,
    private readonly personal: PersonalNotifier,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {}

  @OnEvent('detection.alertRaised')
  async onAlertRaised(event: DetectionEventMap['detection.alertRaised']): Promise<void> {
    await this.publish(event.orgId, 'alert.raised', async () => ({
      alertId: event.alertId,
      level: event.level,
      score: event.score,
      ...(await this.printer(event.orgId, event.printerId)),
      copyId: event.copyId,
      frameId: event.frameId,
      boxes: event.boxes,
      at: event.at,
    }));
  }

  @OnEvent('detection.printPaused')
  async onPrintPaused(event: DetectionEventMap['detection.printPaused']): Promise<void> {
    await this.publish(event.orgId, 'print.paused_by_detector', async () => ({
      alertId: event.alertId,
      ...(await this.printer(event.orgId, event.printerId)),
      copyId: event.copyId,
      frameId: event.frameId,
      boxes: event.boxes,
      at: event.at,
    }));
  }

  /**
   * A print ends once: on the printer (printing → awaiting_bed_clear, or → done on auto-eject printers) or as a
   * failure. Clearing the bed (awaiting_bed_clear → done) is not a second print.done; a cancel is not a failure.
   */
  @OnEvent('printCopy.stateChanged')
  async onCopyStateChanged(event: DomainEventMap['printCopy.stateChanged']): Promise<void> {
    const finished = event.to === 'awaiting_bed_clear' || (event.to === 'done' && event.from !== 'awaiting_bed_clear');
    const kind: SubscribableWebhookEvent | null =
      event.to === 'failed' ? 'print.failed' : finished ? 'print.done' : null;
    if (!kind) return;
    await this.publish(event.orgId, kind, async () => {
      const copy = await this.facts.copy(event.orgId, event.copyId);
      return {
        ...(copy ?? { jobId: event.jobId, copyId: event.copyId, printerId: event.printerId }),
        from: event.from,
        state: event.to,
      };
    });
  }

  @OnEvent('printer.offline')
  async onPrinterOffline(event: DomainEventMap['printer.offline']): Promise<void> {
    const at = new Date().toISOString();
    await this.publish(event.orgId, 'printer.offline', async () => ({
      ...(await this.printer(event.orgId, event.printerId)),
      at,
    }));
  }

  @OnEvent('spool.lowStock')
  async onSpoolLowStock(event: SpoolsEventMap['spool.lowStock']): Promise<void> {
    const at = new Date().toISOString();
    await this.publish(event.orgId, 'spool.low_stock', async () => ({
      spoolId: event.spoolId,
      material: event.material,
      colorName: event.colorName,
      remainingGrams: event.remainingGrams,
      lowStockGrams: event.lowStockGrams,
      ...(event.printerId ? await this.printer(event.orgId, event.printerId) : { printerId: null }),
      at,
    }));
  }

  private async printer(orgId: string, printerId: string): Promise<Record<string, unknown>> {
    return (await this.facts.printer(orgId, printerId)) ?? { printerId, printerName: null, fleetId: null };
  }

  private async publish(
    orgId: string,
    event: SubscribableWebhookEvent,
    data: () => Promise<Record<string, unknown>>,
  ): Promise<void> {
    // The facts are looked up once, and only when some webhook, channel or member listens.
    let facts: Promise<Record<string, unknown>> | null = null;
    const once = () => (facts ??= data());
    try {
      await this.publisher.publish(orgId, event, once);
    } catch (error) {
      this.logger.error({ orgId, event, err: error }, 'could not record webhook deliveries for an event');
    }
    try {
      const members = await this.personal.listening(orgId, event);
      if (members.length) await this.personal.publish(orgId, event, members, await once());
    } catch (error) {
      this.logger.error({ orgId, event, err: error }, 'could not queue personal notifications for an event');
    }
  }
}
