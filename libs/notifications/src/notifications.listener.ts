import { Inject, Injectable } from '@nestjs/common';
import { OnEvent } from '@nestjs/event-emitter';
import { JobQueue, LOGGER, REDIS, REDIS_KEYS, type DomainEventMap, type RedisKeys } from '@farmhand/core';
import type { Redis } from 'ioredis';
import type { DetectionEventMap } from '@farmhand/detection';
import type { MaintenanceEventMap } from '@farmhand/maintenance';
import type { SpoolsEventMap } from '@farmhand/spools';
import type { Logger } from 'pino';
import { NotificationFacts } from './notification-facts';
import { NotificationFanout } from './notification-fanout';
import { NotificationSettingsService } from './preferences/notification-settings.service';
import type { SubscribableWebhookEvent } from './webhook-events';

/**
 * Domain events to webhook events, in the process that emits them (detection: inference; print copies: api and
 * worker; printer offline: the api instance holding the agent's socket). Each event is emitted once in one
 * process, so each becomes one delivery per webhook. Never throws into the emitter.
 */
@Injectable()
export class NotificationsListener {
  constructor(
    private readonly fanout: NotificationFanout,
    private readonly facts: NotificationFacts,
    private readonly jobs: JobQueue,
    private readonly settings: NotificationSettingsService,
    @Inject(REDIS) private readonly redis: Redis,
    @Inject(REDIS_KEYS) private readonly keys: RedisKeys,
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
    if (event.to === 'awaiting_bed_clear') await this.scheduleBedWaiting(event.orgId, event.copyId);
    if (event.to === 'queued') await this.queueFilled(event.orgId);
    else if (event.from === 'queued') await this.maybeQueueEmpty(event.orgId);
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

  /** From the worker's periodic pass (libs/maintenance): carries the fleet, so personal fleet limits apply. */
  @OnEvent('maintenance.due')
  async onMaintenanceDue(event: MaintenanceEventMap['maintenance.due']): Promise<void> {
    const at = new Date().toISOString();
    await this.publish(event.orgId, 'maintenance.due', () =>
      Promise.resolve({
        taskId: event.taskId,
        taskName: event.taskName,
        printerId: event.printerId,
        printerName: event.printerName,
        fleetId: event.fleetId,
        level: event.level,
        intervalKind: event.intervalKind,
        used: event.used,
        limit: event.limit,
        at,
      }),
    );
  }

  @OnEvent('printJob.created')
  async onJobCreated(event: DomainEventMap['printJob.created']): Promise<void> {
    await this.queueFilled(event.orgId);
  }

  /**
   * One delayed job per waiting period (job id: the copy and the time its print ended), not a poll per printer: when
   * it runs, the worker checks that this very plate still waits (notification-events.jobs.ts).
   */
  private async scheduleBedWaiting(orgId: string, copyId: string): Promise<void> {
    try {
      const copy = await this.facts.copy(orgId, copyId);
      const finishedAt = copy?.finishedAt ?? null;
      const { bedWaitingMinutes } = await this.settings.get(orgId);
      await this.jobs.enqueue(
        'notification.bedWaiting',
        { orgId, copyId, finishedAt, waitingMinutes: bedWaitingMinutes },
        {
          delay: bedWaitingMinutes * 60_000,
          jobId: `bed-waiting-${copyId}-${finishedAt ? Date.parse(finishedAt) : Date.now()}`,
        },
      );
    } catch (error) {
      this.logger.error({ orgId, copyId, err: error }, 'could not schedule the bed-waiting notification');
    }
  }

  /** A copy joined the queue: the next time it drains is a new `queue.empty`. */
  private async queueFilled(orgId: string): Promise<void> {
    try {
      await this.redis.del(this.keys.key('queue-empty', orgId));
    } catch (error) {
      this.logger.warn({ orgId, err: error }, 'could not reset the queue-empty mark');
    }
  }

  /** The last queued copy left the queue: `queue.empty` once (a Redis mark, so concurrent departures fire once). */
  private async maybeQueueEmpty(orgId: string): Promise<void> {
    try {
      if ((await this.facts.queuedCount(orgId)) > 0) return;
      const first = await this.redis.set(this.keys.key('queue-empty', orgId), '1', 'EX', 7 * 24 * 3600, 'NX');
      if (first !== 'OK') return;
    } catch (error) {
      this.logger.warn({ orgId, err: error }, 'could not decide whether the queue drained');
      return;
    }
    const at = new Date().toISOString();
    await this.publish(orgId, 'queue.empty', () => Promise.resolve({ at }));
  }

  private async printer(orgId: string, printerId: string): Promise<Record<string, unknown>> {
    return (await this.facts.printer(orgId, printerId)) ?? { printerId, printerName: null, fleetId: null };
  }

  private publish(
    orgId: string,
    event: SubscribableWebhookEvent,
    data: () => Promise<Record<string, unknown>>,
  ): Promise<void> {
    return this.fanout.publish(orgId, event, data);
  }
}
