import { Injectable } from '@nestjs/common';
import { toPositional, type SqlCondition } from '@farmhand/authz';
import { DETECTION_ALERTS_TABLE } from '@farmhand/detection';
import { PRINT_ATTEMPTS_TABLE, PRINT_JOBS_TABLE } from '@farmhand/jobs';
import { SPOOL_USAGES_TABLE, SPOOLS_TABLE } from '@farmhand/spools';
import { PRINTERS_TABLE } from '@farmhand/printers';
import { DataSource } from 'typeorm';
import { monthlyFromDaily, type Day } from './rollups.repository';

/** What a report counts: days [from, to] (UTC, both included), narrowed by fleet, member and tag. */
export interface ReportFilter {
  orgId: string;
  from: Day;
  to: Day;
  fleetId?: string;
  memberId?: string;
  tag?: string;
  /** The rows the caller may read (ability-sql over the `Report` subject), with `:named` parameters. */
  scope: (alias: string) => SqlCondition;
  /** Printer model (lower-cased) -> watts, and the watts of any other model: weighs print time for energy. */
  modelWatts: Record<string, number>;
  defaultWatts: number;
}

/** One group of ended prints: counts by result, time, filament and the watt-seconds its printers drew. */
export interface FigureRow {
  key: string;
  /** A second part of the key (the colour beside a material). */
  detail: string;
  prints: number;
  done: number;
  bad: number;
  failed: number;
  cancelled: number;
  printSeconds: number;
  bedClearSeconds: number;
  filamentGrams: number;
  materialCents: number;
  wattSeconds: number;
}

export type Dimension = 'total' | 'printer' | 'member' | 'material' | 'failure';

export interface StateSecondsRow {
  printerId: string;
  state: string;
  seconds: number;
}

export interface PrinterRow {
  id: string;
  name: string;
  fleetId: string | null;
}

/** Builds `WHERE` text with positional parameters: `value` binds one (call it while writing the part). */
class Where {
  private readonly parts: string[] = [];

  /** `values` may be another Where's, so two WHERE texts of one statement share its parameters. */
  constructor(readonly values: unknown[] = []) {}

  add(sql: string): this {
    this.parts.push(sql);
    return this;
  }

  value(value: unknown): string {
    this.values.push(value);
    return `$${this.values.length}`;
  }

  condition(condition: SqlCondition): this {
    const positional = toPositional(condition, this.values.length + 1);
    this.values.push(...positional.values);
    this.parts.push(positional.sql);
    return this;
  }

  toString(): string {
    return this.parts.join(' AND ');
  }
}

const DAY_START = (parameter: string) => `(CAST(${parameter} AS date)::timestamp AT TIME ZONE 'UTC')`;

const FIGURES = `
  SUM(r.prints)::int AS prints,
  COALESCE(SUM(r.prints) FILTER (WHERE r.result = 'done'), 0)::int AS done,
  COALESCE(SUM(r.prints) FILTER (WHERE r.result = 'bad'), 0)::int AS bad,
  COALESCE(SUM(r.prints) FILTER (WHERE r.result = 'failed'), 0)::int AS failed,
  COALESCE(SUM(r.prints) FILTER (WHERE r.result = 'cancelled'), 0)::int AS cancelled,
  SUM(r.print_seconds)::float8 AS print_seconds,
  SUM(r.bed_clear_seconds)::float8 AS bed_clear_seconds,
  SUM(r.filament_grams)::float8 AS filament_grams,
  SUM(r.material_cents)::float8 AS material_cents,
  SUM(r.print_seconds * COALESCE(w.watts, $WATTS_DEFAULT))::float8 AS watt_seconds`;

export function figureOf(row: Record<string, unknown>, key: string, detail = ''): FigureRow {
  return {
    key,
    detail,
    prints: Number(row.prints ?? 0),
    done: Number(row.done ?? 0),
    bad: Number(row.bad ?? 0),
    failed: Number(row.failed ?? 0),
    cancelled: Number(row.cancelled ?? 0),
    printSeconds: Number(row.print_seconds ?? 0),
    bedClearSeconds: Number(row.bed_clear_seconds ?? 0),
    filamentGrams: Number(row.filament_grams ?? 0),
    materialCents: Number(row.material_cents ?? 0),
    wattSeconds: Number(row.watt_seconds ?? 0),
  };
}

const DAY_MS = 86_400_000;
const dayOf = (ms: number): Day => new Date(ms).toISOString().slice(0, 10);

/** Member and tag filters need the daily rows (their groups carry the member and the tag set); others the monthly. */
function usesMonthly(filter: ReportFilter): boolean {
  return filter.memberId === undefined && !filter.tag;
}

/**
 * The whole UTC months within [from, to]: [first, end). None (first = end = the day after `to`) when the range holds
 * no whole month, so the daily rows answer it all.
 */
export function wholeMonths(from: Day, to: Day): { first: Day; end: Day } {
  const start = new Date(`${from}T00:00:00Z`);
  const first = start.getUTCDate() === 1 ? from : dayOf(Date.UTC(start.getUTCFullYear(), start.getUTCMonth() + 1, 1));
  const after = new Date(Date.parse(`${to}T00:00:00Z`) + DAY_MS);
  const end = dayOf(Date.UTC(after.getUTCFullYear(), after.getUTCMonth(), 1));
  if (first >= end) return { first: dayOf(after.getTime()), end: dayOf(after.getTime()) };
  return { first, end };
}

/**
 * Report reads: aggregates over report_daily_rollups (never the print history, except the per-print CSV), scoped in
 * SQL by the caller's `Report` rules on each row's fleet.
 */
@Injectable()
export class ReportQueriesRepository {
  constructor(private readonly dataSource: DataSource) {}

  /** The rollup rows of the filter, with the printers' watts joined as `w`: the FROM and WHERE every figure uses. */
  private rollupSource(filter: ReportFilter, join = ''): { sql: string; values: unknown[] } {
    const where = new Where();
    where.add(`r.org_id = ${where.value(filter.orgId)}`);
    where.add(`r.day >= ${where.value(filter.from)}`);
    where.add(`r.day <= ${where.value(filter.to)}`);
    if (filter.fleetId) where.add(`r.fleet_id = ${where.value(filter.fleetId)}`);
    if (filter.memberId !== undefined) where.add(`r.member_id = ${where.value(filter.memberId)}`);
    if (filter.tag) where.add(`${where.value(filter.tag)} = ANY(r.tags)`);
    where.condition(filter.scope('r'));
    const watts = where.value(JSON.stringify(filter.modelWatts));
    where.value(filter.defaultWatts);
    const org = '$1';
    const sql = `FROM report_daily_rollups r
      LEFT JOIN (SELECT p.id, (CAST(${watts} AS jsonb) ->> lower(p.model))::float8 AS watts
                   FROM ${PRINTERS_TABLE.name} p WHERE p.org_id = ${org}) w ON w.id = r.printer_id
      ${join}
      WHERE ${where.toString()}`;
    return { sql, values: where.values };
  }

  /**
   * Totals and the groups per printer, member, material + colour and failure reason. Without a member or tag filter
   * from the monthly rollups (and the daily rows of the days at the range's edges); with one, from the daily rows,
   * whose groups carry the member and the tag set.
   */
  async figures(filter: ReportFilter): Promise<Record<Dimension, FigureRow[]>> {
    if (usesMonthly(filter)) return this.monthlyFigures(filter);
    const source = this.rollupSource(filter);
    const wattsDefault = `$${source.values.length}`;
    const rows: Record<string, unknown>[] = await this.dataSource.query(
      `SELECT CASE WHEN GROUPING(r.printer_id) = 0 THEN 'printer' WHEN GROUPING(r.member_id) = 0 THEN 'member'
                   WHEN GROUPING(r.material) = 0 THEN 'material' WHEN GROUPING(r.failure_reason) = 0 THEN 'failure'
                   ELSE 'total' END AS dimension,
              r.printer_id, r.member_id, r.material, r.color, r.failure_reason,
              ${FIGURES.replace('$WATTS_DEFAULT', wattsDefault)}
         ${source.sql}
        GROUP BY GROUPING SETS ((), (r.printer_id), (r.member_id), (r.material, r.color), (r.failure_reason))`,
      source.values,
    );
    const result: Record<Dimension, FigureRow[]> = { total: [], printer: [], member: [], material: [], failure: [] };
    for (const row of rows) {
      const dimension = row.dimension as Dimension;
      if (dimension === 'total') result.total.push(figureOf(row, ''));
      else if (dimension === 'printer') result.printer.push(figureOf(row, (row.printer_id as string | null) ?? ''));
      else if (dimension === 'member') result.member.push(figureOf(row, row.member_id as string));
      else if (dimension === 'material')
        result.material.push(figureOf(row, row.material as string, row.color as string));
      else if (row.failure_reason) result.failure.push(figureOf(row, row.failure_reason as string));
    }
    return result;
  }

  /** The same figures per tag (a print with two tags counts under each). */
  async figuresByTag(filter: ReportFilter): Promise<FigureRow[]> {
    if (usesMonthly(filter))
      return (await this.monthlyGroups(filter, ['tag'])).filter(({ whole }) => !whole).map(({ row }) => row);
    const source = this.rollupSource(filter, 'CROSS JOIN LATERAL unnest(r.tags) tag');
    const wattsDefault = `$${source.values.length}`;
    const rows: Record<string, unknown>[] = await this.dataSource.query(
      `SELECT tag, ${FIGURES.replace('$WATTS_DEFAULT', wattsDefault)}
         ${source.sql}
        GROUP BY tag ORDER BY tag`,
      source.values,
    );
    return rows.map((row) => figureOf(row, row.tag as string));
  }

  private async monthlyFigures(filter: ReportFilter): Promise<Record<Dimension, FigureRow[]>> {
    const result: Record<Dimension, FigureRow[]> = { total: [], printer: [], member: [], material: [], failure: [] };
    for (const { dimension, whole, row } of await this.monthlyGroups(filter, [
      'printer',
      'member',
      'material',
      'failure',
    ])) {
      // The whole of the printer rows is the total: every print has one printer row (its printer or '').
      if (whole) {
        if (dimension === 'printer') result.total.push(row);
      } else if (dimension === 'failure') {
        if (row.key) result.failure.push(row);
      } else result[dimension as Dimension].push(row);
    }
    return result;
  }

  /**
   * Groups of `dimensions` (and each dimension's whole) over the range: the monthly rollups of its whole months, the
   * daily rows of the days before the first and after the last (summed the same way), both cut by fleet and scope.
   * Printer rows take their printer's current watts; member, material and tag rows those of the model they carry.
   */
  private async monthlyGroups(
    filter: ReportFilter,
    dimensions: string[],
  ): Promise<{ dimension: string; whole: boolean; row: FigureRow }[]> {
    const { first, end } = wholeMonths(filter.from, filter.to);
    const where = new Where();
    const org = where.value(filter.orgId);
    const firstMonth = where.value(first);
    const endMonth = where.value(end);
    where.add(`m.org_id = ${org} AND m.month >= ${firstMonth} AND m.month < ${endMonth}`);
    if (filter.fleetId) where.add(`m.fleet_id = ${where.value(filter.fleetId)}`);
    where.condition(filter.scope('m'));
    const monthly = where.toString();
    const edges = new Where(where.values);
    edges.add(`r.org_id = ${org}`);
    edges.add(
      `((r.day >= ${edges.value(filter.from)} AND r.day < ${firstMonth}) OR (r.day >= ${endMonth} AND r.day <= ${edges.value(filter.to)}))`,
    );
    if (filter.fleetId) edges.add(`r.fleet_id = ${edges.value(filter.fleetId)}`);
    edges.condition(filter.scope('r'));
    const watts = edges.value(JSON.stringify(filter.modelWatts));
    const wattsDefault = edges.value(filter.defaultWatts);
    const wanted = edges.value(dimensions);
    const columns = `dimension, group_key, detail, printer_id, model, prints, done, bad, failed, cancelled, print_seconds,
      bed_clear_seconds, filament_grams, material_cents`;
    const rows: Record<string, unknown>[] = await this.dataSource.query(
      `WITH d AS (
         SELECT ${columns} FROM report_monthly_rollups m WHERE ${monthly}
         UNION ALL
         SELECT ${columns} FROM (${monthlyFromDaily(edges.toString())}) e
       )
       SELECT d.dimension, d.group_key, d.detail, GROUPING(d.group_key) AS whole,
              SUM(d.prints)::int AS prints, SUM(d.done)::int AS done, SUM(d.bad)::int AS bad,
              SUM(d.failed)::int AS failed, SUM(d.cancelled)::int AS cancelled,
              SUM(d.print_seconds)::float8 AS print_seconds, SUM(d.bed_clear_seconds)::float8 AS bed_clear_seconds,
              SUM(d.filament_grams)::float8 AS filament_grams, SUM(d.material_cents)::float8 AS material_cents,
              SUM(d.print_seconds * COALESCE(CASE WHEN d.dimension = 'printer' THEN w.watts
                                                  ELSE (CAST(${watts} AS jsonb) ->> d.model)::float8 END,
                                             ${wattsDefault}))::float8 AS watt_seconds
         FROM d
         LEFT JOIN (SELECT p.id, (CAST(${watts} AS jsonb) ->> lower(p.model))::float8 AS watts
                      FROM ${PRINTERS_TABLE.name} p WHERE p.org_id = ${org}) w ON w.id = d.printer_id
        WHERE d.dimension = ANY(${wanted})
        GROUP BY GROUPING SETS ((d.dimension, d.group_key, d.detail), (d.dimension))
        ORDER BY d.dimension, d.group_key, d.detail`,
      edges.values,
    );
    return rows.map((row) => ({
      dimension: row.dimension as string,
      whole: Number(row.whole) === 1,
      row: figureOf(row, (row.group_key as string | null) ?? '', (row.detail as string | null) ?? ''),
    }));
  }

  /** Seconds each printer spent in each recorded state within [from, to] (the open interval runs until now). */
  async stateSeconds(filter: ReportFilter, until: Date): Promise<StateSecondsRow[]> {
    const where = new Where();
    const from = where.value(filter.from);
    const to = where.value(filter.to);
    const end = where.value(until);
    where.add(`i.org_id = ${where.value(filter.orgId)}`);
    where.add(`i.started_at < LEAST(${DAY_START(to)} + interval '1 day', ${end})`);
    where.add(`COALESCE(i.ended_at, 'infinity') > ${DAY_START(from)}`);
    if (filter.fleetId) where.add(`i.fleet_id = ${where.value(filter.fleetId)}`);
    where.condition(filter.scope('i'));
    const rows: { printer_id: string; state: string; seconds: number }[] = await this.dataSource.query(
      `SELECT i.printer_id, i.state,
              SUM(GREATEST(0, EXTRACT(EPOCH FROM
                LEAST(COALESCE(i.ended_at, ${end}), ${DAY_START(to)} + interval '1 day', ${end})
                - GREATEST(i.started_at, ${DAY_START(from)}))))::float8 AS seconds
         FROM printer_state_intervals i
        WHERE ${where.toString()}
        GROUP BY i.printer_id, i.state`,
      where.values,
    );
    return rows.map((row) => ({ printerId: row.printer_id, state: row.state, seconds: Number(row.seconds) }));
  }

  /** The printers a report may name: of the organization, in the filter's fleet and the caller's. */
  async printers(filter: ReportFilter): Promise<PrinterRow[]> {
    const where = new Where();
    where.add(`p.org_id = ${where.value(filter.orgId)}`);
    if (filter.fleetId) where.add(`p.fleet_id = ${where.value(filter.fleetId)}`);
    where.condition(filter.scope('p'));
    const rows: { id: string; name: string; fleet_id: string | null }[] = await this.dataSource.query(
      `SELECT p.id, p.name, p.fleet_id FROM ${PRINTERS_TABLE.name} p WHERE ${where.toString()} ORDER BY p.name, p.id`,
      where.values,
    );
    return rows.map((row) => ({ id: row.id, name: row.name, fleetId: row.fleet_id }));
  }

  /** Detector alerts raised on the printers of the filter in [from, to], and how many a person called false. */
  async alerts(filter: ReportFilter): Promise<{ alerts: number; falseAlarms: number; confirmed: number }> {
    const where = new Where();
    where.add(`a.org_id = ${where.value(filter.orgId)}`);
    where.add(`a.created_at >= ${DAY_START(where.value(filter.from))}`);
    where.add(`a.created_at < ${DAY_START(where.value(filter.to))} + interval '1 day'`);
    if (filter.fleetId) where.add(`p.fleet_id = ${where.value(filter.fleetId)}`);
    where.condition(filter.scope('p'));
    const [row]: { alerts: number; false_alarms: number; confirmed: number }[] = await this.dataSource.query(
      `SELECT COUNT(*)::int AS alerts, COUNT(*) FILTER (WHERE a.state = 'false_alarm')::int AS false_alarms,
              COUNT(*) FILTER (WHERE a.state = 'confirmed')::int AS confirmed
         FROM ${DETECTION_ALERTS_TABLE.name} a JOIN ${PRINTERS_TABLE.name} p ON p.id = a.printer_id
        WHERE ${where.toString()}`,
      where.values,
    );
    return { alerts: row?.alerts ?? 0, falseAlarms: row?.false_alarms ?? 0, confirmed: row?.confirmed ?? 0 };
  }

  /**
   * The per-print rows of the filter, newest last, as SQL for a cursor: the one export that reads the print
   * history itself (a year of a large farm is streamed, never loaded).
   */
  printsQuery(filter: ReportFilter): { sql: string; values: unknown[] } {
    const where = new Where();
    where.add(`a.org_id = ${where.value(filter.orgId)}`);
    where.add(`a.ended_at >= ${DAY_START(where.value(filter.from))}`);
    where.add(`a.ended_at < ${DAY_START(where.value(filter.to))} + interval '1 day'`);
    where.add(`a.started_at IS NOT NULL AND a.state IN ('done', 'awaiting_bed_clear', 'failed', 'cancelled')`);
    if (filter.fleetId) where.add(`a.fleet_id = ${where.value(filter.fleetId)}`);
    if (filter.memberId !== undefined) where.add(`COALESCE(j.created_by, '') = ${where.value(filter.memberId)}`);
    if (filter.tag) where.add(`${where.value(filter.tag)} = ANY(j.tags)`);
    where.condition(filter.scope('a'));
    return {
      sql: `SELECT a.ended_at, p.name AS printer, a.fleet_id, j.name AS job, COALESCE(j.created_by, '') AS member,
                   array_to_string(j.tags, ' ') AS tags,
                   CASE WHEN a.state = 'failed' THEN 'failed' WHEN a.state = 'cancelled' THEN 'cancelled'
                        WHEN a.outcome = 'bad' THEN 'bad' ELSE 'done' END AS result,
                   COALESCE(a.failure_reason, '') AS failure_reason,
                   EXTRACT(EPOCH FROM a.ended_at - a.started_at)::float8 AS print_seconds,
                   COALESCE(a.filament_grams, 0)::float8 AS filament_grams
              FROM ${PRINT_ATTEMPTS_TABLE.name} a
              JOIN ${PRINT_JOBS_TABLE.name} j ON j.id = a.job_id
              LEFT JOIN ${PRINTERS_TABLE.name} p ON p.id = a.printer_id
             WHERE ${where.toString()}
             ORDER BY a.ended_at, a.id`,
      values: where.values,
    };
  }

  /**
   * One row per job with prints ended in the filter, with the same figures as the rollups (material cost from the
   * spools' recorded usage, watt-seconds by the printer's model), read from the print history through a cursor: the
   * cost of each job, which no rollup keeps (a farm has as many jobs as prints, nearly).
   */
  jobsQuery(filter: ReportFilter): { sql: string; values: unknown[] } {
    const where = new Where();
    where.add(`a.org_id = ${where.value(filter.orgId)}`);
    where.add(`a.ended_at >= ${DAY_START(where.value(filter.from))}`);
    where.add(`a.ended_at < ${DAY_START(where.value(filter.to))} + interval '1 day'`);
    where.add(`a.started_at IS NOT NULL AND a.state IN ('done', 'awaiting_bed_clear', 'failed', 'cancelled')`);
    if (filter.fleetId) where.add(`a.fleet_id = ${where.value(filter.fleetId)}`);
    if (filter.memberId !== undefined) where.add(`COALESCE(j.created_by, '') = ${where.value(filter.memberId)}`);
    if (filter.tag) where.add(`${where.value(filter.tag)} = ANY(j.tags)`);
    where.condition(filter.scope('a'));
    const watts = where.value(JSON.stringify(filter.modelWatts));
    const defaultWatts = where.value(filter.defaultWatts);
    const seconds = `GREATEST(0, EXTRACT(EPOCH FROM a.ended_at - a.started_at))`;
    return {
      sql: `SELECT j.id AS job_id, j.name AS job, COALESCE(j.created_by, '') AS member,
                   array_to_string(j.tags, ' ') AS tags,
                   COUNT(*)::int AS prints,
                   COUNT(*) FILTER (WHERE a.state IN ('done', 'awaiting_bed_clear')
                                      AND a.outcome IS DISTINCT FROM 'bad')::int AS done,
                   COUNT(*) FILTER (WHERE a.state IN ('done', 'awaiting_bed_clear') AND a.outcome = 'bad')::int AS bad,
                   COUNT(*) FILTER (WHERE a.state = 'failed')::int AS failed,
                   COUNT(*) FILTER (WHERE a.state = 'cancelled')::int AS cancelled,
                   SUM(${seconds})::float8 AS print_seconds,
                   SUM(COALESCE(u.grams, CASE WHEN a.state IN ('done', 'awaiting_bed_clear') THEN a.filament_grams END,
                                0))::float8 AS filament_grams,
                   SUM(COALESCE(u.cents, 0))::float8 AS material_cents,
                   SUM(${seconds} * COALESCE((CAST(${watts} AS jsonb) ->> lower(p.model))::float8,
                                             CAST(${defaultWatts} AS float8)))::float8 AS watt_seconds
              FROM ${PRINT_ATTEMPTS_TABLE.name} a
              JOIN ${PRINT_JOBS_TABLE.name} j ON j.id = a.job_id
              LEFT JOIN ${PRINTERS_TABLE.name} p ON p.id = a.printer_id
              LEFT JOIN LATERAL (
                SELECT SUM(su.grams) AS grams,
                       SUM(su.grams * COALESCE(s.cost_cents, 0) / NULLIF(s.initial_grams, 0)) AS cents
                  FROM ${SPOOL_USAGES_TABLE.name} su
                  JOIN ${SPOOLS_TABLE.name} s ON s.id = su.spool_id
                 WHERE su.copy_id = a.copy_id AND su.attempt = a.attempt AND su.outcome <> 'adjustment'
                HAVING COUNT(*) > 0
              ) u ON TRUE
             WHERE ${where.toString()}
             GROUP BY j.id, j.name, j.created_by, j.tags
             ORDER BY MIN(a.ended_at), j.id`,
      values: where.values,
    };
  }

  /**
   * Rows of `query` in batches through a server-side cursor: memory stays one batch however long the history. When
   * the consumer stops early (the client went away), the generator's `finally` rolls back, which closes the
   * cursor and ends the query in Postgres.
   */
  async *cursor(query: { sql: string; values: unknown[] }, batch = 1000): AsyncGenerator<Record<string, unknown>[]> {
    const runner = this.dataSource.createQueryRunner();
    await runner.connect();
    try {
      await runner.startTransaction();
      await runner.query(`DECLARE report_export NO SCROLL CURSOR FOR ${query.sql}`, query.values);
      for (;;) {
        const rows: Record<string, unknown>[] = await runner.query(`FETCH ${batch} FROM report_export`);
        if (!rows.length) break;
        yield rows;
      }
      await runner.commitTransaction();
    } finally {
      if (runner.isTransactionActive) await runner.rollbackTransaction();
      await runner.release();
    }
  }
}
