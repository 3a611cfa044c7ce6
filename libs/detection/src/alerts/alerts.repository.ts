import { Injectable } from '@nestjs/common';
import { toPositional, type ConditionColumns, type SqlCondition } from '@farmhand/authz';
import { PRINTERS_TABLE } from '@farmhand/printers';
import { DataSource, type EntityManager } from 'typeorm';
import { DetectionAlert, type AlertState } from '../entities/detection-alert.entity';
import type { AlertRow } from './alert-view';

export interface AlertListQuery {
  orgId: string;
  /** The alerts the caller may read, from their ability (columns: ALERT_CONDITION_COLUMNS). */
  readable: SqlCondition;
  state?: AlertState;
  printerId?: string;
  limit: number;
}

/** The `Alert` subject's condition fields in SELECT_VIEW: the alert's organization and its printer's fleet. */
export const ALERT_CONDITION_COLUMNS: ConditionColumns = {
  orgId: { column: 'a.org_id', type: 'uuid' },
  fleetId: { column: 'p.fleet_id', type: 'uuid' },
};

const SELECT_VIEW = `SELECT a.id, a.org_id AS "orgId", a.printer_id AS "printerId", p.name AS "printerName",
       p.fleet_id AS "fleetId", a.level, a.state, a.score, a.paused, a.copy_id AS "copyId", a.frame_id AS "frameId",
       a.print_key AS "printKey", a.boxes,
       a.created_at AS "createdAt", a.resolved_at AS "resolvedAt", a.resolved_by AS "resolvedBy"
  FROM detection_alerts a JOIN ${PRINTERS_TABLE.name} p ON p.id = a.printer_id`;

@Injectable()
export class AlertsRepository {
  constructor(private readonly dataSource: DataSource) {}

  /** Tenant and fleet scope in SQL: a caller never loads an alert of a printer it may not read. */
  list(query: AlertListQuery): Promise<AlertRow[]> {
    const readable = toPositional(query.readable, 2);
    const params: unknown[] = [query.orgId, ...readable.values];
    let sql = `${SELECT_VIEW} WHERE a.org_id = $1 AND ${readable.sql}`;
    if (query.state) {
      params.push(query.state);
      sql += ` AND a.state = $${params.length}`;
    }
    if (query.printerId) {
      params.push(query.printerId);
      sql += ` AND a.printer_id = $${params.length}`;
    }
    params.push(query.limit);
    sql += ` ORDER BY a.created_at DESC, a.id DESC LIMIT $${params.length}`;
    return this.dataSource.query(sql, params);
  }

  /** Which of these printers of the organization have an open alert. */
  async printersWithOpenAlerts(orgId: string, printerIds: string[]): Promise<string[]> {
    if (!printerIds.length) return [];
    const rows: { printerId: string }[] = await this.dataSource.query(
      `SELECT DISTINCT printer_id AS "printerId" FROM detection_alerts
        WHERE org_id = $1 AND printer_id = ANY($2::uuid[]) AND state = 'open'`,
      [orgId, printerIds],
    );
    return rows.map((row) => row.printerId);
  }

  /** The alert with its printer's fleet (the caller's access is checked on it by the service). */
  async findInOrg(manager: EntityManager, orgId: string, alertId: string, lock = false): Promise<AlertRow | null> {
    let sql = `${SELECT_VIEW} WHERE a.org_id = $1 AND a.id = $2`;
    if (lock) sql += ' FOR UPDATE OF a';
    const rows = (await manager.query(sql, [orgId, alertId])) as AlertRow[];
    return rows[0] ?? null;
  }

  async view(manager: EntityManager, alertId: string): Promise<AlertRow> {
    const rows = (await manager.query(`${SELECT_VIEW} WHERE a.id = $1`, [alertId])) as AlertRow[];
    return rows[0]!;
  }

  async resolve(manager: EntityManager, alertId: string, state: AlertState, resolvedBy: string): Promise<void> {
    await manager
      .getRepository(DetectionAlert)
      .update({ id: alertId }, { state, resolvedAt: new Date(), resolvedBy: resolvedBy.slice(0, 320) });
  }

  /** The printer's latest alert (for the cooldown and "no new alert until acknowledged"). */
  latestOfPrinter(manager: EntityManager, printerId: string): Promise<DetectionAlert | null> {
    return manager
      .getRepository(DetectionAlert)
      .findOne({ where: { printerId }, order: { createdAt: 'DESC', id: 'DESC' } });
  }

  /** Whether the detector already asked this print to pause (at most once per print). */
  async pauseRequestedForPrint(manager: EntityManager, printerId: string, printKey: string): Promise<boolean> {
    const rows = (await manager.query(
      `SELECT 1 FROM detection_alerts WHERE printer_id = $1 AND print_key = $2 AND pause_requested_at IS NOT NULL LIMIT 1`,
      [printerId, printKey],
    )) as unknown[];
    return rows.length > 0;
  }

  /** Whether an alert of this print is open: its frames are then scored but do not teach the baseline. */
  async openForPrint(manager: EntityManager, printerId: string, printKey: string): Promise<boolean> {
    const rows = (await manager.query(
      `SELECT 1 FROM detection_alerts WHERE printer_id = $1 AND print_key = $2 AND state = 'open' LIMIT 1`,
      [printerId, printKey],
    )) as unknown[];
    return rows.length > 0;
  }

  async insert(manager: EntityManager, alert: Partial<DetectionAlert>): Promise<DetectionAlert> {
    const repository = manager.getRepository(DetectionAlert);
    return repository.save(repository.create(alert));
  }

  async update(manager: EntityManager, alertId: string, changes: Partial<DetectionAlert>): Promise<void> {
    await manager.getRepository(DetectionAlert).update({ id: alertId }, changes);
  }

  /** Serializes the detector's decisions per printer across processes, for the length of the transaction. */
  async lockPrinter(manager: EntityManager, printerId: string): Promise<void> {
    await manager.query(`SELECT pg_advisory_xact_lock(hashtextextended('detection:' || $1, 0))`, [printerId]);
  }
}
