import { Injectable, Module } from '@nestjs/common';
import { sharedTable } from '@farmhand/core';
import { DataSource } from 'typeorm';

/** What a webhook or an alert says about a print copy: its job, its number, where and when it printed, how it ended. */
export interface CopyFacts {
  jobId: string;
  jobName: string;
  copyId: string;
  copyNumber: number;
  copies: number;
  printerId: string | null;
  startedAt: Date | null;
  finishedAt: Date | null;
  failureReason: string | null;
  failureDetail: string | null;
  state: string;
}

/**
 * `print_attempts` for the SQL of other libraries that must read it in one statement (detection's rule that frames
 * of a print whose bed-clear outcome a person recorded are kept). Read-only.
 */
export const PRINT_ATTEMPTS_TABLE = sharedTable('print_attempts', [
  'copy_id',
  'printer_id',
  'outcome',
  // libs/reports' daily rollups
  'org_id',
  'job_id',
  'fleet_id',
  'attempt',
  'state',
  'started_at',
  'ended_at',
  'failure_reason',
  'filament_grams',
]);

/** `print_jobs` and `print_copies` for libs/reports' daily rollups (who queued a print, its tags, its plate). */
export const PRINT_JOBS_TABLE = sharedTable('print_jobs', [
  'id',
  'org_id',
  'name',
  'created_by',
  'tags',
  'material',
  // libs/reports' quotas: the estimates of copies still to print
  'file_id',
  'cancelled_at',
]);
export const PRINT_COPIES_TABLE = sharedTable('print_copies', [
  'id',
  'attempt',
  'finished_at',
  'cleared_at',
  'job_id',
  'state',
]);

/** The read provider other libraries use for print copies (detection, notifications). Reads only. */
@Injectable()
export class CopyDirectory {
  constructor(private readonly dataSource: DataSource) {}

  /** The copy the printer is printing now (Farmhand started it), if any. */
  async printingOn(printerId: string): Promise<string | null> {
    const rows: { id: string }[] = await this.dataSource.query(
      `SELECT id FROM print_copies WHERE printer_id = $1 AND state = 'printing' LIMIT 1`,
      [printerId],
    );
    return rows[0]?.id ?? null;
  }

  /** The copy of the organization with its job; null when it is not one. */
  async facts(orgId: string, copyId: string): Promise<CopyFacts | null> {
    const rows: CopyFacts[] = await this.dataSource.query(
      `SELECT j.id AS "jobId", j.name AS "jobName", c.id AS "copyId", c.number AS "copyNumber", j.copies,
              c.printer_id AS "printerId", c.started_at AS "startedAt", c.finished_at AS "finishedAt",
              c.failure_reason AS "failureReason", c.failure_detail AS "failureDetail", c.state
         FROM print_copies c
         JOIN print_jobs j ON j.id = c.job_id
        WHERE c.org_id = $1 AND c.id = $2`,
      [orgId, copyId],
    );
    return rows[0] ?? null;
  }

  /** How many copies of the organization wait in the queue (state `queued`). */
  async queuedCount(orgId: string): Promise<number> {
    const rows: { count: number }[] = await this.dataSource.query(
      `SELECT count(*)::int AS count FROM print_copies WHERE org_id = $1 AND state = 'queued'`,
      [orgId],
    );
    return rows[0]?.count ?? 0;
  }
}

/** CopyDirectory alone, for libraries that read copies without the jobs API (detection, notifications). */
@Module({ providers: [CopyDirectory], exports: [CopyDirectory] })
export class CopyDirectoryModule {}
