import { randomUUID } from 'node:crypto';
import { APP_CONFIG, DomainEvents, JobQueue, MetricsService, loadConfig } from '@farmhand/core';
import { MaintenanceDirectory } from '@farmhand/maintenance';
import { SpoolDirectory } from '@farmhand/spools';
import { newTestService } from '@farmhand/testing/unit';
import { PRINTER_LINK } from '../printer-link';
import type { QueuedJob, ReadyPrinter } from './matching';
import { SchedulerRepository, type AssignedCopy } from './scheduler.repository';
import { SchedulerService, dispatchJobId } from './scheduler.service';

const ORG = randomUUID();
const OTHER_ORG = randomUUID();
const FLEET_A = randomUUID();
const FLEET_B = randomUUID();
const MAX_STARTS = 2;

function printer(fleetId: string, orgId = ORG): ReadyPrinter {
  return {
    id: randomUUID(),
    orgId,
    fleetId,
    material: 'PLA',
    nozzleDiameter: 0.4,
    buildX: 250,
    buildY: 210,
    buildZ: 220,
    tags: [],
    spools: [],
  };
}

function job(queued: number, overrides: Partial<QueuedJob> = {}): QueuedJob {
  return {
    id: randomUUID(),
    queued,
    material: null,
    fileMaterial: 'PLA',
    nozzleDiameter: null,
    minBuildX: null,
    minBuildY: null,
    minBuildZ: null,
    fleetIds: [],
    requiredTags: [],
    filamentGrams: null,
    fileColorHex: null,
    ...overrides,
  };
}

/**
 * A scheduler pass without Postgres, Redis or BullMQ: which printers get work (online, in a fleet this pass holds,
 * within the fleet's start budget), what happens when another pass got there first, and that every assignment
 * leaves with its dispatch (or with a retry of it from the tick).
 */
describe('SchedulerService', () => {
  let setup: ReturnType<typeof newTestService<typeof SchedulerService>>;
  let scheduler: SchedulerService;
  let printers: ReadyPrinter[];
  let online: Set<string>;
  let jobs: QueuedJob[];
  /** Fleets another pass holds the lock of, and starts already made in the window per fleet. */
  let lockedElsewhere: Set<string>;
  let recentStarts: Map<string, number>;
  /** Queued copies per job not held by another pass. */
  let freeCopies: Map<string, string[]>;
  let assignments: AssignedCopy[];
  let enqueued: Array<{ name: string; data: unknown; options: unknown }>;

  beforeEach(() => {
    printers = [];
    online = new Set();
    jobs = [];
    lockedElsewhere = new Set();
    recentStarts = new Map();
    freeCopies = new Map();
    assignments = [];
    enqueued = [];
    const config = loadConfig({ NODE_ENV: 'test', SCHEDULER_MAX_STARTS_PER_FLEET_PER_MINUTE: String(MAX_STARTS) });
    setup = newTestService(SchedulerService, [
      [APP_CONFIG, config],
      // No metrics registry (the api and worker have one; the service works without).
      [MetricsService, undefined],
    ]);
    scheduler = setup.sut;

    setup
      .token(PRINTER_LINK)
      .onlineAmong!.mockImplementation(async (ids: string[]) => new Set(ids.filter((id) => online.has(id))));
    setup.mock(SpoolDirectory).loadedOn.mockResolvedValue(new Map());
    setup.mock(MaintenanceDirectory).heldAmong.mockResolvedValue(new Set());
    const repository = setup.mock(SchedulerRepository);
    repository.readyPrinters.mockImplementation(async (_manager, filter) =>
      printers.filter(
        (candidate) =>
          (!filter.orgId || candidate.orgId === filter.orgId) &&
          (!filter.printerIds || filter.printerIds.includes(candidate.id)) &&
          (!filter.fleetIds || filter.fleetIds.includes(candidate.fleetId)) &&
          !assignments.some((assigned) => assigned.printerId === candidate.id),
      ),
    );
    repository.tryLockFleets.mockImplementation(async (_manager, fleetIds) =>
      fleetIds.filter((fleetId) => !lockedElsewhere.has(fleetId)),
    );
    repository.cancelStrandedPins.mockResolvedValue([]);
    repository.recentStarts.mockImplementation(async () => new Map(recentStarts));
    repository.queuedJobs.mockImplementation(async (_manager, _orgId, fleetIds) =>
      jobs.filter((queued) => !queued.fleetIds.length || queued.fleetIds.some((id) => fleetIds.includes(id))),
    );
    repository.lockQueuedCopies.mockImplementation(
      async (_manager, wanted) =>
        new Map([...wanted].map(([jobId, count]) => [jobId, (freeCopies.get(jobId) ?? []).slice(0, count)])),
    );
    repository.assign.mockImplementation(async (_manager, pairs) => {
      const made = pairs.map((pair) => ({
        copyId: pair.copyId,
        printerId: pair.printerId,
        orgId: printers.find((candidate) => candidate.id === pair.printerId)!.orgId,
        jobId: [...freeCopies].find(([, ids]) => ids.includes(pair.copyId))![0],
        attempt: 1,
      }));
      assignments.push(...made);
      return made;
    });
    setup.mock(JobQueue).enqueue.mockImplementation(async (name, data, options) => {
      enqueued.push({ name, data, options });
      return 'queued';
    });
  });

  function queue(queued: number, overrides: Partial<QueuedJob> = {}): QueuedJob {
    const created = job(queued, overrides);
    jobs.push(created);
    freeCopies.set(
      created.id,
      Array.from({ length: queued }, () => randomUUID()),
    );
    return created;
  }
  function ready(fleetId: string, orgId = ORG, isOnline = true): ReadyPrinter {
    const created = printer(fleetId, orgId);
    printers.push(created);
    if (isOnline) online.add(created.id);
    return created;
  }
  const assignedPrinters = () => assignments.map((assigned) => assigned.printerId).sort();

  it('gives queued copies to online printers only, each with its dispatch and a live-view event', async () => {
    const first = ready(FLEET_A);
    ready(FLEET_A, ORG, false);
    const printing = queue(3);

    const result = await scheduler.pass(ORG);

    expect(result.assigned).toEqual([expect.objectContaining({ printerId: first.id, jobId: printing.id })]);
    const [assigned] = result.assigned;
    expect(enqueued).toEqual([
      {
        name: 'copy.dispatch',
        data: { orgId: ORG, copyId: assigned!.copyId, printerId: first.id, attempt: 1 },
        options: { jobId: dispatchJobId(assigned!.copyId, 1) },
      },
    ]);
    expect(setup.mock(DomainEvents).emit).toHaveBeenCalledWith('printCopy.stateChanged', {
      orgId: ORG,
      jobId: printing.id,
      copyId: assigned!.copyId,
      printerId: first.id,
      from: 'queued',
      to: 'assigned',
    });
  });

  it('starts at most SCHEDULER_MAX_STARTS_PER_FLEET_PER_MINUTE prints per fleet within the window', async () => {
    for (let index = 0; index < 4; index++) ready(FLEET_A);
    const inB = [ready(FLEET_B), ready(FLEET_B)];
    recentStarts.set(FLEET_B, MAX_STARTS - 1);
    queue(10);

    const result = await scheduler.pass(ORG);

    const byFleet = (fleetId: string) =>
      result.assigned.filter((assigned) => printers.find((p) => p.id === assigned.printerId)!.fleetId === fleetId);
    expect(byFleet(FLEET_A)).toHaveLength(MAX_STARTS);
    expect(byFleet(FLEET_B)).toHaveLength(1);
    expect(inB.map((p) => p.id)).toContain(byFleet(FLEET_B)[0]!.printerId);
  });

  it("leaves a fleet another pass is working on to that pass, and another organization's printers alone", async () => {
    const inA = ready(FLEET_A);
    ready(FLEET_B);
    ready(FLEET_A, OTHER_ORG);
    lockedElsewhere.add(FLEET_B);
    queue(5);

    const result = await scheduler.pass(ORG);

    expect(result.skippedFleets).toBe(1);
    expect(assignedPrinters()).toEqual([inA.id]);
  });

  it('skips copies another pass holds: their printers stay free for the next pass', async () => {
    ready(FLEET_A);
    ready(FLEET_A);
    const held = queue(2);
    freeCopies.set(held.id, freeCopies.get(held.id)!.slice(0, 1));

    const result = await scheduler.pass(ORG);

    expect(result.assigned).toHaveLength(1);
  });

  it('reads again when a concurrent pass committed an assignment first, and gives up after three tries', async () => {
    const inA = ready(FLEET_A);
    queue(1);
    const violation = Object.assign(new Error('duplicate'), {
      code: '23505',
      constraint: 'print_copies_printer_active_unique',
    });
    setup.mock(SpoolDirectory).loadedOn.mockResolvedValue(new Map());
    setup.mock(MaintenanceDirectory).heldAmong.mockResolvedValue(new Set());
    const repository = setup.mock(SchedulerRepository);
    const assign = repository.assign.getMockImplementation()!;
    repository.assign.mockRejectedValueOnce(violation).mockImplementation(assign);
    await expect(scheduler.pass(ORG)).resolves.toMatchObject({ assigned: [{ printerId: inA.id }] });

    assignments = [];
    repository.assign.mockRejectedValue(violation);
    await expect(scheduler.pass(ORG)).rejects.toBe(violation);
    expect(repository.assign).toHaveBeenCalledTimes(1 + 1 + 3);
  });

  it('a lost enqueue does not undo the assignment: the tick sends it again, and retries a failed dispatch', async () => {
    ready(FLEET_A);
    queue(1);
    setup.mock(JobQueue).enqueue.mockRejectedValueOnce(new Error('redis went away'));
    const { assigned } = await scheduler.pass(ORG);
    expect(assigned).toHaveLength(1);
    expect(enqueued).toEqual([]);

    const failed = { copyId: randomUUID(), orgId: ORG, jobId: randomUUID(), printerId: randomUUID(), attempt: 2 };
    const running = { ...failed, copyId: randomUUID() };
    setup.mock(SchedulerRepository).staleAssignments.mockResolvedValue([assigned[0]!, failed, running]);
    const retry = jest.fn();
    const dispatches = new Map<string, { isFailed: () => Promise<boolean>; retry: jest.Mock }>([
      [dispatchJobId(failed.copyId, 2), { isFailed: async () => true, retry }],
      [dispatchJobId(running.copyId, 2), { isFailed: async () => false, retry }],
    ]);
    setup.mock(JobQueue).queueFor.mockReturnValue({ getJob: async (id: string) => dispatches.get(id) } as never);

    await scheduler.tick();

    expect(enqueued.map((entry) => (entry.data as { copyId: string }).copyId)).toEqual([assigned[0]!.copyId]);
    expect(retry).toHaveBeenCalledTimes(1);
  });
});
