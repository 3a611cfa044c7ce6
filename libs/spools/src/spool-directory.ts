import { Injectable } from '@nestjs/common';
import { sharedTable } from '@farmhand/core';
import { DataSource, type EntityManager } from 'typeorm';

/** A spool on a printer as the scheduler sees it. */
export interface LoadedSpool {
  spoolId: string;
  printerId: string;
  slot: number;
  material: string;
  colorHex: string | null;
  remainingGrams: number;
  lowStockGrams: number;
}

const CHUNK = 1000;

/** `spools` and `spool_usages` for libs/reports' daily rollups (material, colour and cost of each print). Read-only. */
export const SPOOLS_TABLE = sharedTable('spools', [
  'id',
  'material',
  'color_name',
  'color_hex',
  'cost_cents',
  'initial_grams',
]);
export const SPOOL_USAGES_TABLE = sharedTable('spool_usages', ['spool_id', 'copy_id', 'attempt', 'grams', 'outcome']);

/** The read provider other libraries (the scheduler in libs/jobs) use for loaded spools. Reads only. */
@Injectable()
export class SpoolDirectory {
  constructor(private readonly dataSource: DataSource) {}

  /** The spools loaded on each of `printerIds` (inside the caller's transaction when given), slot order. */
  async loadedOn(
    printerIds: string[],
    manager: EntityManager = this.dataSource.manager,
  ): Promise<Map<string, LoadedSpool[]>> {
    const loaded = new Map<string, LoadedSpool[]>();
    for (let start = 0; start < printerIds.length; start += CHUNK) {
      const rows: LoadedSpool[] = await manager.query(
        `SELECT id AS "spoolId", printer_id AS "printerId", slot, material, color_hex AS "colorHex",
                remaining_grams AS "remainingGrams", low_stock_grams AS "lowStockGrams"
           FROM spools
          WHERE printer_id = ANY($1) AND archived_at IS NULL
          ORDER BY printer_id, slot`,
        [printerIds.slice(start, start + CHUNK)],
      );
      for (const row of rows) loaded.set(row.printerId, [...(loaded.get(row.printerId) ?? []), row]);
    }
    return loaded;
  }
}
