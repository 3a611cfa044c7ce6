import { Injectable } from '@nestjs/common';
import { OnJob, type JobPayloads } from '@farmhand/core';
import { RollupsRepository, type Day } from '../rollups.repository';

/** The periodic pass: every 10 minutes, the last two days of organizations with recent prints. */
export const REPORTS_REFRESH_EVERY_MS = 10 * 60 * 1000;
export const REPORTS_RECENT_DAYS = 2;
/** A full rebuild goes a month per transaction, so one never holds a year of rows. */
const CHUNK_DAYS = 31;
const DAY_MS = 86_400_000;

const dayOf = (ms: number): Day => new Date(ms).toISOString().slice(0, 10);
const startOf = (day: Day) => Date.parse(`${day}T00:00:00Z`);

/** Rebuilds report rollups (see the `reports.refresh` payload): the worker's half of libs/reports. */
@Injectable()
export class ReportsJobs {
  constructor(private readonly rollups: RollupsRepository) {}

  @OnJob('reports.refresh')
  async refresh(payload: JobPayloads['reports.refresh']): Promise<{ status: 'refreshed'; rows: number }> {
    if (payload.orgId && payload.from && payload.to)
      return { status: 'refreshed', rows: await this.rollups.rebuild(payload.orgId, payload.from, payload.to) };
    if (payload.orgId) return { status: 'refreshed', rows: await this.rebuildAll(payload.orgId) };
    const days = payload.recentDays ?? REPORTS_RECENT_DAYS;
    const from = startOf(dayOf(Date.now())) - (days - 1) * DAY_MS;
    let rows = 0;
    for (const orgId of await this.rollups.organizationsWithPrintsSince(new Date(from)))
      rows += await this.rollups.rebuild(orgId, dayOf(from), dayOf(Date.now() + DAY_MS));
    return { status: 'refreshed', rows };
  }

  /** Every day of an organization's history, a month at a time. */
  async rebuildAll(orgId: string): Promise<number> {
    const span = await this.rollups.historySpan(orgId);
    if (!span) return 0;
    let rows = 0;
    for (let start = startOf(span.first); start <= startOf(span.last); start += CHUNK_DAYS * DAY_MS)
      rows += await this.rollups.rebuild(orgId, dayOf(start), dayOf(start + CHUNK_DAYS * DAY_MS));
    return rows;
  }
}
