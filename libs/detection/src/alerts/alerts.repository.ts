import { Injectable } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';
import { DetectionAlert, type AlertState } from '../entities/detection-alert.entity';
import type { AlertRow } from './alert-view';

export interface AlertListQuery {
  orgId: string;
  /** null: every fleet of the organization. */
  fleetScope: string[] | null;
  state?: AlertState;
  printerId?: string;
  limit: number;
}

const SELECT_VIEW = `SELECT a.id, a.org_id AS "orgId", a.printer_id AS "printerId", p.name AS "printerName",
       p.fleet_id AS "fleetId", a.level, a.state, a.score, a.paused, a.copy_id AS "copyId", a.frame_id AS "frameId",
       a.created_at AS "createdAt", a.resolved_at AS "resolvedAt", a.resolved_by AS "resolvedBy"
  FROM detection_alerts a JOIN printers p ON p.id = a.printer_id`;

@Injectable()
export class AlertsRepository {
  constructor(private readonly dataSource: DataSource) {}

  /** Tenant and fleet scope in SQL: a caller never loads an alert of a printer it may not read. */
  list(query: AlertListQuery): Promise<AlertRow[]> {
    const params: unknown[] = [query.orgId];
    let sql = `${SELECT_VIEW} WHERE a.org_id = $1`;
    if (query.fleetScope) {
      params.push(query.fleetScope);
      sql += ` AND p.fleet_id = ANY($${params.length})`;
    }
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

  async findScoped(
    manager: EntityManager,
    orgId: string,
    fleetScope: string[] | null,
    alertId: string,
    lock = false,
  ): Promise<AlertRow | null> {
    const params: unknown[] = [orgId, alertId];
    let sql = `${SELECT_VIEW} WHERE a.org_id = $1 AND a.id = $2`;
    if (fleetScope) {
      params.push(fleetScope);
      sql += ` AND p.fleet_id = ANY($3)`;
    }
    if (lock) sql += ' FOR UPDATE OF a';
    const rows = (await manager.query(sql, params)) as AlertRow[];
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
