import { Injectable } from '@nestjs/common';
import type { SqlCondition } from '@farmhand/authz';
import { PRINTERS_TABLE } from '@farmhand/printers';
import { DataSource, IsNull, type EntityManager } from 'typeorm';
import { MaintenanceCompletion } from './entities/maintenance-completion.entity';
import { MaintenanceTask, type IntervalKind } from './entities/maintenance-task.entity';

/** One task on one printer, with how much of its interval is used since it was last done. */
export interface TaskStatusRow {
  taskId: string;
  printerId: string;
  printerName: string;
  fleetId: string;
  intervalKind: IntervalKind;
  intervalValue: number;
  holdWhenOverdue: boolean;
  used: number;
  lastCompletedAt: Date | null;
}

/** A (task, printer) pair told `maintenance.due` for the first time in its interval at this level. */
export interface DueNoticeRow {
  orgId: string;
  taskId: string;
  taskName: string;
  printerId: string;
  printerName: string;
  fleetId: string;
  intervalKind: IntervalKind;
  intervalValue: number;
  used: number;
  level: 'due' | 'overdue';
}

export interface Counters {
  printSeconds: number;
  filamentGrams: number;
  prints: number;
}

export type TaskChanges = Partial<
  Pick<MaintenanceTask, 'name' | 'intervalKind' | 'intervalValue' | 'holdWhenOverdue' | 'checklist' | 'archivedAt'>
>;

/**
 * Each (task, printer) pair of live tasks: a printer task's own printer, or every printer of a model task's model;
 * `used` in the interval's unit since the last completion on that printer (since the task was made, for days, or
 * from the printer's whole history, for counters, when it was never done).
 */
const STATUS_SQL = `
  SELECT t.id AS "taskId", t.org_id AS "orgId", t.name AS "taskName", p.id AS "printerId", p.name AS "printerName", p.fleet_id AS "fleetId",
         t.interval_kind AS "intervalKind", t.interval_value AS "intervalValue",
         t.hold_when_overdue AS "holdWhenOverdue", c.completed_at AS "lastCompletedAt",
         CASE t.interval_kind
           WHEN 'print_hours' THEN (COALESCE(u.print_seconds, 0) - COALESCE(c.print_seconds, 0)) / 3600
           WHEN 'filament_grams' THEN COALESCE(u.filament_grams, 0) - COALESCE(c.filament_grams, 0)
           WHEN 'prints' THEN COALESCE(u.prints, 0) - COALESCE(c.prints, 0)
           ELSE EXTRACT(EPOCH FROM now() - COALESCE(c.completed_at, t.created_at)) / 86400
         END::float8 AS used
    FROM maintenance_tasks t
    JOIN ${PRINTERS_TABLE.name} p
      ON p.org_id = t.org_id
     AND (p.id = t.printer_id OR (t.printer_id IS NULL AND lower(p.model) = lower(t.printer_model)))
    LEFT JOIN printer_usage_totals u ON u.printer_id = p.id
    LEFT JOIN LATERAL (
      SELECT mc.completed_at, mc.print_seconds, mc.filament_grams, mc.prints FROM maintenance_completions mc
       WHERE mc.task_id = t.id AND mc.printer_id = p.id ORDER BY mc.completed_at DESC LIMIT 1) c ON true
   WHERE t.archived_at IS NULL`;

/** The maintenance SQL; every query is scoped to one organization (or to printers of the caller's statement). */
@Injectable()
export class MaintenanceRepository {
  constructor(private readonly dataSource: DataSource) {}

  listTasks(orgId: string, limit: number): Promise<MaintenanceTask[]> {
    return this.dataSource.getRepository(MaintenanceTask).find({
      where: { orgId, archivedAt: IsNull() },
      order: { createdAt: 'ASC', id: 'ASC' },
      take: limit,
    });
  }

  findTask(orgId: string, id: string, manager: EntityManager = this.dataSource.manager) {
    return manager.getRepository(MaintenanceTask).findOne({ where: { orgId, id } });
  }

  lockTask(manager: EntityManager, orgId: string, id: string): Promise<MaintenanceTask | null> {
    return manager
      .getRepository(MaintenanceTask)
      .createQueryBuilder('t')
      .setLock('pessimistic_write')
      .where('t.org_id = :orgId AND t.id = :id', { orgId, id })
      .getOne();
  }

  countTasks(manager: EntityManager, orgId: string): Promise<number> {
    return manager.getRepository(MaintenanceTask).count({ where: { orgId } });
  }

  async insertTask(manager: EntityManager, values: Partial<MaintenanceTask> & { orgId: string }) {
    const repository = manager.getRepository(MaintenanceTask);
    return repository.save(repository.create(values));
  }

  async updateTask(manager: EntityManager, id: string, changes: TaskChanges): Promise<void> {
    await manager.getRepository(MaintenanceTask).update({ id }, changes);
  }

  /** Status rows of the organization's live tasks on the printers `readable` allows (a condition on `p`). */
  async status(orgId: string, readable: SqlCondition, printerId?: string): Promise<TaskStatusRow[]> {
    const parameters: Record<string, unknown> = { ...readable.parameters, orgId, printerId: printerId ?? null };
    const [sql, values] = this.dataSource.driver.escapeQueryWithParameters(
      `${STATUS_SQL} AND t.org_id = :orgId AND (CAST(:printerId AS uuid) IS NULL OR p.id = :printerId)
         AND (${readable.sql})
       ORDER BY t.created_at, t.id, p.name, p.id
       LIMIT 5000`,
      parameters,
    );
    return this.dataSource.query(sql, values);
  }

  /** Of `printerIds`, those with an overdue task that holds its printer (in the caller's transaction). */
  async heldAmong(manager: EntityManager, printerIds: string[]): Promise<Set<string>> {
    if (!printerIds.length) return new Set();
    const rows: { printerId: string }[] = await manager.query(
      `SELECT DISTINCT s."printerId" FROM (${STATUS_SQL} AND t.hold_when_overdue AND p.id = ANY($1)) s
        WHERE s.used >= s."intervalValue"`,
      [printerIds],
    );
    return new Set(rows.map((row) => row.printerId));
  }

  /**
   * Every organization's pairs at or past `dueShare` of their interval, recorded in maintenance_due_notices; returns
   * only those recorded now (the insert's conflict is the "already told", so concurrent sweeps tell once). A pair
   * that went past 100 % between two sweeps is told `overdue` alone.
   */
  async recordDueNotices(dueShare: number): Promise<DueNoticeRow[]> {
    return this.dataSource.query(
      `WITH crossed AS (
         SELECT s.*, CASE WHEN s.used >= s."intervalValue" THEN 'overdue' ELSE 'due' END AS level,
                COALESCE(s."lastCompletedAt", 'epoch'::timestamptz) AS "intervalStartedAt"
           FROM (${STATUS_SQL}) s
          WHERE s."intervalValue" > 0 AND s.used >= s."intervalValue" * $1),
       told AS (
         INSERT INTO maintenance_due_notices (task_id, printer_id, interval_started_at, level)
         SELECT "taskId", "printerId", "intervalStartedAt", level FROM crossed
         ON CONFLICT DO NOTHING
         RETURNING task_id, printer_id, level)
       SELECT c."orgId", c."taskId", c."taskName", c."printerId", c."printerName", c."fleetId", c."intervalKind",
              c."intervalValue", c.used, c.level
         FROM crossed c JOIN told ON told.task_id = c."taskId" AND told.printer_id = c."printerId"
          AND told.level = c.level
        ORDER BY c."orgId", c."taskId", c."printerId"`,
      [dueShare],
    );
  }

  async counters(manager: EntityManager, printerId: string): Promise<Counters> {
    const [row]: { print_seconds: number; filament_grams: number; prints: number }[] = await manager.query(
      `SELECT print_seconds, filament_grams, prints FROM printer_usage_totals WHERE printer_id = $1`,
      [printerId],
    );
    return {
      printSeconds: row?.print_seconds ?? 0,
      filamentGrams: row?.filament_grams ?? 0,
      prints: row?.prints ?? 0,
    };
  }

  /** Adds one ended print to a printer's counters (an upsert: the first print makes the row). */
  async addToCounters(manager: EntityManager, orgId: string, printerId: string, added: Counters): Promise<void> {
    await manager.query(
      `INSERT INTO printer_usage_totals (printer_id, org_id, print_seconds, filament_grams, prints)
       VALUES ($1, $2, $3, $4, $5)
       ON CONFLICT (printer_id) DO UPDATE SET
         print_seconds = printer_usage_totals.print_seconds + EXCLUDED.print_seconds,
         filament_grams = printer_usage_totals.filament_grams + EXCLUDED.filament_grams,
         prints = printer_usage_totals.prints + EXCLUDED.prints,
         updated_at = now()`,
      [printerId, orgId, added.printSeconds, added.filamentGrams, added.prints],
    );
  }

  async insertCompletion(manager: EntityManager, values: Omit<MaintenanceCompletion, 'id' | 'completedAt' | 'task'>) {
    const repository = manager.getRepository(MaintenanceCompletion);
    return repository.save(repository.create(values));
  }

  history(orgId: string, printerId: string, limit: number) {
    return this.dataSource
      .getRepository(MaintenanceCompletion)
      .createQueryBuilder('c')
      .innerJoinAndSelect('c.task', 't')
      .where('c.org_id = :orgId AND c.printer_id = :printerId', { orgId, printerId })
      .orderBy('c.completed_at', 'DESC')
      .addOrderBy('c.id', 'ASC')
      .limit(limit)
      .getMany();
  }
}
