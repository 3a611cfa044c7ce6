import { randomUUID } from 'node:crypto';
import { AuditService } from '@farmhand/audit';
import type { Role } from '@farmhand/authz';
import { DomainEvents, DomainException } from '@farmhand/core';
import { PrintersService } from '@farmhand/printers';
import { automock, memberPrincipal, newTestService, withAbility } from '@farmhand/testing/unit';
import { CopiesRepository } from './copies.repository';
import { CopyAccess } from './copy-access';
import { CopyActionsService } from './copy-actions.service';
import type { CopyState } from './copy-state';
import { CopyTransitions } from './copy-transitions';
import type { PrintCopy } from './entities/print-copy.entity';
import type { PrinterBed } from './entities/printer-bed.entity';
import { JobsRepository } from './jobs.repository';
import { PRINTER_LINK } from './printer-link';

const ORG = randomUUID();
const FLEET_A = randomUUID();
const FLEET_B = randomUUID();
const PRINTER_A = randomUUID();
const PRINTER_B = randomUUID();
const FLEET_OF: Record<string, string> = { [PRINTER_A]: FLEET_A, [PRINTER_B]: FLEET_B };

/**
 * Copies and their transitions without Postgres: what operators may do to a copy in each state (requeue, cancel, a
 * cleared plate), who may do it, and what it leaves behind (the plate to look at, the printer told to stop, the
 * events sent only once the transaction committed). The real CopyTransitions and CopyAccess run on mocked
 * repositories, so the state machine and the CASL rules are the ones in production.
 */
describe('CopyActionsService', () => {
  let copies: Map<string, PrintCopy>;
  let beds: Map<string, PrinterBed>;
  let closedJobs: Map<string, 'cancelled' | 'deleted'>;
  let repository: jest.Mocked<CopiesRepository>;
  let events: jest.Mocked<DomainEvents>;
  let setup: ReturnType<typeof newTestService<typeof CopyActionsService>>;
  let service: CopyActionsService;

  beforeEach(() => {
    copies = new Map();
    beds = new Map();
    closedJobs = new Map();
    repository = automock(CopiesRepository);
    repository.lock.mockImplementation(async (_manager, orgId, id) => {
      const copy = copies.get(id);
      return copy && copy.orgId === orgId ? copy : null;
    });
    repository.find.mockImplementation(async (_orgId, id) => ({ ...copies.get(id)! }));
    repository.update.mockImplementation(async (_manager, id, changes) => {
      Object.assign(copies.get(id)!, changes);
    });
    repository.filamentOf.mockResolvedValue({ mm: 1234, grams: 3.7, estimatedSeconds: 600, material: 'PLA' });
    repository.jobClosed.mockImplementation(async (_manager, jobId) => closedJobs.get(jobId) ?? null);
    repository.lockBed.mockImplementation(async (_manager, printerId) => beds.get(printerId) ?? null);
    repository.setBed.mockImplementation(async (_manager, bed) => {
      beds.set(bed.printerId, { ...bed } as PrinterBed);
    });
    repository.lockOnPrinter.mockImplementation(
      async (_manager, printerId, states) =>
        [...copies.values()].find((copy) => copy.printerId === printerId && states!.includes(copy.state)) ?? null,
    );
    events = automock(DomainEvents);

    const printers = automock(PrintersService);
    printers.placementOf.mockImplementation(async (orgId, printerId) =>
      FLEET_OF[printerId] ? { orgId, fleetId: FLEET_OF[printerId]! } : null,
    );
    const jobs = automock(JobsRepository);
    jobs.fleetIdsOf.mockResolvedValue([]);
    const transitions = newTestService(CopyTransitions, [
      [CopiesRepository, repository],
      [DomainEvents, events],
    ]).sut;
    const access = newTestService(CopyAccess, [
      [PrintersService, printers],
      [JobsRepository, jobs],
    ]).sut;
    setup = newTestService(CopyActionsService, [
      [CopyTransitions, transitions],
      [CopiesRepository, repository],
      [CopyAccess, access],
      [DomainEvents, events],
    ]);
    service = setup.sut;
  });

  function copy(state: CopyState, fields: Partial<PrintCopy> = {}): PrintCopy {
    const row = {
      id: randomUUID(),
      orgId: ORG,
      jobId: randomUUID(),
      number: 1,
      state,
      printerId: state === 'queued' ? null : PRINTER_A,
      attempt: state === 'queued' ? 0 : 1,
      lost: false,
      outcome: null,
      failureReason: null,
      failureDetail: null,
      ...fields,
    } as PrintCopy;
    copies.set(row.id, row);
    return row;
  }
  const as = (role: Role, fleetIds: string[] | null = null) => withAbility(memberPrincipal(ORG, role, { fleetIds }));
  const operator = as('operator');
  const moves = () =>
    events.emit.mock.calls
      .filter(([name]) => name === 'printCopy.stateChanged')
      .map(([, payload]) => {
        const { from, to } = payload as { from: string; to: string };
        return `${from}->${to}`;
      });
  const refusal = (promise: Promise<unknown>) =>
    promise.then(
      () => 'accepted',
      (error: unknown) => (error instanceof DomainException ? `${error.status} ${error.code}` : error),
    );

  describe('requeue', () => {
    it('puts a failed copy back in the queue, off its printer', async () => {
      const failed = copy('failed', { failureReason: 'detector_confirmed' });
      const result = await service.requeue(operator.principal, operator.ability, ORG, failed.id);
      expect(result).toMatchObject({ state: 'queued', printerId: null, failureReason: null, outcome: null });
      expect(moves()).toEqual(['failed->queued']);
      expect(events.emit).toHaveBeenCalledWith('printCopy.requeued', {
        orgId: ORG,
        jobId: failed.jobId,
        copyId: failed.id,
      });
    });

    it('a copy whose agent was lost mid-print: that attempt fails, its plate needs a look, then it is queued', async () => {
      const lost = copy('printing', { lost: true });
      await service.requeue(operator.principal, operator.ability, ORG, lost.id);
      expect(moves()).toEqual(['printing->failed', 'failed->queued']);
      expect(beds.get(PRINTER_A)).toMatchObject({ clear: false, copyId: lost.id, reason: 'printer_lost' });
    });

    it('refuses a good print, a copy still printing, and any copy of a cancelled job', async () => {
      const good = copy('done', { outcome: 'good' });
      const printing = copy('printing');
      const ofCancelledJob = copy('failed');
      closedJobs.set(ofCancelledJob.jobId, 'cancelled');
      for (const target of [good, printing])
        await expect(refusal(service.requeue(operator.principal, operator.ability, ORG, target.id))).resolves.toBe(
          '409 invalid_copy_state',
        );
      await expect(
        refusal(service.requeue(operator.principal, operator.ability, ORG, ofCancelledJob.id)),
      ).resolves.toBe('409 job_closed');
      expect(moves()).toEqual([]);
    });
  });

  describe('cancel', () => {
    it('cancels a copy on its printer there too, and leaves the plate to look at', async () => {
      const printing = copy('printing');
      const result = await service.cancel(operator.principal, operator.ability, ORG, printing.id);
      expect(result).toMatchObject({ state: 'cancelled', failureReason: 'cancelled_by_operator' });
      expect(beds.get(PRINTER_A)).toMatchObject({ clear: false, copyId: printing.id, reason: 'print_cancelled' });
      expect(setup.token(PRINTER_LINK).execute).toHaveBeenCalledWith(
        expect.objectContaining({ kind: 'system' }),
        ORG,
        PRINTER_A,
        expect.objectContaining({ type: 'cancel' }),
      );
    });

    it('a printer that cannot be told still leaves the copy cancelled', async () => {
      const printing = copy('printing');
      setup.token(PRINTER_LINK).execute!.mockRejectedValue(new Error('printer offline'));
      await expect(service.cancel(operator.principal, operator.ability, ORG, printing.id)).resolves.toMatchObject({
        state: 'cancelled',
      });
    });

    it('a queued copy is cancelled without a word to any printer; a finished one cannot be', async () => {
      const queued = copy('queued');
      await service.cancel(operator.principal, operator.ability, ORG, queued.id);
      expect(setup.token(PRINTER_LINK).execute).not.toHaveBeenCalled();
      const done = copy('done', { outcome: 'good' });
      await expect(refusal(service.cancel(operator.principal, operator.ability, ORG, done.id))).resolves.toBe(
        '409 invalid_copy_state',
      );
    });

    it("an operator limited to fleet A does not find a copy on fleet B's printer; a viewer may not cancel", async () => {
      const onB = copy('printing', { printerId: PRINTER_B });
      const limited = as('operator', [FLEET_A]);
      await expect(refusal(service.cancel(limited.principal, limited.ability, ORG, onB.id))).resolves.toBe(
        '404 copy_not_found',
      );
      const viewer = as('viewer');
      await expect(refusal(service.cancel(viewer.principal, viewer.ability, ORG, onB.id))).resolves.toBe(
        '404 copy_not_found',
      );
      expect(copies.get(onB.id)!.state).toBe('printing');
    });

    it('says nothing of a move whose transaction failed', async () => {
      const printing = copy('printing');
      setup.mock(AuditService).record.mockRejectedValue(new Error('database went away'));
      await expect(service.cancel(operator.principal, operator.ability, ORG, printing.id)).rejects.toThrow(
        'database went away',
      );
      expect(moves()).toEqual([]);
      expect(setup.token(PRINTER_LINK).execute).not.toHaveBeenCalled();
    });
  });

  describe('a cleared plate', () => {
    it('needs a verdict on the copy that waited for it; only a bad print goes back to the queue', async () => {
      const waiting = copy('awaiting_bed_clear');
      beds.set(PRINTER_A, { printerId: PRINTER_A, clear: false, copyId: waiting.id } as PrinterBed);
      const clear = (verdict: { outcome?: 'good' | 'bad'; requeue?: boolean }) =>
        service.confirmBedClear(operator.principal, operator.ability, ORG, PRINTER_A, verdict);
      await expect(refusal(clear({}))).resolves.toBe('400 outcome_required');
      await expect(refusal(clear({ outcome: 'good', requeue: true }))).resolves.toBe('400 requeue_needs_bad');

      await expect(clear({ outcome: 'bad', requeue: true })).resolves.toMatchObject({ requeued: true, outcome: 'bad' });
      expect(moves()).toEqual(['awaiting_bed_clear->done', 'done->queued']);
      expect(copies.get(waiting.id)).toMatchObject({ state: 'queued', printerId: null });
      expect(beds.get(PRINTER_A)).toMatchObject({ clear: true, copyId: null });
      await expect(refusal(clear({ outcome: 'good' }))).resolves.toBe('409 bed_already_clear');
    });

    it("a good print is done, and the plate of another fleet's printer is out of reach", async () => {
      const waiting = copy('awaiting_bed_clear', { printerId: PRINTER_B });
      const limited = as('operator', [FLEET_A]);
      await expect(
        refusal(service.confirmBedClear(limited.principal, limited.ability, ORG, PRINTER_B, { outcome: 'good' })),
      ).resolves.toBe('404 printer_not_found');
      await service.confirmBedClear(operator.principal, operator.ability, ORG, PRINTER_B, { outcome: 'good' });
      expect(copies.get(waiting.id)).toMatchObject({ state: 'done', outcome: 'good' });
    });
  });
});
