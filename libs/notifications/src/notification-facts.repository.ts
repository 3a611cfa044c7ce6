import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';

// Types (not interfaces): they go into JSON payloads typed as records.
export type PrinterFacts = {
  printerId: string;
  printerName: string;
  fleetId: string;
};

export type CopyFacts = {
  jobId: string;
  jobName: string;
  copyId: string;
  copyNumber: number;
  copies: number;
  printerId: string | null;
  printerName: string | null;
  fleetId: string | null;
  startedAt: string | null;
  finishedAt: string | null;
  durationSeconds: number | null;
  failureReason: string | null;
  failureDetail: string | null;
};

/**
 * Reads what a webhook receiver wants to know about a printer or a print copy (names, times), scoped to the
 * organization. A read model over other domains' tables: it never writes them.
 */
@Injectable()
export class NotificationFactsRepository {
  constructor(private readonly dataSource: DataSource) {}

  async printer(orgId: string, printerId: string): Promise<PrinterFacts | null> {
    const rows: { id: string; name: string; fleet_id: string }[] = await this.dataSource.query(
      `SELECT id, name, fleet_id FROM printers WHERE org_id = $1 AND id = $2`,
      [orgId, printerId],
    );
    const row = rows[0];
    return row ? { printerId: row.id, printerName: row.name, fleetId: row.fleet_id } : null;
  }

  async copy(orgId: string, copyId: string): Promise<CopyFacts | null> {
    const rows: {
      job_id: string;
      job_name: string;
      copy_id: string;
      number: number;
      copies: number;
      printer_id: string | null;
      printer_name: string | null;
      fleet_id: string | null;
      started_at: Date | null;
      finished_at: Date | null;
      failure_reason: string | null;
      failure_detail: string | null;
    }[] = await this.dataSource.query(
      `SELECT j.id AS job_id, j.name AS job_name, c.id AS copy_id, c.number, j.copies, c.printer_id,
              p.name AS printer_name, p.fleet_id, c.started_at, c.finished_at, c.failure_reason, c.failure_detail
         FROM print_copies c
         JOIN print_jobs j ON j.id = c.job_id
         LEFT JOIN printers p ON p.id = c.printer_id
        WHERE c.org_id = $1 AND c.id = $2`,
      [orgId, copyId],
    );
    const row = rows[0];
    if (!row) return null;
    const duration =
      row.started_at && row.finished_at
        ? Math.max(0, Math.round((row.finished_at.getTime() - row.started_at.getTime()) / 1000))
        : null;
    return {
      jobId: row.job_id,
      jobName: row.job_name,
      copyId: row.copy_id,
      copyNumber: row.number,
      copies: row.copies,
      printerId: row.printer_id,
      printerName: row.printer_name,
      fleetId: row.fleet_id,
      startedAt: row.started_at?.toISOString() ?? null,
      finishedAt: row.finished_at?.toISOString() ?? null,
      durationSeconds: duration,
      failureReason: row.failure_reason,
      failureDetail: row.failure_detail,
    };
  }
}
