import { Injectable } from '@nestjs/common';
import { PrinterDirectory, type PrinterPlacement } from '@farmhand/printers';

/**
 * How long a printer -> (organization, fleet) mapping is trusted. A printer moved to another fleet is filtered
 * by its new fleet within this time; a resync always reads the database.
 */
export const PLACEMENT_TTL_MS = 15_000;
const MAX_ENTRIES = 100_000;

/** Caches where printers belong, so fleet-limited filtering costs no query per status frame. */
@Injectable()
export class PrinterPlacements {
  private readonly cache = new Map<string, { placement: PrinterPlacement; expiresAt: number }>();

  constructor(private readonly directory: PrinterDirectory) {}

  async resolve(printerIds: string[], now = Date.now()): Promise<Map<string, PrinterPlacement>> {
    const resolved = new Map<string, PrinterPlacement>();
    const missing: string[] = [];
    for (const id of printerIds) {
      const cached = this.cache.get(id);
      if (cached && cached.expiresAt > now) resolved.set(id, cached.placement);
      else missing.push(id);
    }
    if (missing.length) {
      if (this.cache.size + missing.length > MAX_ENTRIES) this.cache.clear();
      for (const placement of await this.directory.placements(missing)) {
        this.cache.set(placement.id, { placement, expiresAt: now + PLACEMENT_TTL_MS });
        resolved.set(placement.id, placement);
      }
    }
    return resolved;
  }

  forget(printerId: string): void {
    this.cache.delete(printerId);
  }
}
