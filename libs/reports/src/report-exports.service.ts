import { Injectable } from '@nestjs/common';
import type { AppAbility } from '@farmhand/authz';
import { escapeCsvCell } from '@farmhand/enrollment';
import type { ExportTable, ReportQueryDto } from './dto/report.dto';
import type { FiguresDto } from './dto/report-responses.dto';
import { figureOf, ReportQueriesRepository } from './report-queries.repository';
import { ReportsService } from './reports.service';

type Cell = string | number | null | undefined;

/** A cell: numbers as they are (a negative number is data, not a formula), text through the injection-safe escape. */
const cell = (value: Cell) => (typeof value === 'number' ? String(value) : escapeCsvCell(value));
const line = (cells: readonly Cell[]) => `${cells.map(cell).join(',')}\r\n`;

const FIGURE_HEADER = [
  'prints',
  'done',
  'bad',
  'failed',
  'cancelled',
  'success_rate',
  'print_hours',
  'filament_grams',
  'material_cents',
  'energy_cents',
  'machine_cents',
  'total_cents',
  'per_print_cents',
];
const figureCells = (row: FiguresDto): Cell[] => [
  row.prints,
  row.done,
  row.bad,
  row.failed,
  row.cancelled,
  row.successRate,
  row.printHours,
  row.filamentGrams,
  row.cost.materialCents,
  row.cost.energyCents,
  row.cost.machineCents,
  row.cost.totalCents,
  row.cost.perPrintCents,
];

export interface CsvExport {
  filename: string;
  lines: AsyncGenerator<string>;
}

/**
 * The report's tables as CSV (RFC 4180, CRLF, cells that would be formulas prefixed with `'`). The per-print table
 * is read through a cursor and written as it comes; the aggregate tables are one row per printer, member, tag or
 * material of the filter.
 */
@Injectable()
export class ReportExportsService {
  constructor(
    private readonly reports: ReportsService,
    private readonly queries: ReportQueriesRepository,
  ) {}

  async export(ability: AppAbility, orgId: string, table: ExportTable, query: ReportQueryDto): Promise<CsvExport> {
    const filter = await this.reports.filter(ability, orgId, query);
    const filename = `farmhand-${table}-${filter.from}_${filter.to}.csv`;
    if (table === 'prints')
      return { filename, lines: this.prints(this.queries.cursor(this.queries.printsQuery(filter))) };
    if (table === 'jobs') {
      // Each job priced like every other group: the report's own figures() over the job's prints.
      const price = (row: Record<string, unknown>) => this.reports.figures(figureOf(row, String(row.job_id)), filter);
      return { filename, lines: this.jobs(this.queries.cursor(this.queries.jobsQuery(filter)), price) };
    }
    const report = await this.reports.report(ability, orgId, query);
    const rows = (): { header: string[]; rows: Cell[][] } => {
      switch (table) {
        case 'printers':
          return {
            header: [
              'printer_id',
              'printer',
              'fleet_id',
              ...FIGURE_HEADER,
              'printing_hours',
              'paused_hours',
              'bed_clear_hours',
              'offline_hours',
              'idle_hours',
              'utilisation',
            ],
            rows: report.printers.map((row) => [
              row.printerId,
              row.name,
              row.fleetId,
              ...figureCells(row),
              row.utilisation.printingHours,
              row.utilisation.pausedHours,
              row.utilisation.bedClearHours,
              row.utilisation.offlineHours,
              row.utilisation.idleHours,
              row.utilisation.utilisation,
            ]),
          };
        case 'members':
          return {
            header: ['member_id', ...FIGURE_HEADER],
            rows: report.members.map((row) => [row.memberId, ...figureCells(row)]),
          };
        case 'tags':
          return { header: ['tag', ...FIGURE_HEADER], rows: report.tags.map((row) => [row.tag, ...figureCells(row)]) };
        case 'materials':
          return {
            header: ['material', 'color', ...FIGURE_HEADER],
            rows: report.materials.map((row) => [row.material, row.color, ...figureCells(row)]),
          };
        case 'failures':
          return { header: ['reason', 'prints'], rows: report.failureReasons.map((row) => [row.reason, row.prints]) };
      }
    };
    const { header, rows: cells } = rows();
    return {
      filename,
      lines: (async function* () {
        yield line(header);
        for (const row of cells) yield line(row);
      })(),
    };
  }

  private async *jobs(
    batches: AsyncGenerator<Record<string, unknown>[]>,
    price: (row: Record<string, unknown>) => FiguresDto,
  ): AsyncGenerator<string> {
    yield line(['job_id', 'job', 'member_id', 'tags', ...FIGURE_HEADER]);
    for await (const rows of batches) {
      let chunk = '';
      for (const row of rows)
        chunk += line([
          row.job_id as string,
          row.job as string,
          row.member as string,
          row.tags as string,
          ...figureCells(price(row)),
        ]);
      yield chunk;
    }
  }

  private async *prints(batches: AsyncGenerator<Record<string, unknown>[]>): AsyncGenerator<string> {
    yield line([
      'ended_at',
      'printer',
      'fleet_id',
      'job',
      'member_id',
      'tags',
      'result',
      'failure_reason',
      'print_hours',
      'filament_grams',
    ]);
    for await (const rows of batches) {
      let chunk = '';
      for (const row of rows)
        chunk += line([
          (row.ended_at as Date).toISOString(),
          row.printer as string | null,
          row.fleet_id as string | null,
          row.job as string,
          row.member as string,
          row.tags as string,
          row.result as string,
          row.failure_reason as string,
          Math.round((Number(row.print_seconds) / 3600) * 1000) / 1000,
          Number(row.filament_grams),
        ]);
      yield chunk;
    }
  }
}
