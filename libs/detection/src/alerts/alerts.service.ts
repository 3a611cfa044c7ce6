import { Injectable } from '@nestjs/common';
import { PrinterControlService, PrinterPresenceService } from '@farmhand/agents';
import { AuditService } from '@farmhand/audit';
import { ForbiddenError, actorOf, defineAbilityFor, fleetScopeOf, subject, type Principal } from '@farmhand/authz';
import { DomainException } from '@farmhand/core';
import { DashboardPublisher } from '@farmhand/dashboard';
import { DataSource } from 'typeorm';
import type { AlertState } from '../entities/detection-alert.entity';
import { toAlertView, type AlertRow, type AlertView } from './alert-view';
import { AlertsRepository } from './alerts.repository';

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
  ) {}

  async list(
    principal: Principal,
    orgId: string,
    query: { state?: AlertState; printerId?: string; limit?: number },
  ): Promise<{ items: AlertView[] }> {
    const rows = await this.alerts.list({
      orgId,
      fleetScope: fleetScopeOf(principal),
      state: query.state,
      printerId: query.printerId,
      limit: query.limit ?? 50,
    });
    return { items: rows.map(toAlertView) };
  }

  /**
   * Records an operator's verdict. `confirmed` means the failure is real: the print is cancelled first, through the
   * one control path as the operator (so a caller who may not cancel this printer cannot confirm either), and the
   * alert changes only once the printer has done it.
   */
  async resolve(principal: Principal, orgId: string, alertId: string, resolution: AlertResolution): Promise<AlertView> {
    const ability = defineAbilityFor(principal);
    const fleetScope = fleetScopeOf(principal);
    const found = await this.alerts.findScoped(this.dataSource.manager, orgId, fleetScope, alertId);
    if (!found) throw DomainException.notFound('alert_not_found', 'Alert not found');
    ForbiddenError.from(ability).throwUnlessCan('update', subject('Alert', { orgId: found.orgId }));
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
      const current = await this.alerts.findScoped(manager, orgId, fleetScope, alertId, true);
      if (!current) throw DomainException.notFound('alert_not_found', 'Alert not found');
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
    this.dashboard.publishOrgEvent(orgId, {
      kind: 'alert',
      alertId,
      printerId: row.printerId,
      level: row.level,
      state: row.state,
      at: new Date().toISOString(),
    });
    return toAlertView(row);
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
