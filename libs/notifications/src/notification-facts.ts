import { Injectable } from '@nestjs/common';
import { CopyDirectory } from '@farmhand/jobs';
import { PrinterDirectory } from '@farmhand/printers';

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
 * What a webhook receiver wants to know about a printer or a print copy (names, times), scoped to the organization,
 * from the read providers of the libraries that own them.
 */
@Injectable()
export class NotificationFacts {
  constructor(
    private readonly printers: PrinterDirectory,
    private readonly copies: CopyDirectory,
  ) {}

  async printer(orgId: string, printerId: string): Promise<PrinterFacts | null> {
    const printer = await this.printers.profile(orgId, printerId);
    return printer ? { printerId: printer.id, printerName: printer.name, fleetId: printer.fleetId } : null;
  }

  queuedCount(orgId: string): Promise<number> {
    return this.copies.queuedCount(orgId);
  }

  /** The copy's state now (null: no such copy). */
  async copyState(orgId: string, copyId: string): Promise<string | null> {
    return (await this.copies.facts(orgId, copyId))?.state ?? null;
  }

  async copy(orgId: string, copyId: string): Promise<CopyFacts | null> {
    const copy = await this.copies.facts(orgId, copyId);
    if (!copy) return null;
    const printer = copy.printerId ? await this.printers.profile(orgId, copy.printerId) : null;
    const duration =
      copy.startedAt && copy.finishedAt
        ? Math.max(0, Math.round((copy.finishedAt.getTime() - copy.startedAt.getTime()) / 1000))
        : null;
    return {
      jobId: copy.jobId,
      jobName: copy.jobName,
      copyId: copy.copyId,
      copyNumber: copy.copyNumber,
      copies: copy.copies,
      printerId: copy.printerId,
      printerName: printer?.name ?? null,
      fleetId: printer?.fleetId ?? null,
      startedAt: copy.startedAt?.toISOString() ?? null,
      finishedAt: copy.finishedAt?.toISOString() ?? null,
      durationSeconds: duration,
      failureReason: copy.failureReason,
      failureDetail: copy.failureDetail,
    };
  }
}
