import { Injectable } from '@nestjs/common';
import type { PrinterLive } from './dashboard.messages';

/** The facts one domain keeps about printers (`FACT_LIVE_FIELDS`), read from its own tables. */
export interface PrinterFactsSource {
  /** Facts for the given printers of one organization; a printer without any may be absent. */
  factsOf(orgId: string, printerIds: string[]): Promise<Map<string, Partial<PrinterLive>>>;
}

/**
 * Where the queue (libs/jobs) and the detector (libs/detection) register how to read their facts about printers,
 * so that the dashboard, which they depend on, reads them without importing them: every resync takes the facts
 * afresh from Postgres, and the owners publish changes as they happen (`DashboardPublisher.publishPrinterPatch`).
 */
@Injectable()
export class PrinterFacts {
  private readonly sources: PrinterFactsSource[] = [];

  register(source: PrinterFactsSource): void {
    if (!this.sources.includes(source)) this.sources.push(source);
  }

  async factsOf(orgId: string, printerIds: string[]): Promise<Map<string, Partial<PrinterLive>>> {
    const merged = new Map<string, Partial<PrinterLive>>();
    if (!printerIds.length) return merged;
    const all = await Promise.all(this.sources.map((source) => source.factsOf(orgId, printerIds)));
    for (const facts of all)
      for (const [printerId, fields] of facts) merged.set(printerId, { ...merged.get(printerId), ...fields });
    return merged;
  }
}
