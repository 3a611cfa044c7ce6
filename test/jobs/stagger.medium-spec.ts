import { createFarmhandDataSource } from '@farmhand/schema';
import { createTestDatabase, type TestDatabase } from '@farmhand/testing';
import type { DataSource } from 'typeorm';
import { SchedulerFixture, standaloneScheduler } from './scheduler-fixture';

/**
 * The per-fleet start budget (SCHEDULER_MAX_STARTS_PER_FLEET_PER_MINUTE) counts prints that actually started in
 * the last minute plus assignments still on their way, so a slow upload cannot bunch starts onto one circuit.
 */
describe('scheduler stagger', () => {
  let database: TestDatabase;
  let dataSource: DataSource;

  beforeAll(async () => {
    database = await createTestDatabase();
    dataSource = createFarmhandDataSource(database.url, { poolSize: 4 });
    await dataSource.initialize();
  });
  afterAll(async () => {
    await dataSource.destroy();
    await database.drop();
  });

  it('counts assignments still uploading however old, and prints by the time they started', async () => {
    const fixture = new SchedulerFixture(dataSource);
    const [fleetId] = await fixture.createOrganization(1);
    await fixture.addPrinters(Array.from({ length: 12 }, () => ({ fleetId: fleetId! })));
    await fixture.addJobs([{ copies: 30 }]);
    const { scheduler } = standaloneScheduler(dataSource, 4);

    expect((await scheduler.pass(fixture.orgId)).assigned).toHaveLength(4);
    // Assigned over a minute ago but still uploading: four starts are still to come in this fleet.
    await fixture.age(61);
    expect((await scheduler.pass(fixture.orgId)).assigned).toHaveLength(0);

    // They start now: four starts this minute, whenever they were assigned.
    expect(await fixture.startAssigned()).toBe(4);
    expect((await scheduler.pass(fixture.orgId)).assigned).toHaveLength(0);

    // A minute after they started, the budget is back.
    await fixture.age(61);
    expect((await scheduler.pass(fixture.orgId)).assigned).toHaveLength(4);
  });

  it('an assignment that went back to the queue without starting does not count', async () => {
    const fixture = new SchedulerFixture(dataSource);
    const [fleetId] = await fixture.createOrganization(1);
    await fixture.addPrinters(Array.from({ length: 6 }, () => ({ fleetId: fleetId! })));
    await fixture.addJobs([{ copies: 10 }]);
    const { scheduler } = standaloneScheduler(dataSource, 3);

    expect((await scheduler.pass(fixture.orgId)).assigned).toHaveLength(3);
    // The dispatch never reached the printers (offline): the copies are queued again, their attempts ended unstarted.
    await dataSource.query(
      `UPDATE print_copies SET state = 'queued', printer_id = NULL WHERE org_id = $1 AND state = 'assigned'`,
      [fixture.orgId],
    );
    expect((await scheduler.pass(fixture.orgId)).assigned).toHaveLength(3);
  });
});
