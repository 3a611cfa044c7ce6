import { Injectable } from '@nestjs/common';
import { accessibleWhere, subject, type AppAbility } from '@farmhand/authz';
import { DomainException } from '@farmhand/core';
import { PrintersService } from '@farmhand/printers';
import { FLEET_AS_JOB_COLUMNS, StatsRepository } from './stats.repository';

const DAY_MS = 24 * 3600 * 1000;
/** Longest range one utilization query covers. */
const MAX_RANGE_DAYS = 366;

function range(from: string | undefined, to: string | undefined, defaultDays: number): { from: Date; to: Date } {
  const end = to ? new Date(to) : new Date();
  const start = from ? new Date(from) : new Date(end.getTime() - defaultDays * DAY_MS);
  if (!(start < end)) throw DomainException.invalid('invalid_range', 'from must be before to', 'from');
  if (end.getTime() - start.getTime() > MAX_RANGE_DAYS * DAY_MS)
    throw DomainException.invalid('invalid_range', `A range covers at most ${MAX_RANGE_DAYS} days`, 'from');
  return { from: start, to: end };
}

/** History and statistics, read from the attempts table (one row per copy per printer it went to). */
@Injectable()
export class StatsService {
  constructor(
    private readonly stats: StatsRepository,
    private readonly printers: PrintersService,
  ) {}

  async printerHistory(
    ability: AppAbility,
    orgId: string,
    printerId: string,
    query: { from?: string; to?: string; limit?: number },
  ) {
    await this.printers.get(ability, orgId, printerId);
    const window = range(query.from, query.to, 30);
    const attempts = await this.stats.printerHistory(orgId, printerId, window, query.limit ?? 200);
    const ended = attempts.filter((attempt) => attempt.endedAt);
    return {
      printerId,
      from: window.from,
      to: window.to,
      summary: {
        attempts: attempts.length,
        printed: ended.filter((attempt) => attempt.state === 'done' || attempt.state === 'awaiting_bed_clear').length,
        good: ended.filter((attempt) => attempt.outcome === 'good').length,
        bad: ended.filter((attempt) => attempt.outcome === 'bad').length,
        failed: ended.filter((attempt) => attempt.state === 'failed').length,
        cancelled: ended.filter((attempt) => attempt.state === 'cancelled').length,
        printingSeconds: attempts.reduce((sum, attempt) => sum + (attempt.durationSeconds ?? 0), 0),
        filamentGrams: attempts.reduce((sum, attempt) => sum + (attempt.filamentGrams ?? 0), 0),
      },
      attempts,
    };
  }

  /**
   * Share of the range each fleet's printers spent printing, with outcomes and filament: the fleets whose jobs the
   * caller may read (a fleet-limited caller sees its own fleets only).
   */
  async utilization(ability: AppAbility, orgId: string, query: { from: string; to: string; fleetId?: string }) {
    const window = range(query.from, query.to, 7);
    if (query.fleetId && ability.cannot('read', subject('Job', { orgId, fleetIds: [query.fleetId] })))
      throw DomainException.notFound('fleet_not_found', 'Fleet not found');
    const readable = accessibleWhere(ability, 'read', 'Job', FLEET_AS_JOB_COLUMNS);
    const rows = await this.stats.fleetUtilization(orgId, window, query.fleetId ?? null, readable);
    const rangeSeconds = (window.to.getTime() - window.from.getTime()) / 1000;
    return {
      from: window.from,
      to: window.to,
      fleets: rows.map((row) => ({
        ...row,
        utilization: row.printers ? Math.min(1, row.printingSeconds / (row.printers * rangeSeconds)) : 0,
      })),
    };
  }
}
