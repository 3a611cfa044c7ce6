import { Inject, Injectable } from '@nestjs/common';
import { PrinterControlService } from '@farmhand/agents';
import type { SystemPrincipal } from '@farmhand/authz';
import { APP_CONFIG, DomainEvents, LOGGER, type AppConfig } from '@farmhand/core';
import { DashboardPublisher } from '@farmhand/dashboard';
import { detectionSettingsOf } from '@farmhand/printers';
import type { Logger } from 'pino';
import { DataSource } from 'typeorm';
import type { AlertBox } from '../alerts/alert-boxes';
import { ALERT_RULES } from '../alerts/alert-rules';
import { AlertsRepository } from '../alerts/alerts.repository';
import type { AlertLevel } from '../entities/detection-alert.entity';
import type { FrameForInference } from '../frames/frames.repository';
import { FramesRepository } from '../frames/frames.repository';
import { scoreFrame, type FailureVerdict } from '../scoring';
import { ScoreStateStore } from './score-state.store';

export interface ChainOutcome {
  status: 'scored' | 'already_scored' | 'not_printing';
  verdict?: FailureVerdict;
  alertId?: string;
  paused?: boolean;
}

interface AlertDecision {
  alertId: string;
  level: AlertLevel;
  created: boolean;
  pause: boolean;
}

/**
 * The detection chain in one place: frame score -> score over time (per printer, in Redis) -> verdict -> alert
 * (cooldown, one open alert at a time) -> automatic pause (at most once per print, as the `system` principal through
 * the one control path) -> events for webhooks and the dashboard. Runs where the frame was scored (inference role).
 */
@Injectable()
export class DetectionChainService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly frames: FramesRepository,
    private readonly alerts: AlertsRepository,
    private readonly scores: ScoreStateStore,
    private readonly control: PrinterControlService,
    private readonly dashboard: DashboardPublisher,
    private readonly events: DomainEvents,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {}

  /**
   * `model.cleanPrior`: the clean prior of the model that scored the frame (its manifest's `scoring.cleanPrior`),
   * where a new printer's long mean starts. `model.boxes`: where it saw a failure in this frame (alertBoxesFromTiles).
   */
  async onScored(
    loaded: FrameForInference,
    score: number,
    model: { cleanPrior?: number; boxes?: AlertBox[] } = {},
  ): Promise<ChainOutcome> {
    const { frame, printer } = loaded;
    if (!frame.printKey) return { status: 'not_printing' };
    if (!(await this.frames.recordScore(frame.id, score))) return { status: 'already_scored' };
    const settings = detectionSettingsOf(printer);
    // Frames scored while an alert of this print is open must not teach the printer's baseline what failure looks like.
    const alertOpen = await this.alerts.openForPrint(this.dataSource.manager, printer.id, frame.printKey);
    const scoring = await this.scores.update(printer.id, frame.printKey, (state) =>
      scoreFrame(state, score, settings.sensitivity, {
        warmUpFrames: this.config.DETECTION_WARMUP_FRAMES,
        cleanPrior: model.cleanPrior,
        learn: !alertOpen,
      }),
    );
    this.dashboard.publishPrinterPatch(printer.orgId, printer.id, {
      failureScore: Math.round(Math.min(1, Math.max(0, scoring.state.ewm)) * 100) / 100,
    });
    if (scoring.verdict === 'fine') return { status: 'scored', verdict: 'fine' };

    const boxes = model.boxes ?? [];
    const decision = await this.decide(loaded, score, boxes, scoring.verdict === 'pause' && settings.autoPause);
    if (!decision) return { status: 'scored', verdict: scoring.verdict };
    const at = new Date().toISOString();
    if (decision.created) {
      await this.scores.markAlerted(printer.id, frame.printKey);
      this.events.emit('detection.alertRaised', {
        orgId: printer.orgId,
        printerId: printer.id,
        alertId: decision.alertId,
        level: decision.level,
        score,
        copyId: frame.copyId,
        frameId: frame.id,
        boxes,
        at,
      });
    }
    this.publishAlert(printer.orgId, printer.id, decision.alertId, decision.level, 'open');
    const paused = decision.pause ? await this.pause(loaded, decision.alertId, boxes) : false;
    return { status: 'scored', verdict: scoring.verdict, alertId: decision.alertId, paused };
  }

  /**
   * One decision per printer at a time (an advisory lock across processes). A pause the printer's settings allow is
   * never held back by the cooldown or an unacknowledged warning: it escalates that warning instead.
   */
  private decide(
    loaded: FrameForInference,
    score: number,
    boxes: AlertBox[],
    pauseAllowed: boolean,
  ): Promise<AlertDecision | null> {
    const { frame, printer } = loaded;
    return this.dataSource.transaction(async (manager) => {
      await this.alerts.lockPrinter(manager, printer.id);
      const last = await this.alerts.latestOfPrinter(manager, printer.id);
      const pause = pauseAllowed && !(await this.alerts.pauseRequestedForPrint(manager, printer.id, frame.printKey!));
      const lastOpen = last?.state === 'open' ? last : null;
      if (pause && lastOpen) {
        await this.alerts.update(manager, lastOpen.id, {
          level: 'pause',
          pauseRequestedAt: new Date(),
          frameId: frame.id,
          score,
          boxes,
        });
        await this.frames.keepAround(manager, printer.id, frame.id);
        return { alertId: lastOpen.id, level: 'pause', created: false, pause: true };
      }
      const cooling = last !== null && Date.now() - last.createdAt.getTime() < ALERT_RULES.cooldownMs;
      if (!pause && (lastOpen || cooling)) return null;
      const level: AlertLevel = pause ? 'pause' : 'warning';
      const alert = await this.alerts.insert(manager, {
        orgId: printer.orgId,
        printerId: printer.id,
        copyId: frame.copyId,
        printKey: frame.printKey,
        frameId: frame.id,
        level,
        state: 'open',
        score,
        boxes,
        pauseRequestedAt: pause ? new Date() : null,
      });
      await this.frames.keepAround(manager, printer.id, frame.id);
      return { alertId: alert.id, level, created: true, pause };
    });
  }

  private async pause(loaded: FrameForInference, alertId: string, boxes: AlertBox[]): Promise<boolean> {
    const { frame, printer } = loaded;
    const system: SystemPrincipal = { kind: 'system', orgId: printer.orgId, reason: ALERT_RULES.systemReason };
    try {
      await this.control.execute(system, printer.orgId, printer.id, { type: 'pause', args: {} });
    } catch (error) {
      const reason = error instanceof Error ? error.message : String(error);
      this.logger.warn({ printerId: printer.id, alertId, reason }, 'the detector could not pause the print');
      await this.alerts.update(this.dataSource.manager, alertId, { pauseError: reason.slice(0, 200) });
      this.publishAlert(printer.orgId, printer.id, alertId, 'pause', 'open');
      return false;
    }
    await this.alerts.update(this.dataSource.manager, alertId, { paused: true, pauseError: null });
    const at = new Date().toISOString();
    this.events.emit('detection.printPaused', {
      orgId: printer.orgId,
      printerId: printer.id,
      alertId,
      copyId: frame.copyId,
      frameId: frame.id,
      boxes,
      at,
    });
    this.publishAlert(printer.orgId, printer.id, alertId, 'pause', 'open');
    this.logger.info({ printerId: printer.id, alertId }, 'the detector paused a print');
    return true;
  }

  private publishAlert(orgId: string, printerId: string, alertId: string, level: AlertLevel, state: string): void {
    this.dashboard.publishOrgEvent(orgId, {
      kind: 'alert',
      alertId,
      printerId,
      level,
      state,
      at: new Date().toISOString(),
    });
  }
}
