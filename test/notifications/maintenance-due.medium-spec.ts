import { MaintenanceDirectory, MaintenanceDueJobs } from '@farmhand/maintenance';
import { createTeam, type Team } from '@farmhand/factories';
import { waitFor } from '@farmhand/testing';
import { DataSource } from 'typeorm';
import { MailCatcher } from './mail-harness';
import { startFarm, type Farm } from './webhook-harness';

/**
 * `maintenance.due` through the real api and worker: prints recorded on a printer's counters, the worker's periodic
 * pass (run here rather than waited for), a webhook subscribed to the event and personal mail with a fleet limit.
 */
describe('maintenance.due notifications', () => {
  let farm: Farm;
  let team: Team;
  let mail: MailCatcher;
  let hookId: string;

  beforeAll(async () => {
    mail = await new MailCatcher().start();
    farm = await startFarm(
      { SMTP_URL: mail.url, MAIL_FROM: 'Farmhand <farmhand@farm.example>', EMAIL_VERIFICATION_REQUIRED: 'false' },
      { worker: true },
    );
    team = await createTeam(farm.api, 'Care Events Farm');
    for (const member of [team.owner, team.fleetOperator]) {
      const chosen = await member.client.request('PUT', `/api/orgs/${team.orgId}/notification-preferences/me`, {
        emailEvents: ['maintenance.due'],
        pushEvents: [],
        urgentEvents: [],
        fleetIds: null,
        timeZone: 'UTC',
        quietHours: null,
        digestHour: null,
      });
      expect(chosen.status).toBe(200);
    }
    const hook = await team.owner.client.post(`/api/orgs/${team.orgId}/webhooks`, {
      url: 'https://hooks.example.com/care',
      events: ['maintenance.due'],
    });
    expect([hook.status, hook.body.events]).toEqual([201, ['maintenance.due']]);
    hookId = hook.body.id;
  });
  afterAll(async () => {
    await farm.close();
    await mail.stop();
  });

  const db = () => farm.api.app.get(DataSource);
  const sweep = () => farm.worker!.get(MaintenanceDueJobs).sweep();
  const base = () => `/api/orgs/${team.orgId}/maintenance`;
  const subjects = (email: string) =>
    mail
      .to(email)
      .map((received) => received.parsed.subject ?? '')
      .filter((subject) => subject.includes('Replace nozzle'));
  async function printHours(printerId: string, hours: number) {
    await farm.api.app
      .get(MaintenanceDirectory)
      .recordPrint(db().manager, { orgId: team.orgId, printerId, seconds: hours * 3600, grams: 0 });
  }
  async function deliveries(printerId: string) {
    return (await db().query(
      `SELECT payload->>'level' AS level, payload->>'taskName' AS "taskName", payload->>'fleetId' AS "fleetId",
              (payload->>'used')::float8 AS used, (payload->>'limit')::float8 AS "limit"
         FROM webhook_deliveries WHERE webhook_id = $1 AND event = 'maintenance.due' AND payload->>'printerId' = $2
        ORDER BY created_at`,
      [hookId, printerId],
    )) as { level: string; taskName: string; fleetId: string; used: number; limit: number }[];
  }
  async function createTask(printerId: string) {
    const response = await team.admin.client.post(`${base()}/tasks`, {
      name: 'Replace nozzle',
      printerId,
      intervalKind: 'print_hours',
      intervalValue: 10,
    });
    expect(response.status).toBe(201);
    return response.body.id as string;
  }

  it('tells due once at 90 %, overdue once at 100 %, and again after the task is completed', async () => {
    const printerId = team.printerA.id;
    const taskId = await createTask(printerId);
    await printHours(printerId, 8);
    expect(await sweep()).toEqual({ told: 0 });

    await printHours(printerId, 1.5);
    expect(await sweep()).toEqual({ told: 1 });
    await waitFor(async () => (await deliveries(printerId)).length === 1, 'the due delivery');
    expect(await deliveries(printerId)).toEqual([
      { level: 'due', taskName: 'Replace nozzle', fleetId: team.fleetA, used: 9.5, limit: 10 },
    ]);
    // The next pass (or a restarted worker: the record is in Postgres) tells nothing new.
    expect(await sweep()).toEqual({ told: 0 });

    await printHours(printerId, 1);
    expect(await sweep()).toEqual({ told: 1 });
    expect(await sweep()).toEqual({ told: 0 });
    await waitFor(async () => (await deliveries(printerId)).length === 2, 'the overdue delivery');
    expect((await deliveries(printerId)).map((row) => row.level)).toEqual(['due', 'overdue']);

    const done = await team.operator.client.post(`${base()}/tasks/${taskId}/complete`, { printerId });
    expect(done.status).toBe(201);
    expect(await sweep()).toEqual({ told: 0 });
    await printHours(printerId, 9.5);
    expect(await sweep()).toEqual({ told: 1 });
    await waitFor(async () => (await deliveries(printerId)).length === 3, 'the next interval’s due delivery');
    expect((await deliveries(printerId)).map((row) => row.level)).toEqual(['due', 'overdue', 'due']);

    await waitFor(() => subjects(team.owner.email).length === 3, 'the owner’s three mails');
    expect(subjects(team.owner.email)).toEqual([
      `[Farmhand] Replace nozzle is due soon on ${team.printerA.name}`,
      `[Farmhand] Replace nozzle is overdue on ${team.printerA.name}`,
      `[Farmhand] Replace nozzle is due soon on ${team.printerA.name}`,
    ]);
  });

  it('a fleet-limited member is not told of another fleet’s printer (personal preferences clamp to their fleets)', async () => {
    // Fleet A's three mails reach the fleet-limited member too (the first test waited only for the owner's).
    await waitFor(() => subjects(team.fleetOperator.email).length === 3, 'the fleet operator’s fleet A mails');
    await createTask(team.printerB.id);
    await printHours(team.printerB.id, 12);
    expect(await sweep()).toEqual({ told: 1 });
    await waitFor(async () => (await deliveries(team.printerB.id)).length === 1, 'the fleet B delivery');
    expect((await deliveries(team.printerB.id))[0]).toMatchObject({ level: 'overdue', fleetId: team.fleetB });
    await waitFor(
      () => subjects(team.owner.email).some((subject) => subject.includes(team.printerB.name)),
      'the owner’s fleet B mail',
    );
    // Fleet B's did not.
    expect(subjects(team.fleetOperator.email).filter((subject) => subject.includes(team.printerB.name))).toEqual([]);
  });

  it('a task name with hostile markup reaches the webhook as plain data', async () => {
    const created = await team.admin.client.post(`${base()}/tasks`, {
      name: '<img src=x onerror=alert(1)> Replace nozzle',
      printerId: team.printerA.id,
      intervalKind: 'prints',
      intervalValue: 1,
    });
    expect(created.status).toBe(201);
    await printHours(team.printerA.id, 0.1);
    expect((await sweep()).told).toBeGreaterThanOrEqual(1);
    await waitFor(
      async () => (await deliveries(team.printerA.id)).some((row) => row.taskName.startsWith('<img')),
      'the hostile-named delivery',
    );
  });
});
