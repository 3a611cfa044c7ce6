import { Injectable } from '@nestjs/common';
import { DomainEvents, DomainException } from '@farmhand/core';
import { DataSource, type EntityManager } from 'typeorm';
import { CopiesRepository, type AttemptChanges, type CopyChanges } from './copies.repository';
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

  /** Ends the attempt on the printer: the copy's end state, its history row, the filament a finished print used. */
  async end(manager: EntityManager, emits: Emit[], copy: PrintCopy, ending: Ending): Promise<void> {
    const printed = ending.to === 'done' || ending.to === 'awaiting_bed_clear';
    const filament = printed ? await this.copies.filamentOf(manager, copy.jobId) : { mm: null, grams: null };
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
