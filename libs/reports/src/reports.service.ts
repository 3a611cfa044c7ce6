import { Injectable } from '@nestjs/common';
import { AuditService } from '@farmhand/audit';
import { accessibleWhere, subject, type AppAbility, type Principal } from '@farmhand/authz';
import { DomainException } from '@farmhand/core';
import { DataSource } from 'typeorm';
import type { ReportQueryDto, UpdateReportSettingsDto } from './dto/report.dto';
import type {
  FiguresDto,
  PrinterFiguresDto,
  ReportDto,
  ReportSettingsDto,
  UtilisationDto,
} from './dto/report-responses.dto';
import { ReportQueriesRepository, type FigureRow, type ReportFilter } from './report-queries.repository';
import { ReportsRepository, type CostSettings } from './reports.repository';

/** A report spans at most this many days: two years, what the rollups answer quickly. */
export const MAX_REPORT_DAYS = 731;
const DAY_MS = 86_400_000;

const round = (value: number, digits = 2) => Math.round(value * 10 ** digits) / 10 ** digits;
const hours = (seconds: number) => round(seconds / 3600, 3);

/** Reports: figures from the daily rollups, scoped to the caller's fleets, priced with the organization's settings. */
@Injectable()
export class ReportsService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly queries: ReportQueriesRepository,
    private readonly reports: ReportsRepository,
    private readonly audit: AuditService,
  ) {}

  /** The filter of a request, its range checked and its rows bounded by the caller's `read Report` rules. */
  async filter(ability: AppAbility, orgId: string, query: ReportQueryDto): Promise<ReportFilter & CostSettings> {
    const from = Date.parse(`${query.from}T00:00:00Z`);
    const to = Date.parse(`${query.to}T00:00:00Z`);
    if (Number.isNaN(from)) throw DomainException.invalid('report_range_invalid', 'from is not a day', 'from');
    if (Number.isNaN(to)) throw DomainException.invalid('report_range_invalid', 'to is not a day', 'to');
    if (to < from) throw DomainException.invalid('report_range_invalid', 'to must not be before from', 'to');
    if ((to - from) / DAY_MS + 1 > MAX_REPORT_DAYS)
      throw DomainException.invalid('report_range_invalid', `A report spans at most ${MAX_REPORT_DAYS} days`, 'to');
    const settings = await this.reports.settings(orgId);
    return {
      ...settings,
      orgId,
      from: query.from,
      to: query.to,
      fleetId: query.fleetId,
      memberId: query.memberId,
      tag: query.tag?.toLowerCase(),
      scope: (alias) =>
        accessibleWhere(
          ability,
          'read',
          'Report',
          {
            orgId: { column: `${alias}.org_id`, type: 'uuid' },
            fleetId: { column: `${alias}.fleet_id`, type: 'uuid' },
          },
          `report_${alias}`,
        ),
    };
  }

  async report(ability: AppAbility, orgId: string, query: ReportQueryDto): Promise<ReportDto> {
    const filter = await this.filter(ability, orgId, query);
    const [figures, tags, states, printers, alerts] = await Promise.all([
      this.queries.figures(filter),
      this.queries.figuresByTag(filter),
      this.queries.stateSeconds(filter, new Date()),
      this.queries.printers(filter),
      this.queries.alerts(filter),
    ]);
    const price = (row: FigureRow) => this.figures(row, filter);
    const period = this.periodSeconds(filter, new Date());
    const byPrinter = new Map(figures.printer.map((row) => [row.key, row]));
    const stateOf = new Map<string, Record<string, number>>();
    for (const row of states) {
      const seconds = stateOf.get(row.printerId) ?? {};
      seconds[row.state] = (seconds[row.state] ?? 0) + row.seconds;
      stateOf.set(row.printerId, seconds);
    }
    const printerRows: PrinterFiguresDto[] = printers.map((printer) => {
      const row = byPrinter.get(printer.id) ?? emptyRow(printer.id);
      return {
        printerId: printer.id,
        name: printer.name,
        fleetId: printer.fleetId,
        ...price(row),
        utilisation: utilisationOf(row, stateOf.get(printer.id) ?? {}, period),
      };
    });
    const total = figures.total[0] ?? emptyRow('');
    const sum = (key: keyof UtilisationDto) => printerRows.reduce((acc, row) => acc + row.utilisation[key], 0);
    const fleetPeriod = period * printerRows.length;
    return {
      from: filter.from,
      to: filter.to,
      currency: filter.currency,
      totals: price(total),
      utilisation: {
        printingHours: round(sum('printingHours'), 3),
        pausedHours: round(sum('pausedHours'), 3),
        bedClearHours: round(sum('bedClearHours'), 3),
        offlineHours: round(sum('offlineHours'), 3),
        idleHours: round(sum('idleHours'), 3),
        utilisation: fleetPeriod ? round((sum('printingHours') * 3600) / fleetPeriod, 4) : 0,
      },
      printers: printerRows,
      members: figures.member.map((row) => ({ memberId: row.key, ...price(row) })),
      tags: tags.map((row) => ({ tag: row.key, ...price(row) })),
      materials: figures.material.map((row) => ({ material: row.key, color: row.detail, ...price(row) })),
      failureReasons: figures.failure
        .map((row) => ({ reason: row.key, prints: row.failed }))
        .sort((a, b) => b.prints - a.prints || a.reason.localeCompare(b.reason)),
      alerts,
    };
  }

  /** A group's figures priced: material from the spools, energy and machine time from the settings. */
  figures(row: FigureRow, settings: CostSettings): FiguresDto {
    const materialCents = row.materialCents;
    const energyCents = (row.wattSeconds / 3600 / 1000) * settings.energyCentsPerKwh;
    const machineCents = (row.printSeconds / 3600) * settings.machineCentsPerHour;
    const totalCents = materialCents + energyCents + machineCents;
    return {
      prints: row.prints,
      done: row.done,
      bad: row.bad,
      failed: row.failed,
      cancelled: row.cancelled,
      successRate: row.prints ? round(row.done / row.prints, 4) : 0,
      printHours: hours(row.printSeconds),
      filamentGrams: round(row.filamentGrams),
      cost: {
        materialCents: round(materialCents),
        energyCents: round(energyCents),
        machineCents: round(machineCents),
        totalCents: round(totalCents),
        perPrintCents: row.prints ? round(totalCents / row.prints) : 0,
      },
    };
  }

  /** Seconds of the filter's days that have begun (a range reaching into the future counts until now). */
  private periodSeconds(filter: ReportFilter, now: Date): number {
    const from = Date.parse(`${filter.from}T00:00:00Z`);
    const end = Math.min(Date.parse(`${filter.to}T00:00:00Z`) + DAY_MS, now.getTime());
    return Math.max(0, (end - from) / 1000);
  }

  async settings(ability: AppAbility, orgId: string): Promise<ReportSettingsDto> {
    this.assertMay(ability, 'read', orgId);
    return toSettingsView(await this.reports.settings(orgId));
  }

  async updateSettings(
    principal: Principal,
    ability: AppAbility,
    orgId: string,
    input: UpdateReportSettingsDto,
  ): Promise<ReportSettingsDto> {
    // The settings price every fleet's figures: whole-organization admins only (fleetId null matches no fleet rule).
    this.assertMay(ability, 'update', orgId);
    return this.dataSource.transaction(async (manager) => {
      const current = await this.reports.settings(orgId, manager);
      const next: CostSettings = {
        currency: input.currency ?? current.currency,
        energyCentsPerKwh: input.energyCentsPerKwh ?? current.energyCentsPerKwh,
        machineCentsPerHour: input.machineCentsPerHour ?? current.machineCentsPerHour,
        defaultWatts: input.defaultWatts ?? current.defaultWatts,
        modelWatts: input.modelWatts
          ? Object.fromEntries(input.modelWatts.map((entry) => [entry.model.trim().toLowerCase(), entry.watts]))
          : current.modelWatts,
      };
      await this.reports.saveSettings(manager, orgId, next);
      await this.audit.record(manager, {
        orgId,
        principal,
        action: 'report.settingsUpdated',
        subject: { type: 'Report', id: orgId },
        details: { before: current, after: next },
      });
      return toSettingsView(next);
    });
  }

  private assertMay(ability: AppAbility, action: 'read' | 'update', orgId: string): void {
    if (ability.cannot(action, subject('Report', { orgId, fleetId: null })))
      throw DomainException.forbidden('forbidden', 'Only whole-organization admins see and change the cost settings');
  }
}

function toSettingsView(settings: CostSettings): ReportSettingsDto {
  return {
    currency: settings.currency,
    energyCentsPerKwh: settings.energyCentsPerKwh,
    machineCentsPerHour: settings.machineCentsPerHour,
    defaultWatts: settings.defaultWatts,
    modelWatts: Object.entries(settings.modelWatts)
      .map(([model, watts]) => ({ model, watts }))
      .sort((a, b) => a.model.localeCompare(b.model)),
  };
}

function emptyRow(key: string): FigureRow {
  return {
    key,
    detail: '',
    prints: 0,
    done: 0,
    bad: 0,
    failed: 0,
    cancelled: 0,
    printSeconds: 0,
    bedClearSeconds: 0,
    filamentGrams: 0,
    materialCents: 0,
    wattSeconds: 0,
  };
}

/**
 * A printer's period split by state: printing is print time less the recorded pauses, bed clear from the prints,
 * paused and offline from the state intervals, idle the rest.
 */
function utilisationOf(row: FigureRow, states: Record<string, number>, period: number): UtilisationDto {
  const paused = states.paused ?? 0;
  const offline = (states.offline ?? 0) + (states.connecting ?? 0);
  const printing = Math.max(0, row.printSeconds - paused);
  const idle = Math.max(0, period - printing - paused - row.bedClearSeconds - offline);
  return {
    printingHours: hours(printing),
    pausedHours: hours(paused),
    bedClearHours: hours(row.bedClearSeconds),
    offlineHours: hours(offline),
    idleHours: hours(idle),
    utilisation: period ? round(printing / period, 4) : 0,
  };
}
