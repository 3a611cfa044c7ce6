import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createTeam, type Team, uploadGcode } from '@farmhand/factories';
import { CopiesService, SchedulerService } from '@farmhand/jobs';
import { startApi, type ApiHarness } from '@farmhand/testing';
import { DataSource } from 'typeorm';

/**
 * Maintenance over HTTP (who may plan, complete and read; wrong organization, wrong fleet, bad input), counters
 * from the prints the queue records, and the hold an overdue task puts on its printer, which the scheduler
 * respects until someone completes the task. Test prints are 3.7 g and 12 min 3 s (gcode-file.factory.ts).
 */
describe('maintenance', () => {
  let api: ApiHarness;
  let team: Team;
  let other: Team;
  let dataDir: string;
  let fileId: string;

  beforeAll(async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'farmhand-maintenance-'));
    api = await startApi({ DATA_DIR: dataDir, SCHEDULER_MAX_STARTS_PER_FLEET_PER_MINUTE: '1000' });
    [team, other] = await Promise.all([createTeam(api, 'Care Farm'), createTeam(api, 'Other Farm')]);
    fileId = (await uploadGcode(team.operator.client, team.orgId)).id;
    await db().query(
      `UPDATE printers SET model = 'MK4S', material = NULL, nozzle_diameter = 0.4, build_x = 250, build_y = 210,
                           build_z = 220 WHERE org_id = $1`,
      [team.orgId],
    );
  });
  afterAll(async () => {
    await api.close();
    await rm(dataDir, { recursive: true, force: true });
  });
  beforeEach(async () => {
    await db().query(`UPDATE maintenance_tasks SET archived_at = now() WHERE org_id = $1`, [team.orgId]);
  });

  const db = () => api.app.get(DataSource);
  const base = (orgId = team.orgId) => `/api/orgs/${orgId}/maintenance`;
  const everyTwoPrints = {
    name: 'Clean bed',
    intervalKind: 'prints',
    intervalValue: 2,
    holdWhenOverdue: true,
    checklist: ['Wipe the sheet with IPA', 'Check the belts'],
  };

  async function createTask(body: Record<string, unknown>) {
    const response = await team.admin.client.post(`${base()}/tasks`, body);
    expect(response.status).toBe(201);
    return response.body as { id: string };
  }
  async function statusOf(taskId: string, client = team.viewer.client) {
    const response = await client.get(base());
    expect(response.status).toBe(200);
    return (response.body.status as { taskId: string; printerId: string; used: number }[]).filter(
      (row) => row.taskId === taskId,
    );
  }

  async function printOnce(printerId: string) {
    await db().query(
      `UPDATE print_copies SET state = 'cancelled' WHERE org_id = $1 AND state NOT IN ('done', 'failed', 'cancelled')`,
      [team.orgId],
    );
    await db().query(`DELETE FROM printer_beds WHERE printer_id = $1`, [printerId]);
    await db().query(`UPDATE printers SET state = 'operational' WHERE id = $1`, [printerId]);
    expect((await team.operator.client.post(`/api/orgs/${team.orgId}/jobs`, { fileId, copies: 1 })).status).toBe(201);
    const { assigned } = await api.app.get(SchedulerService).passForOrg(team.orgId, [printerId]);
    if (!assigned.length) return false;
    const copy = assigned[0]!;
    const startedAt = new Date(Date.now() - 3600_000);
    await api.app.get(CopiesService).markPrinting(team.orgId, copy.copyId, copy.attempt, startedAt);
    await api.app.get(CopiesService).onPrintEvent({
      orgId: team.orgId,
      printerId,
      eventId: `done-${copy.copyId}`,
      type: 'done',
      job: { copyId: copy.copyId },
      at: startedAt.getTime() + 1800_000,
    });
    return true;
  }

  it('counts prints from the queue’s records, holds the printer when overdue, and lets it go once completed', async () => {
    const task = await createTask({ ...everyTwoPrints, printerId: team.printerA.id });
    const [before] = await statusOf(task.id);
    expect(before).toMatchObject({ printerId: team.printerA.id, state: 'ok', holding: false });

    expect(await printOnce(team.printerA.id)).toBe(true);
    expect(await printOnce(team.printerA.id)).toBe(true);
    const [overdue] = await statusOf(task.id);
    expect(overdue).toMatchObject({
      used: before!.used + 2,
      state: 'overdue',
      holding: true,
    });

    // The scheduler starts nothing more on it.
    expect(await printOnce(team.printerA.id)).toBe(false);

    const done = await team.operator.client.post(`${base()}/tasks/${task.id}/complete`, {
      printerId: team.printerA.id,
      notes: 'Sheet was greasy; cleaned <b>twice</b>',
      checklist: [true, false],
    });
    expect(done.status).toBe(201);
    const [after] = await statusOf(task.id);
    expect(after).toMatchObject({ used: 0, state: 'ok', holding: false, lastCompletedAt: expect.any(String) });
    expect(await printOnce(team.printerA.id)).toBe(true);

    const history = await team.viewer.client.get(`${base()}/printers/${team.printerA.id}/history`);
    expect(history.status).toBe(200);
    expect(history.body.items[0]).toMatchObject({
      taskId: task.id,
      taskName: 'Clean bed',
      notes: 'Sheet was greasy; cleaned <b>twice</b>',
      checklist: [
        { item: 'Wipe the sheet with IPA', done: true },
        { item: 'Check the belts', done: false },
      ],
      prints: expect.any(Number),
      printHours: expect.any(Number),
    });
    expect(history.body.items[0].printHours).toBeGreaterThanOrEqual(1);
    const audit = await db().query(
      `SELECT action FROM audit_entries WHERE subject_type = 'MaintenanceTask' AND subject_id = $1 ORDER BY created_at`,
      [task.id],
    );
    expect(audit.map((row: { action: string }) => row.action)).toEqual([
      'maintenance.taskCreated',
      'maintenance.completed',
    ]);
  });

  it('counts print hours and filament grams from the same records', async () => {
    const hours = await createTask({
      name: 'Lubricate rails',
      printerId: team.printerB.id,
      intervalKind: 'print_hours',
      intervalValue: 200,
    });
    const grams = await createTask({
      name: 'Replace nozzle',
      printerId: team.printerB.id,
      intervalKind: 'filament_grams',
      intervalValue: 3000,
    });
    const [hoursBefore] = await statusOf(hours.id);
    const [gramsBefore] = await statusOf(grams.id);
    expect(await printOnce(team.printerB.id)).toBe(true);
    const [hoursAfter] = await statusOf(hours.id);
    const [gramsAfter] = await statusOf(grams.id);
    expect(hoursAfter!.used - hoursBefore!.used).toBeCloseTo(0.5, 2);
    expect(gramsAfter!.used - gramsBefore!.used).toBeCloseTo(3.7, 2);
  });

  it('a model task applies to every printer of the model; a fleet-limited member sees only their fleet’s', async () => {
    const task = await createTask({
      name: 'Belt check',
      printerModel: 'mk4s',
      intervalKind: 'days',
      intervalValue: 90,
    });
    const all = await statusOf(task.id, team.viewer.client);
    expect(all.map((row) => row.printerId).sort()).toEqual([team.printerA.id, team.printerB.id].sort());
    const limited = await statusOf(task.id, team.fleetOperator.client);
    expect(limited.map((row) => row.printerId)).toEqual([team.printerA.id]);
    expect(limited[0]).toMatchObject({ state: 'ok', used: 0 });
  });

  it('viewer cannot complete maintenance; operators cannot plan it', async () => {
    const task = await createTask({ ...everyTwoPrints, printerId: team.printerA.id });
    expect(
      (await team.viewer.client.post(`${base()}/tasks/${task.id}/complete`, { printerId: team.printerA.id })).status,
    ).toBe(403);
    expect(
      (await team.operator.client.post(`${base()}/tasks`, { ...everyTwoPrints, printerId: team.printerA.id })).status,
    ).toBe(403);
    expect((await team.operator.client.patch(`${base()}/tasks/${task.id}`, { holdWhenOverdue: false })).status).toBe(
      403,
    );
    expect((await team.operator.client.delete(`${base()}/tasks/${task.id}`)).status).toBe(403);
    expect(
      (await team.admin.client.patch(`${base()}/tasks/${task.id}`, { holdWhenOverdue: false })).body,
    ).toMatchObject({
      holdWhenOverdue: false,
    });
  });

  it('fleet-limited operator cannot complete maintenance on another fleet’s printer', async () => {
    const task = await createTask({
      name: 'Belt check',
      printerModel: 'MK4S',
      intervalKind: 'days',
      intervalValue: 90,
    });
    const refused = await team.fleetOperator.client.post(`${base()}/tasks/${task.id}/complete`, {
      printerId: team.printerB.id,
    });
    expect(refused.status).toBe(404);
    expect(refused.body.error.code).toBe('printer_not_found');
    const history = await team.fleetOperator.client.get(`${base()}/printers/${team.printerB.id}/history`);
    expect(history.status).toBe(404);
    const own = await team.fleetOperator.client.post(`${base()}/tasks/${task.id}/complete`, {
      printerId: team.printerA.id,
    });
    expect(own.status).toBe(201);
  });

  it('another organization’s task or printer does not exist for the caller', async () => {
    const theirs = await other.owner.client.post(`${base(other.orgId)}/tasks`, {
      name: 'Theirs',
      printerId: other.printerA.id,
      intervalKind: 'prints',
      intervalValue: 5,
    });
    expect(theirs.status).toBe(201);
    const complete = await team.owner.client.post(`${base()}/tasks/${theirs.body.id}/complete`, {
      printerId: team.printerA.id,
    });
    expect(complete.body.error.code).toBe('maintenance_task_not_found');
    const patch = await team.owner.client.patch(`${base()}/tasks/${theirs.body.id}`, { name: 'Mine now' });
    expect(patch.body.error.code).toBe('maintenance_task_not_found');
    const foreignPrinter = await team.owner.client.post(`${base()}/tasks`, {
      ...everyTwoPrints,
      printerId: other.printerA.id,
    });
    expect(foreignPrinter.body.error.code).toBe('printer_not_found');
    expect((await team.owner.client.get(base(other.orgId))).status).toBe(404);
    expect((await statusOf(theirs.body.id)).length).toBe(0);
  });

  it('rejects bad numbers, hostile text and mismatched input, naming the field', async () => {
    const cases: [Record<string, unknown>, string][] = [
      [{ ...everyTwoPrints, printerId: team.printerA.id, intervalValue: -1 }, 'intervalValue'],
      [{ ...everyTwoPrints, printerId: team.printerA.id, intervalValue: 'NaN' }, 'intervalValue'],
      [{ ...everyTwoPrints, printerId: team.printerA.id, intervalValue: 1e12 }, 'intervalValue'],
      [{ ...everyTwoPrints, printerId: team.printerA.id, intervalKind: 'weeks' }, 'intervalKind'],
      [{ ...everyTwoPrints, printerId: team.printerA.id, name: 'x'.repeat(121) }, 'name'],
      [{ ...everyTwoPrints, printerId: team.printerA.id, checklist: Array(31).fill('step') }, 'checklist'],
      [{ ...everyTwoPrints, printerId: team.printerA.id, printerModel: 'MK4S' }, 'printerId'],
      [{ ...everyTwoPrints }, 'printerId'],
    ];
    for (const [body, field] of cases) {
      const response = await team.admin.client.post(`${base()}/tasks`, body);
      expect({ field, status: response.status, got: response.body.error?.field }).toEqual({
        field,
        status: 400,
        got: field,
      });
    }
    const task = await createTask({ ...everyTwoPrints, printerId: team.printerA.id });
    const mismatch = await team.operator.client.post(`${base()}/tasks/${task.id}/complete`, {
      printerId: team.printerA.id,
      checklist: [true],
    });
    expect(mismatch.body.error).toMatchObject({ code: 'maintenance_checklist_mismatch', field: 'checklist' });
    const wrongPrinter = await team.operator.client.post(`${base()}/tasks/${task.id}/complete`, {
      printerId: team.printerB.id,
    });
    expect(wrongPrinter.body.error).toMatchObject({ code: 'maintenance_not_for_printer', field: 'printerId' });
  });
});
