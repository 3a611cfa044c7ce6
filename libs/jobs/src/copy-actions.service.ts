import { randomUUID } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import { AuditService } from '@farmhand/audit';
import type { AppAbility, Principal } from '@farmhand/authz';
import { DomainEvents, DomainException, LOGGER } from '@farmhand/core';
import type { Logger } from 'pino';
import type { EntityManager } from 'typeorm';
import { CopiesRepository } from './copies.repository';
import { CopyAccess } from './copy-access';
import { assertTransition, requeueRefusal, type CopyOutcome } from './copy-state';
import { CopyTransitions, type Emit } from './copy-transitions';
import type { PrintCopy } from './entities/print-copy.entity';
import { PRINTER_LINK, systemPrincipal, type PrinterLink } from './printer-link';

/** What operators do to copies: requeue, cancel, and confirm a cleared plate. Each audited in its transaction. */
@Injectable()
export class CopyActionsService {
  constructor(
    private readonly transitions: CopyTransitions,
    private readonly copies: CopiesRepository,
    private readonly access: CopyAccess,
    private readonly audit: AuditService,
    private readonly events: DomainEvents,
    @Inject(PRINTER_LINK) private readonly link: PrinterLink,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {}

  /** Back to the queue: a failed, cancelled or bad copy, or one whose agent was lost mid-print. */
  async requeue(principal: Principal, ability: AppAbility, orgId: string, copyId: string): Promise<PrintCopy> {
    await this.transitions.within(async (manager, emits) => {
      const copy = await this.transitions.lockOrThrow(manager, orgId, copyId);
      await this.access.assertAllowed(ability, copy, manager);
      const refusal = requeueRefusal(copy);
      const closed = refusal ? null : await this.copies.jobClosed(manager, copy.jobId);
      if (closed)
        throw new DomainException('conflict', 'job_closed', `Cannot requeue: the job was ${closed}`, 'state', {
          state: closed,
        });
      if (refusal)
        throw new DomainException('conflict', 'invalid_copy_state', `Cannot requeue: ${refusal}`, 'state', {
          state: copy.state,
        });
      if (copy.state === 'uploading' || copy.state === 'printing') {
        // Lost mid-print: that attempt failed; what it left on the bed is unknown.
        await this.transitions.end(manager, emits, copy, { to: 'failed', at: new Date(), reason: 'printer_lost' });
        if (copy.printerId)
          await this.copies.setBed(manager, {
            orgId,
            printerId: copy.printerId,
            clear: false,
            copyId: copy.id,
            reason: 'printer_lost',
          });
      }
      await this.transitions.move(manager, emits, copy, 'queued', {
        printerId: null,
        queuedAt: new Date(),
        lost: false,
        outcome: null,
        failureReason: null,
        failureDetail: null,
      });
      emits.push(() => this.events.emit('printCopy.requeued', { orgId, jobId: copy.jobId, copyId }));
      await this.audit.record(manager, {
        orgId,
        principal,
        action: 'printCopy.requeued',
        subject: { type: 'Job', id: copy.jobId },
        details: { copyId, number: copy.number },
      });
    });
    return (await this.copies.find(orgId, copyId))!;
  }

  /**
   * Cancels one copy. A copy on its way to or on a printer is cancelled there too (as the system: the operator
   * controls the queue; the printer-level action follows from it), and its bed then needs a look.
   */
  async cancel(principal: Principal, ability: AppAbility, orgId: string, copyId: string): Promise<PrintCopy> {
    const sent = await this.transitions.within(async (manager, emits) => {
      const copy = await this.transitions.lockOrThrow(manager, orgId, copyId);
      await this.access.assertAllowed(ability, copy, manager);
      return this.cancelLocked(manager, emits, principal, copy, 'cancelled_by_operator');
    });
    await this.sendCancel(orgId, sent);
    return (await this.copies.find(orgId, copyId))!;
  }

  /** After a job was cancelled (JobsService.cancel checked every running copy): they stop on their printers too. */
  async cancelRunningOfJob(principal: Principal, orgId: string, jobId: string): Promise<void> {
    const sent = await this.transitions.within(async (manager, emits) => {
      const running = await this.copies.lockRunningOfJob(manager, orgId, jobId);
      const printers: string[] = [];
      for (const copy of running)
        printers.push(...(await this.cancelLocked(manager, emits, principal, copy, 'job_cancelled')));
      return printers;
    });
    await this.sendCancel(orgId, sent);
  }

  /**
   * The plate is clear. The copy that waited for it becomes done with the operator's verdict; a bad one may go
   * straight back to the queue. The printer is then ready again.
   */
  async confirmBedClear(
    principal: Principal,
    ability: AppAbility,
    orgId: string,
    printerId: string,
    verdict: { outcome?: CopyOutcome; requeue?: boolean },
  ): Promise<{ printerId: string; copyId: string | null; outcome: CopyOutcome | null; requeued: boolean }> {
    await this.access.assertPlateAllowed(ability, orgId, printerId);
    return this.transitions.within(async (manager, emits) => {
      const bed = await this.copies.lockBed(manager, printerId);
      const waiting = await this.copies.lockOnPrinter(manager, printerId, ['awaiting_bed_clear']);
      if ((!bed || bed.clear) && !waiting)
        throw new DomainException('conflict', 'bed_already_clear', 'The bed is already marked clear', 'bed', {
          state: 'clear',
        });
      let requeued = false;
      let cleared = waiting ? { jobId: waiting.jobId, copyId: waiting.id } : null;
      if (waiting) {
        if (!verdict.outcome)
          throw DomainException.invalid('outcome_required', 'Say whether the print was good or bad', 'outcome');
        if (verdict.requeue && verdict.outcome !== 'bad')
          throw DomainException.invalid('requeue_needs_bad', 'Only a bad print is requeued', 'requeue');
        const now = new Date();
        await this.transitions.move(
          manager,
          emits,
          waiting,
          'done',
          { outcome: verdict.outcome, clearedAt: now },
          { state: 'done', outcome: verdict.outcome },
        );
        if (verdict.requeue) {
          await this.transitions.move(manager, emits, waiting, 'queued', {
            printerId: null,
            queuedAt: now,
            outcome: null,
            failureReason: null,
            failureDetail: null,
          });
          requeued = true;
          emits.push(() => this.events.emit('printCopy.requeued', { orgId, jobId: waiting.jobId, copyId: waiting.id }));
        }
      } else if (bed?.copyId) {
        // The plate of a failed or cancelled copy: the verdict goes to that attempt's history.
        const copy = await this.copies.lock(manager, orgId, bed.copyId);
        if (copy) cleared = { jobId: copy.jobId, copyId: copy.id };
        if (copy && verdict.outcome)
          await this.copies.updateAttempt(manager, copy.id, copy.attempt, { outcome: verdict.outcome });
      }
      await this.copies.setBed(manager, { orgId, printerId, clear: true, copyId: null, reason: null });
      await this.audit.record(manager, {
        orgId,
        principal,
        action: 'printerBed.cleared',
        subject: { type: 'Printer', id: printerId },
        details: { copyId: waiting?.id ?? bed?.copyId ?? null, outcome: verdict.outcome ?? null, requeued },
      });
      emits.push(() => this.events.emit('printerBed.cleared', { orgId, printerId, ...cleared }));
      return { printerId, copyId: waiting?.id ?? bed?.copyId ?? null, outcome: verdict.outcome ?? null, requeued };
    });
  }

  private async cancelLocked(
    manager: EntityManager,
    emits: Emit[],
    principal: Principal,
    copy: PrintCopy,
    reason: string,
  ): Promise<string[]> {
    assertTransition(copy.state, 'cancelled', 'cancel');
    const onPrinter = copy.state === 'uploading' || copy.state === 'printing';
    await this.transitions.end(manager, emits, copy, { to: 'cancelled', at: new Date(), reason });
    if (onPrinter && copy.printerId)
      await this.copies.setBed(manager, {
        orgId: copy.orgId,
        printerId: copy.printerId,
        clear: false,
        copyId: copy.id,
        reason: 'print_cancelled',
      });
    await this.audit.record(manager, {
      orgId: copy.orgId,
      principal,
      action: 'printCopy.cancelled',
      subject: { type: 'Job', id: copy.jobId },
      details: { copyId: copy.id, number: copy.number, printerId: copy.printerId },
    });
    return onPrinter && copy.printerId ? [copy.printerId] : [];
  }

  /** Best effort: the copy is cancelled whatever the printer says; an offline printer is told nothing. */
  private async sendCancel(orgId: string, printerIds: string[]): Promise<void> {
    for (const printerId of printerIds) {
      try {
        await this.link.execute(systemPrincipal(orgId, 'print job cancelled'), orgId, printerId, {
          id: randomUUID(),
          type: 'cancel',
          args: {},
        });
      } catch (error) {
        this.logger.warn({ orgId, printerId, err: error }, 'could not cancel the print on the printer');
      }
    }
  }
}
