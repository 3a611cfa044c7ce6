import { Injectable } from '@nestjs/common';
import { PrinterControlService, PrinterPresenceService } from '@farmhand/agents';
import { AuditService } from '@farmhand/audit';
import {
  ForbiddenError,
  accessibleWhere,
  actorOf,
  defineAbilityFor,
  subject,
  type AppAbility,
  type Principal,
} from '@farmhand/authz';
import { DomainException } from '@farmhand/core';
import { DashboardPublisher } from '@farmhand/dashboard';
import { DataSource, type EntityManager } from 'typeorm';
import { ScoreStateStore } from '../chain/score-state.store';
import type { AlertState } from '../entities/detection-alert.entity';
import { toAlertView, type AlertRow, type AlertView } from './alert-view';
import { AlertFactsListener } from './alert-facts.listener';
import { ALERT_CONDITION_COLUMNS, AlertsRepository } from './alerts.repository';

export type AlertResolution = 'acknowledged' | 'false_alarm' | 'confirmed';

/** Where each resolution may come from: acknowledging says "seen"; the verdict (false alarm, confirmed) may follow. */
const ALLOWED_FROM: Record<AlertResolution, readonly AlertState[]> = {
  acknowledged: ['open'],
  false_alarm: ['open', 'acknowledged'],
  confirmed: ['open', 'acknowledged'],
};
/** The printer states in which a confirmed failure still has a print to cancel. */
const CANCELLABLE_STATES = ['printing', 'paused', 'pausing'];

/** Operators' side of alerts: the list (scoped to their fleets in SQL) and the three verdicts, each audited. */
@Injectable()
export class AlertsService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly alerts: AlertsRepository,
    private readonly audit: AuditService,
    private readonly control: PrinterControlService,
    private readonly presence: PrinterPresenceService,
    private readonly dashboard: DashboardPublisher,
    private readonly scores: ScoreStateStore,
    private readonly alertFacts: AlertFactsListener,
  ) {}

  async list(
    principal: Principal,
    orgId: string,
    query: { state?: AlertState; printerId?: string; limit?: number },
  ): Promise<{ items: AlertView[] }> {
    const rows = await this.alerts.list({
      orgId,
      readable: accessibleWhere(defineAbilityFor(principal), 'read', 'Alert', ALERT_CONDITION_COLUMNS),
      state: query.state,
      printerId: query.printerId,
      limit: query.limit ?? 50,
    });
    return { items: rows.map(toAlertView) };
  }

  /** One alert the principal may read (chat-ops reads its printer before pausing it); else `alert_not_found`. */
  async find(principal: Principal, orgId: string, alertId: string): Promise<AlertView> {
    const ability = defineAbilityFor(principal);
    const found = await this.reachable(ability, this.dataSource.manager, orgId, alertId);
    return toAlertView(await this.alerts.view(this.dataSource.manager, found.id));
  }

  /**
   * Records an operator's verdict. `confirmed` means the failure is real: the print is cancelled first, through the
   * one control path as the operator (so a caller who may not cancel this printer cannot confirm either), and the
   * alert changes only once the printer has done it.
   */
  async resolve(principal: Principal, orgId: string, alertId: string, resolution: AlertResolution): Promise<AlertView> {
    const ability = defineAbilityFor(principal);
    const found = await this.reachable(ability, this.dataSource.manager, orgId, alertId);
    ForbiddenError.from(ability).throwUnlessCan('update', subject('Alert', { ...found }));
    this.assertTransition(found, resolution);

    let cancelled = false;
    if (resolution === 'confirmed') {
      const live = await this.presence.getLive(found.printerId);
      if (live?.status && CANCELLABLE_STATES.includes(live.status.state)) {
        await this.control.execute(principal, orgId, found.printerId, { type: 'cancel', args: {} });
        cancelled = true;
      }
    }

    const row = await this.dataSource.transaction(async (manager) => {
      const current = await this.reachable(ability, manager, orgId, alertId, true);
      this.assertTransition(current, resolution);
      await this.alerts.resolve(manager, alertId, resolution, actorOf(principal).label);
      await this.audit.record(manager, {
        orgId,
        principal,
        action: `alert.${resolution}`,
        subject: { type: 'Alert', id: alertId },
        details: { printerId: current.printerId, from: current.state, cancelled },
      });
      return this.alerts.view(manager, alertId);
    });
    await this.teachScoring(row, resolution);
    this.dashboard.publishOrgEvent(orgId, {
      kind: 'alert',
      alertId,
      printerId: row.printerId,
      level: row.level,
      state: row.state,
      at: new Date().toISOString(),
    });
    this.alertFacts.refresh(orgId, row.printerId);
    return toAlertView(row);
  }

  /**
   * A false alarm lets the print's frames back into the printer's baseline; a confirmed failure keeps them out (the
   * print is being cancelled). Only while that print is still the printer's current one in the scoring state.
   */
  private async teachScoring(alert: AlertRow, resolution: AlertResolution): Promise<void> {
    if (!alert.printKey || resolution === 'acknowledged') return;
    if (resolution === 'false_alarm') await this.scores.markFalseAlarm(alert.printerId, alert.printKey);
    else await this.scores.settle(alert.printerId, alert.printKey, 'failed');
  }

  /** The alert, when the caller may read it (its printer's fleet is theirs); else it does not exist for them. */
  private async reachable(
    ability: AppAbility,
    manager: EntityManager,
    orgId: string,
    alertId: string,
    lock = false,
  ): Promise<AlertRow> {
    const alert = await this.alerts.findInOrg(manager, orgId, alertId, lock);
    if (!alert || ability.cannot('read', subject('Alert', { ...alert })))
      throw DomainException.notFound('alert_not_found', 'Alert not found');
    return alert;
  }

  private assertTransition(alert: AlertRow, resolution: AlertResolution): void {
    if (!ALLOWED_FROM[resolution].includes(alert.state)) {
      throw DomainException.conflict(
        'alert_already_resolved',
        `The alert is ${alert.state.replace('_', ' ')}; it cannot become ${resolution.replace('_', ' ')}`,
        'state',
      );
    }
  }
}
