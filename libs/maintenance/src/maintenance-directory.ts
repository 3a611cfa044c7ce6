import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { MaintenanceRepository } from './maintenance.repository';

/** One ended print as libs/jobs reports it to the counters. */
export interface PrintRun {
  orgId: string;
  printerId: string;
  /** Time printing (started to ended); 0 when it never started. */
  seconds: number;
  grams: number;
}

/**
 * What libs/jobs needs of maintenance: which printers an overdue task holds (the scheduler skips them), and the
 * counters each ended print adds to, in the transaction that records it.
 */
@Injectable()
export class MaintenanceDirectory {
  constructor(private readonly repository: MaintenanceRepository) {}

  heldAmong(manager: EntityManager, printerIds: string[]): Promise<Set<string>> {
    return this.repository.heldAmong(manager, printerIds);
  }

  async recordPrint(manager: EntityManager, run: PrintRun): Promise<void> {
    if (run.seconds <= 0 && run.grams <= 0) return;
    await this.repository.addToCounters(manager, run.orgId, run.printerId, {
      printSeconds: Math.max(0, run.seconds),
      filamentGrams: Math.max(0, run.grams),
      prints: 1,
    });
  }
}
