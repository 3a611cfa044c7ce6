import { Injectable } from '@nestjs/common';
import { DomainEvents, DomainException } from '@farmhand/core';
import { MaintenanceDirectory } from '@farmhand/maintenance';
import { SpoolUsageRecorder } from '@farmhand/spools';
import { DataSource, type EntityManager } from 'typeorm';
import { CopiesRepository, type AttemptChanges, type CopyChanges, type FilamentFacts } from './copies.repository';
import { assertTransition, type CopyOutcome, type CopyState } from './copy-state';
import type { PrintCopy } from './entities/print-copy.entity';

/** Work to do after the commit (domain events), collected while the transaction runs. */
export type Emit = () => void;

/** What ends an attempt on the printer, for the copy and its history row. */
export interface Ending {
  to: Extract<CopyState, 'awaiting_bed_clear' | 'done' | 'failed' | 'cancelled'>;
  at: Date;
  outcome?: CopyOutcome | null;
  reason?: string | null;
  detail?: string | null;
}

/**
 * How far a print that did not finish got, 0..1: the time it ran over the slicer's estimate for the whole print
 * (the agent's progress figure lives only in Redis and is gone when a printer drops). Unknown: 0.
 */
export function progressOf(
  copy: Pick<PrintCopy, 'startedAt'>,
  ending: Pick<Ending, 'at'>,
  facts: FilamentFacts,
): number {
  if (!copy.startedAt || !facts.estimatedSeconds || facts.estimatedSeconds <= 0) return 0;
  const ran = (ending.at.getTime() - copy.startedAt.getTime()) / 1000;
  return Math.min(1, Math.max(0, ran / facts.estimatedSeconds));
}

/**
 * The one way a copy moves, shared by the dispatch, the agents' events and the operators' actions: inside a
 * transaction with the copy's row locked, the state machine checked, the copy and its attempt (history) updated
 * together, and `printCopy.stateChanged` emitted after the commit.
 */
@Injectable()
export class CopyTransitions {
  constructor(
    private readonly dataSource: DataSource,
    private readonly copies: CopiesRepository,
    private readonly events: DomainEvents,
    private readonly spoolUsage: SpoolUsageRecorder,
    private readonly maintenance: MaintenanceDirectory,
  ) {}

  async within<T>(work: (manager: EntityManager, emits: Emit[]) => Promise<T>): Promise<T> {
    const emits: Emit[] = [];
    const result = await this.dataSource.transaction((manager) => work(manager, emits));
    for (const emit of emits) emit();
    return result;
  }

  async lockOrThrow(manager: EntityManager, orgId: string, copyId: string): Promise<PrintCopy> {
    const copy = await this.copies.lock(manager, orgId, copyId);
    if (!copy) throw DomainException.notFound('copy_not_found', 'Print copy not found');
    return copy;
  }

  /**
   * Ends the attempt on the printer: the copy's end state, its history row, the filament a finished print used, and
   * that filament taken from the spool loaded on the printer (libs/spools), in the same transaction.
   */
  async end(manager: EntityManager, emits: Emit[], copy: PrintCopy, ending: Ending): Promise<void> {
    const printed = ending.to === 'done' || ending.to === 'awaiting_bed_clear';
    const facts = await this.copies.filamentOf(manager, copy.jobId);
    const filament = printed ? facts : { mm: null, grams: null };
    const fraction = printed ? 1 : progressOf(copy, ending, facts);
    await this.deductFilament(manager, emits, copy, ending, facts, fraction);
    // The printer's maintenance counters (print hours, filament, prints), from this very record.
    if (copy.printerId && copy.startedAt)
      await this.maintenance.recordPrint(manager, {
        orgId: copy.orgId,
        printerId: copy.printerId,
        seconds: Math.max(0, (ending.at.getTime() - copy.startedAt.getTime()) / 1000),
        grams: (facts.grams ?? 0) * fraction,
      });
    await this.move(
      manager,
      emits,
      copy,
      ending.to,
      {
        finishedAt: ending.at,
        outcome: ending.outcome ?? null,
        failureReason: ending.reason ?? null,
        failureDetail: ending.detail?.slice(0, 500) ?? null,
        lost: false,
      },
      {
        state: ending.to,
        endedAt: ending.at,
        outcome: ending.outcome ?? null,
        failureReason: ending.reason ?? null,
        filamentMm: filament.mm,
        filamentGrams: filament.grams,
      },
    );
  }

  private async deductFilament(
    manager: EntityManager,
    emits: Emit[],
    copy: PrintCopy,
    ending: Ending,
    facts: FilamentFacts,
    fraction: number,
  ): Promise<void> {
    if (!copy.printerId || !facts.grams || fraction <= 0) return;
    const usage = await this.spoolUsage.record(manager, {
      orgId: copy.orgId,
      printerId: copy.printerId,
      copyId: copy.id,
      attempt: copy.attempt,
      material: facts.material,
      grams: facts.grams,
      fraction,
      outcome: ending.to === 'awaiting_bed_clear' ? 'done' : ending.to,
    });
    if (usage)
      emits.push(() =>
        this.events.emit('spool.usageRecorded', {
          orgId: usage.orgId,
          usageId: usage.usageId,
          spoolId: usage.spoolId,
          spoolman: usage.spoolman,
        }),
      );
    if (usage?.crossedLowStock)
      emits.push(() =>
        this.events.emit('spool.lowStock', {
          orgId: usage.orgId,
          spoolId: usage.spoolId,
          printerId: usage.printerId,
          material: usage.material,
          colorName: usage.colorName,
          remainingGrams: usage.remainingGrams,
          lowStockGrams: usage.lowStockGrams,
        }),
      );
  }

  async move(
    manager: EntityManager,
    emits: Emit[],
    copy: PrintCopy,
    to: CopyState,
    changes: CopyChanges = {},
    attemptChanges: AttemptChanges = {},
  ): Promise<void> {
    const from = copy.state;
    assertTransition(from, to);
    await this.copies.update(manager, copy.id, { ...changes, state: to });
    // Back to the queue after an attempt ended: that attempt's history stays as it ended.
    if (to !== 'queued' || Object.keys(attemptChanges).length)
      await this.copies.updateAttempt(manager, copy.id, copy.attempt, { state: to, ...attemptChanges });
    copy.state = to;
    const printerId = copy.printerId;
    emits.push(() =>
      this.events.emit('printCopy.stateChanged', {
        orgId: copy.orgId,
        jobId: copy.jobId,
        copyId: copy.id,
        printerId,
        from,
        to,
      }),
    );
  }
}
