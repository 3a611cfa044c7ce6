import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import type { Spool } from './entities/spool.entity';
import { SpoolsRepository } from './spools.repository';

/** One print attempt's end, as libs/jobs tells it (inside its own transaction). */
export interface PrintUsage {
  orgId: string;
  printerId: string;
  copyId: string;
  attempt: number;
  /** The file's material, to pick the slot on a multi-material printer. */
  material: string | null;
  /** The file's filament for a whole print. */
  grams: number;
  /** 1 for a finished print; the progress (0..1) for a failed or cancelled one. */
  fraction: number;
  outcome: 'done' | 'failed' | 'cancelled';
}

export interface RecordedUsage {
  orgId: string;
  /** The spool_usages row. */
  usageId: string;
  spoolId: string;
  /** The spool is a Spoolman spool: this usage is to be written there (spool.usageRecorded, then a job). */
  spoolman: boolean;
  printerId: string;
  material: string;
  colorName: string | null;
  grams: number;
  remainingGrams: number;
  lowStockGrams: number;
  /** This usage took the spool under its low-stock mark. */
  crossedLowStock: boolean;
}

/** Which loaded spool a print drew from: the one of its material, else the first slot. */
export function spoolFor(loaded: Spool[], material: string | null): Spool | null {
  const wanted = material?.trim().toLowerCase();
  return (wanted && loaded.find((spool) => spool.material.trim().toLowerCase() === wanted)) || loaded[0] || null;
}

/**
 * The command libs/jobs calls when a print attempt ends: deducts the filament from the spool on the printer and
 * writes the usage row, in the caller's transaction, once per attempt (a retried end changes nothing).
 */
@Injectable()
export class SpoolUsageRecorder {
  constructor(private readonly spools: SpoolsRepository) {}

  async record(manager: EntityManager, usage: PrintUsage): Promise<RecordedUsage | null> {
    const fraction = Math.min(1, Math.max(0, usage.fraction));
    const grams = Math.round(usage.grams * fraction * 100) / 100;
    if (!(grams > 0)) return null;
    const spool = spoolFor(await this.spools.lockLoadedOn(manager, usage.orgId, usage.printerId), usage.material);
    if (!spool || spool.archivedAt) return null;
    const usageId = await this.spools.insertUsage(manager, {
      orgId: usage.orgId,
      spoolId: spool.id,
      printerId: usage.printerId,
      copyId: usage.copyId,
      attempt: usage.attempt,
      grams,
      fraction,
      outcome: usage.outcome,
      // Same rule and same row for both inventories; a Spoolman spool's row also waits to be written there.
      spoolmanState: spool.spoolmanId != null ? 'pending' : null,
    });
    if (!usageId) return null;
    const before = spool.remainingGrams;
    const remainingGrams = Math.max(0, Math.round((before - grams) * 100) / 100);
    await this.spools.update(manager, spool.id, { remainingGrams });
    return {
      orgId: usage.orgId,
      usageId,
      spoolId: spool.id,
      spoolman: spool.spoolmanId != null,
      printerId: usage.printerId,
      material: spool.material,
      colorName: spool.colorName,
      grams,
      remainingGrams,
      lowStockGrams: spool.lowStockGrams,
      crossedLowStock: before >= spool.lowStockGrams && remainingGrams < spool.lowStockGrams,
    };
  }
}
