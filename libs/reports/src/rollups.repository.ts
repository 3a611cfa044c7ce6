import { Injectable } from '@nestjs/common';
import { PRINT_ATTEMPTS_TABLE, PRINT_COPIES_TABLE, PRINT_JOBS_TABLE } from '@farmhand/jobs';
import { PRINTERS_TABLE } from '@farmhand/printers';
import { SPOOL_USAGES_TABLE, SPOOLS_TABLE } from '@farmhand/spools';
import { DataSource, type EntityManager } from 'typeorm';

/** A UTC calendar day, `YYYY-MM-DD`. */
export type Day = string;

/** The UTC midnight that starts `day`, whatever the session's time zone. */
const DAY_START = (parameter: string) => `(CAST(${parameter} AS date)::timestamp AT TIME ZONE 'UTC')`;

/**
 * Ended prints of one organization summed per day and dimension: the one statement that fills the rollups from
 * the owners' tables (read through their shared tables). A print's material and colour are those of the spool it
 * took the most filament from; its grams and material cost are the sum over its spools (from the recorded usage,
 * else the file's grams for a finished print).
 */
const ROLLUP_SELECT = `
  SELECT a.org_id, (a.ended_at AT TIME ZONE 'UTC')::date AS day, a.printer_id, a.fleet_id,
         COALESCE(j.created_by, '') AS member_id,
         COALESCE((SELECT array_agg(DISTINCT tag ORDER BY tag) FROM unnest(j.tags) tag), '{}') AS tags,
         LEFT(COALESCE(u.material, j.material, ''), 50) AS material, LEFT(COALESCE(u.color, ''), 64) AS color,
         CASE WHEN a.state = 'failed' THEN 'failed' WHEN a.state = 'cancelled' THEN 'cancelled'
              WHEN a.outcome = 'bad' THEN 'bad' ELSE 'done' END AS result,
         CASE WHEN a.state = 'failed' THEN LEFT(COALESCE(a.failure_reason, 'unknown'), 64) ELSE '' END AS failure_reason,
         COUNT(*)::int AS prints,
         SUM(GREATEST(0, EXTRACT(EPOCH FROM a.ended_at - a.started_at)))::float8 AS print_seconds,
         SUM(CASE WHEN c.attempt = a.attempt AND c.cleared_at IS NOT NULL
                  THEN GREATEST(0, EXTRACT(EPOCH FROM c.cleared_at - a.ended_at)) ELSE 0 END)::float8 AS bed_clear_seconds,
         SUM(COALESCE(u.grams, CASE WHEN a.state IN ('done', 'awaiting_bed_clear') THEN a.filament_grams END, 0))::float8
           AS filament_grams,
         SUM(COALESCE(u.cents, 0))::float8 AS material_cents
    FROM ${PRINT_ATTEMPTS_TABLE.name} a
    JOIN ${PRINT_JOBS_TABLE.name} j ON j.id = a.job_id
    JOIN ${PRINT_COPIES_TABLE.name} c ON c.id = a.copy_id
    LEFT JOIN LATERAL (
      SELECT (array_agg(s.material ORDER BY su.grams DESC))[1] AS material,
             (array_agg(COALESCE(s.color_name, s.color_hex) ORDER BY su.grams DESC))[1] AS color,
             SUM(su.grams) AS grams,
             SUM(su.grams * COALESCE(s.cost_cents, 0) / NULLIF(s.initial_grams, 0)) AS cents
        FROM ${SPOOL_USAGES_TABLE.name} su
        JOIN ${SPOOLS_TABLE.name} s ON s.id = su.spool_id
       WHERE su.copy_id = a.copy_id AND su.attempt = a.attempt AND su.outcome <> 'adjustment'
      HAVING COUNT(*) > 0
    ) u ON TRUE
   WHERE a.org_id = $1 AND a.ended_at >= ${DAY_START('$2')} AND a.ended_at < ${DAY_START('$3')}
     AND a.started_at IS NOT NULL AND a.state IN ('done', 'awaiting_bed_clear', 'failed', 'cancelled')
   GROUP BY 1, 2, 3, 4, 5, 6, 7, 8, 9, 10`;

const MONTHLY_SUMS = `
  SUM(r.prints)::int AS prints,
  COALESCE(SUM(r.prints) FILTER (WHERE r.result = 'done'), 0)::int AS done,
  COALESCE(SUM(r.prints) FILTER (WHERE r.result = 'bad'), 0)::int AS bad,
  COALESCE(SUM(r.prints) FILTER (WHERE r.result = 'failed'), 0)::int AS failed,
  COALESCE(SUM(r.prints) FILTER (WHERE r.result = 'cancelled'), 0)::int AS cancelled,
  SUM(r.print_seconds)::float8 AS print_seconds,
  SUM(r.bed_clear_seconds)::float8 AS bed_clear_seconds,
  SUM(r.filament_grams)::float8 AS filament_grams,
  SUM(r.material_cents)::float8 AS material_cents`;

/** The columns of report_monthly_rollups that `monthlyFromDaily` yields, in order (after org_id). */
export const MONTHLY_COLUMNS = `month, dimension, group_key, detail, fleet_id, printer_id, model, prints, done, bad, failed,
  cancelled, print_seconds, bed_clear_seconds, filament_grams, material_cents`;

/**
 * Daily rollup rows summed per month, fleet and dimension: one row per printer, per member and model, per material,
 * colour and model, per failure reason, per tag and model (a print with two tags counts under each). `where` picks the
 * daily rows (alias `r`, report_daily_rollups). Used by the writer for whole months and by reports for the days at a
 * range's edges, so both give the same groups.
 */
export function monthlyFromDaily(where: string): string {
  const source = `(SELECT r.*, lower(p.model) AS model
                     FROM report_daily_rollups r LEFT JOIN ${PRINTERS_TABLE.name} p ON p.id = r.printer_id
                    WHERE ${where})`;
  return `
  SELECT date_trunc('month', r.day::timestamp)::date AS month,
         CASE WHEN GROUPING(r.printer_id) = 0 THEN 'printer' WHEN GROUPING(r.member_id) = 0 THEN 'member'
              WHEN GROUPING(r.material) = 0 THEN 'material' ELSE 'failure' END AS dimension,
         CASE WHEN GROUPING(r.printer_id) = 0 THEN COALESCE(r.printer_id::text, '')
              WHEN GROUPING(r.member_id) = 0 THEN r.member_id
              WHEN GROUPING(r.material) = 0 THEN r.material ELSE r.failure_reason END AS group_key,
         CASE WHEN GROUPING(r.material) = 0 THEN r.color ELSE '' END AS detail,
         r.fleet_id, r.printer_id, r.model, ${MONTHLY_SUMS}
    FROM ${source} r
   GROUP BY date_trunc('month', r.day::timestamp), r.fleet_id,
            GROUPING SETS ((r.printer_id), (r.member_id, r.model), (r.material, r.color, r.model), (r.failure_reason))
  UNION ALL
  SELECT date_trunc('month', r.day::timestamp)::date, 'tag', tag, '', r.fleet_id, NULL::uuid, r.model, ${MONTHLY_SUMS}
    FROM ${source} r CROSS JOIN LATERAL unnest(r.tags) tag
   GROUP BY date_trunc('month', r.day::timestamp), tag, r.fleet_id, r.model`;
}

/** Writes report_daily_rollups (and the monthly rollups of the same months) and reads what a refresh needs. No rules: ReportsRefresher decides what to rebuild. */
@Injectable()
export class RollupsRepository {
  constructor(private readonly dataSource: DataSource) {}

  /**
   * Rebuilds the rollups of days [from, to) of one organization in one transaction (readers see the old or the new
   * figures, never half): the rows of those days are replaced by what the print history says now.
   */
  async rebuild(orgId: string, from: Day, to: Day): Promise<number> {
    return this.dataSource.transaction(async (manager: EntityManager) => {
      // One rebuild of an organization at a time: two (a print's end and the periodic pass) would double rows.
      await manager.query(`SELECT pg_advisory_xact_lock(hashtext('report_daily_rollups'), hashtext($1))`, [orgId]);
      await manager.query(`DELETE FROM report_daily_rollups WHERE org_id = $1 AND day >= $2 AND day < $3`, [
        orgId,
        from,
        to,
      ]);
      const inserted: unknown[] = await manager.query(
        `INSERT INTO report_daily_rollups (org_id, day, printer_id, fleet_id, member_id, tags, material, color, result,
           failure_reason, prints, print_seconds, bed_clear_seconds, filament_grams, material_cents)
         ${ROLLUP_SELECT}
         RETURNING 1`,
        [orgId, from, to],
      );
      // The months those days fall in, summed again from their daily rows (whole months, so no row is half).
      await manager.query(
        `DELETE FROM report_monthly_rollups WHERE org_id = $1 AND month >= date_trunc('month', CAST($2 AS date)::timestamp)
            AND month < date_trunc('month', (CAST($3 AS date) - 1)::timestamp) + interval '1 month'`,
        [orgId, from, to],
      );
      await manager.query(
        `INSERT INTO report_monthly_rollups (org_id, ${MONTHLY_COLUMNS})
         SELECT $1, m.* FROM (${monthlyFromDaily(
           `r.org_id = $1 AND r.day >= date_trunc('month', CAST($2 AS date)::timestamp)
              AND r.day < date_trunc('month', (CAST($3 AS date) - 1)::timestamp) + interval '1 month'`,
         )}) m`,
        [orgId, from, to],
      );
      return inserted.length;
    });
  }

  /** Organizations with prints ended since `since` (the periodic pass rebuilds their recent days). */
  async organizationsWithPrintsSince(since: Date): Promise<string[]> {
    const rows: { org_id: string }[] = await this.dataSource.query(
      `SELECT DISTINCT org_id FROM ${PRINT_ATTEMPTS_TABLE.name} WHERE ended_at >= $1`,
      [since],
    );
    return rows.map((row) => row.org_id);
  }

  /** The first and last day an organization's prints ended, for a full rebuild. */
  async historySpan(orgId: string): Promise<{ first: Day; last: Day } | null> {
    const [row]: { first: string | null; last: string | null }[] = await this.dataSource.query(
      `SELECT to_char(MIN(ended_at) AT TIME ZONE 'UTC', 'YYYY-MM-DD') AS first,
              to_char(MAX(ended_at) AT TIME ZONE 'UTC', 'YYYY-MM-DD') AS last
         FROM ${PRINT_ATTEMPTS_TABLE.name} WHERE org_id = $1`,
      [orgId],
    );
    return row?.first && row.last ? { first: row.first, last: row.last } : null;
  }

  /** The day a copy's latest attempt ended, if it did. */
  async endedDay(orgId: string, copyId: string): Promise<Day | null> {
    const [row]: { day: string | null }[] = await this.dataSource.query(
      `SELECT to_char(MAX(ended_at) AT TIME ZONE 'UTC', 'YYYY-MM-DD') AS day
         FROM ${PRINT_ATTEMPTS_TABLE.name} WHERE org_id = $1 AND copy_id = $2`,
      [orgId, copyId],
    );
    return row?.day ?? null;
  }
}
