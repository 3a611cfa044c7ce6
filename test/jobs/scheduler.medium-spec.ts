import { createFarmhandDataSource } from '@farmhand/schema';
import { createTestDatabase, type TestDatabase } from '@farmhand/testing';
import type { DataSource } from 'typeorm';
import { SchedulerFixture, standaloneScheduler } from './scheduler-fixture';

describe('scheduler', () => {
  let database: TestDatabase;
  let dataSource: DataSource;
  let other: DataSource;

  beforeAll(async () => {
    database = await createTestDatabase();
    dataSource = createFarmhandDataSource(database.url, { poolSize: 4 });
    other = createFarmhandDataSource(database.url, { poolSize: 4 });
    await Promise.all([dataSource.initialize(), other.initialize()]);
  });
  afterAll(async () => {
    await Promise.all([dataSource.destroy(), other.destroy()]);
    await database.drop();
  });

  async function farm(fleets = 1) {
    const fixture = new SchedulerFixture(dataSource);
    const fleetIds = await fixture.createOrganization(fleets);
    return { fixture, fleetIds };
  }

  const assignedPairs = async (orgId: string) =>
    (await dataSource.query(
      `SELECT c.job_id, c.printer_id FROM print_copies c WHERE c.org_id = $1 AND c.state = 'assigned'`,
      [orgId],
    )) as { job_id: string; printer_id: string }[];

  it('never gives a PLA job to a PETG printer, nor a 300 mm part to a 250 mm bed', async () => {
    const { fixture, fleetIds } = await farm();
    const [petg, small] = await fixture.addPrinters([
      { fleetId: fleetIds[0]!, material: 'PETG' },
      { fleetId: fleetIds[0]!, material: 'PLA', build: [250, 250, 250] },
    ]);
    const [pla, big] = await fixture.addJobs([
      { copies: 1, material: 'PLA', minBuild: [300, 100, 50] },
      { copies: 1, material: 'PLA' },
    ]);
    const { scheduler } = standaloneScheduler(dataSource, 100);

    const first = await scheduler.pass(fixture.orgId);

    expect(first.assigned).toHaveLength(1);
    expect(await assignedPairs(fixture.orgId)).toEqual([{ job_id: big, printer_id: small }]);
    expect(first.assigned.some((copy) => copy.printerId === petg || copy.jobId === pla)).toBe(false);

    const [large] = await fixture.addPrinters([{ fleetId: fleetIds[0]!, material: 'pla', build: [300, 300, 300] }]);
    const second = await scheduler.pass(fixture.orgId);
    expect(second.assigned).toEqual([expect.objectContaining({ jobId: pla, printerId: large })]);
  });

  it('serves the highest priority first, then the oldest; skips held and not-yet-startable jobs', async () => {
    const { fixture, fleetIds } = await farm();
    const [older, urgent, held, later, newer] = await fixture.addJobs([
      { copies: 1, position: 1 },
      { copies: 1, position: 5, priority: 10 },
      { copies: 1, position: 0, priority: 50, held: true },
      { copies: 1, position: 0, priority: 50, earliestStartAt: new Date(Date.now() + 3600_000) },
      { copies: 1, position: 2 },
    ]);
    await fixture.addPrinters([{ fleetId: fleetIds[0]! }, { fleetId: fleetIds[0]! }]);
    const { scheduler } = standaloneScheduler(dataSource, 100);

    const result = await scheduler.pass(fixture.orgId);

    expect(result.assigned.map((copy) => copy.jobId).sort()).toEqual([older, urgent].sort());
    expect(result.assigned.map((copy) => copy.jobId)).not.toContain(newer);
    expect(result.assigned.map((copy) => copy.jobId)).not.toEqual(expect.arrayContaining([held, later]));
  });

  it('only assigns printers that are operational, idle and have a clear bed', async () => {
    const { fixture, fleetIds } = await farm();
    const [offline, busy, dirty, ready] = await fixture.addPrinters([
      { fleetId: fleetIds[0]!, state: 'offline' },
      { fleetId: fleetIds[0]!, state: 'printing' },
      { fleetId: fleetIds[0]! },
      { fleetId: fleetIds[0]! },
    ]);
    await dataSource.query(`INSERT INTO printer_beds (printer_id, org_id, clear) VALUES ($1, $2, false)`, [
      dirty,
      fixture.orgId,
    ]);
    await fixture.addJobs([{ copies: 4 }]);
    const { scheduler, enqueued } = standaloneScheduler(dataSource, 100);

    const result = await scheduler.pass(fixture.orgId);

    expect(result.assigned.map((copy) => copy.printerId)).toEqual([ready]);
    expect([offline, busy, dirty]).not.toContain(result.assigned[0]!.printerId);
    expect(enqueued).toEqual([
      {
        name: 'copy.dispatch',
        payload: expect.objectContaining({ printerId: ready, attempt: 1, copyId: result.assigned[0]!.copyId }),
      },
    ]);
    // The printer now holds an active copy: a second pass gives it nothing more.
    expect((await scheduler.pass(fixture.orgId)).assigned).toEqual([]);
  });

  it('staggers starts: at most N per fleet per minute', async () => {
    const { fixture, fleetIds } = await farm(2);
    await fixture.addPrinters([
      ...Array.from({ length: 10 }, () => ({ fleetId: fleetIds[0]! })),
      ...Array.from({ length: 3 }, () => ({ fleetId: fleetIds[1]! })),
    ]);
    await fixture.addJobs([{ copies: 40 }]);
    const { scheduler } = standaloneScheduler(dataSource, 4);

    const first = await scheduler.pass(fixture.orgId);
    const perFleet = async () =>
      (await dataSource.query(
        `SELECT fleet_id, count(*)::int AS n FROM print_attempts WHERE org_id = $1 GROUP BY fleet_id`,
        [fixture.orgId],
      )) as { fleet_id: string; n: number }[];
    expect(first.assigned).toHaveLength(7);
    expect(Object.fromEntries((await perFleet()).map((row) => [row.fleet_id, row.n]))).toEqual({
      [fleetIds[0]!]: 4,
      [fleetIds[1]!]: 3,
    });

    await fixture.finishActive();
    expect((await scheduler.pass(fixture.orgId)).assigned).toHaveLength(1); // fleet 1's fourth start this minute
    await fixture.finishActive();
    expect((await scheduler.pass(fixture.orgId)).assigned).toHaveLength(0);

    await fixture.age(61);
    expect((await scheduler.pass(fixture.orgId)).assigned).toHaveLength(7);
  });

  it('two schedulers racing over one queue never assign a copy twice nor give a printer two copies', async () => {
    const { fixture, fleetIds } = await farm(3);
    const printers = await fixture.addPrinters(
      Array.from({ length: 24 }, (_, index) => ({
        fleetId: fleetIds[index % 3]!,
        material: index % 4 === 0 ? 'PETG' : 'PLA',
      })),
    );
    await fixture.addJobs([
      { copies: 150, material: 'PLA' },
      { copies: 60, material: 'PETG', priority: 5 },
      { copies: 90 },
      { copies: 30, fleetIds: [fleetIds[1]!] },
    ]);
    const one = standaloneScheduler(dataSource, 1000);
    const two = standaloneScheduler(other, 1000);
    const everAssigned = new Map<string, number>();
    let rounds = 0;

    for (let round = 0; round < 40; round++) {
      rounds++;
      const [a, b] = await Promise.all([one.scheduler.pass(fixture.orgId), two.scheduler.pass(fixture.orgId)]);
      const copies = [...a.assigned, ...b.assigned].map((copy) => copy.copyId);
      const printersUsed = [...a.assigned, ...b.assigned].map((copy) => copy.printerId);
      expect(new Set(copies).size).toBe(copies.length);
      expect(new Set(printersUsed).size).toBe(printersUsed.length);
      for (const copyId of copies) everAssigned.set(copyId, (everAssigned.get(copyId) ?? 0) + 1);

      const doubled = await dataSource.query(
        `SELECT printer_id FROM print_copies WHERE org_id = $1
          AND state IN ('assigned', 'uploading', 'printing', 'awaiting_bed_clear')
          GROUP BY printer_id HAVING count(*) > 1`,
        [fixture.orgId],
      );
      expect(doubled).toEqual([]);
      if ((await fixture.finishActive()) === 0) break;
    }

    // Every copy was assigned exactly once over all rounds, and each has exactly one attempt row.
    expect([...everAssigned.values()].every((count) => count === 1)).toBe(true);
    expect(everAssigned.size).toBe(330);
    const attempts = await dataSource.query(
      `SELECT copy_id FROM print_attempts WHERE org_id = $1 GROUP BY copy_id HAVING count(*) <> 1`,
      [fixture.orgId],
    );
    expect(attempts).toEqual([]);
    expect(rounds).toBeGreaterThan(10);
    expect(printers).toHaveLength(24);
  });
});
