import { Injectable } from '@nestjs/common';
import { FLEETS_TABLE } from '@farmhand/accounts';
import { PRINTERS_TABLE } from '@farmhand/printers';
import { toPositional, type ConditionColumns, type SqlCondition } from '@farmhand/authz';
import { DataSource } from 'typeorm';

/** A fleet `f` as the jobs printing only there: the fleets whose statistics a caller who may read those jobs sees. */
export const FLEET_AS_JOB_COLUMNS: ConditionColumns = {
  orgId: { column: 'f.org_id', type: 'uuid' },
  fleetIds: { column: 'ARRAY[f.id]', type: 'uuid[]' },
};

export interface AttemptHistoryRow {
  id: string;
  copyId: string;
  jobId: string;
  jobName: string;
  copyNumber: number;
  printerId: string | null;
  fleetId: string | null;
  attempt: number;
  state: string;
  assignedAt: Date;
  startedAt: Date | null;
  endedAt: Date | null;
  durationSeconds: number | null;
  outcome: string | null;
  failureReason: string | null;
  filamentMm: number | null;
  filamentGrams: number | null;
}

export interface FleetUtilizationRow {
  fleetId: string;
  fleetName: string;
  printers: number;
  printingSeconds: number;
  attempts: number;
  printed: number;
  good: number;
  bad: number;
  failed: number;
  cancelled: number;
  filamentMm: number;
  filamentGrams: number;
}

const numberOrNull = (value: unknown) => (value === null || value === undefined ? null : Number(value));

@Injectable()
export class StatsRepository {
  constructor(private readonly dataSource: DataSource) {}

  async printerHistory(
    orgId: string,
    printerId: string,
    range: { from: Date; to: Date },
    limit: number,
  ): Promise<AttemptHistoryRow[]> {
    const rows: Record<string, unknown>[] = await this.dataSource.query(
      `SELECT a.id, a.copy_id, a.job_id, j.name AS job_name, c.number AS copy_number, a.printer_id, a.fleet_id,
              a.attempt, a.state, a.assigned_at, a.started_at, a.ended_at, a.outcome, a.failure_reason,
              a.filament_mm, a.filament_grams,
              EXTRACT(EPOCH FROM (a.ended_at - a.started_at)) AS duration_seconds
         FROM print_attempts a
         JOIN print_jobs j ON j.id = a.job_id
         JOIN print_copies c ON c.id = a.copy_id
        WHERE a.org_id = $1 AND a.printer_id = $2 AND a.assigned_at >= $3 AND a.assigned_at < $4
        ORDER BY a.assigned_at DESC
        LIMIT $5`,
      [orgId, printerId, range.from, range.to, limit],
    );
    return rows.map((row) => ({
      id: row.id as string,
      copyId: row.copy_id as string,
      jobId: row.job_id as string,
      jobName: row.job_name as string,
      copyNumber: row.copy_number as number,
      printerId: row.printer_id as string | null,
      fleetId: row.fleet_id as string | null,
      attempt: row.attempt as number,
      state: row.state as string,
      assignedAt: row.assigned_at as Date,
      startedAt: row.started_at as Date | null,
      endedAt: row.ended_at as Date | null,
      durationSeconds: numberOrNull(row.duration_seconds) === null ? null : Math.round(Number(row.duration_seconds)),
      outcome: row.outcome as string | null,
      failureReason: row.failure_reason as string | null,
      filamentMm: numberOrNull(row.filament_mm),
      filamentGrams: numberOrNull(row.filament_grams),
    }));
  }

  /**
   * Per fleet over [from, to): the printing time inside the range (an attempt's started..ended, or now while it
   * runs, clipped to the range), and the attempts that ended in it by how they ended. Only the `readable` fleets
   * (FLEET_AS_JOB_COLUMNS), and only `fleetId` when given.
   */
  async fleetUtilization(
    orgId: string,
    range: { from: Date; to: Date },
    fleetId: string | null,
    readable: SqlCondition,
  ): Promise<FleetUtilizationRow[]> {
    const scope = toPositional(readable, 5);
    const rows: Record<string, unknown>[] = await this.dataSource.query(
      `SELECT f.id AS fleet_id, f.name AS fleet_name,
              (SELECT count(*) FROM ${PRINTERS_TABLE.name} p WHERE p.fleet_id = f.id)::int AS printers,
              COALESCE(sum(GREATEST(0, EXTRACT(EPOCH FROM
                LEAST(COALESCE(a.ended_at, now()), $3::timestamptz) - GREATEST(a.started_at, $2::timestamptz))))
                FILTER (WHERE a.started_at IS NOT NULL), 0) AS printing_seconds,
              count(a.id) FILTER (WHERE a.ended_at >= $2 AND a.ended_at < $3)::int AS attempts,
              count(a.id) FILTER (WHERE a.ended_at >= $2 AND a.ended_at < $3
                                   AND a.state IN ('done', 'awaiting_bed_clear'))::int AS printed,
              count(a.id) FILTER (WHERE a.ended_at >= $2 AND a.ended_at < $3 AND a.outcome = 'good')::int AS good,
              count(a.id) FILTER (WHERE a.ended_at >= $2 AND a.ended_at < $3 AND a.outcome = 'bad')::int AS bad,
              count(a.id) FILTER (WHERE a.ended_at >= $2 AND a.ended_at < $3 AND a.state = 'failed')::int AS failed,
              count(a.id) FILTER (WHERE a.ended_at >= $2 AND a.ended_at < $3 AND a.state = 'cancelled')::int
                AS cancelled,
              COALESCE(sum(a.filament_mm) FILTER (WHERE a.ended_at >= $2 AND a.ended_at < $3), 0) AS filament_mm,
              COALESCE(sum(a.filament_grams) FILTER (WHERE a.ended_at >= $2 AND a.ended_at < $3), 0)
                AS filament_grams
         FROM ${FLEETS_TABLE.name} f
         LEFT JOIN print_attempts a
           ON a.fleet_id = f.id AND a.assigned_at < $3 AND (a.ended_at IS NULL OR a.ended_at >= $2)
        WHERE f.org_id = $1 AND ($4::uuid IS NULL OR f.id = $4) AND ${scope.sql}
        GROUP BY f.id, f.name
        ORDER BY f.name`,
      [orgId, range.from, range.to, fleetId, ...scope.values],
    );
    return rows.map((row) => ({
      fleetId: row.fleet_id as string,
      fleetName: row.fleet_name as string,
      printers: Number(row.printers),
      printingSeconds: Math.round(Number(row.printing_seconds)),
      attempts: Number(row.attempts),
      printed: Number(row.printed),
      good: Number(row.good),
      bad: Number(row.bad),
      failed: Number(row.failed),
      cancelled: Number(row.cancelled),
      filamentMm: Number(row.filament_mm),
      filamentGrams: Number(row.filament_grams),
    }));
  }
}
