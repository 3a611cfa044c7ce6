import { randomUUID } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createTeam, insertPrinter, uploadGcode, type Team } from '@farmhand/factories';
import { SchedulerService } from '@farmhand/jobs';
import type { Printer } from '@farmhand/printers';
import { startApi, type ApiHarness } from '@farmhand/testing';
import { DataSource } from 'typeorm';

/** "Print this file on the selected printers": one job pinned to each printer, and a scheduler that keeps the pin. */
describe('print on the selected printers', () => {
  let api: ApiHarness;
  let team: Team;
  let dataDir: string;
  let fileId: string;

  beforeAll(async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'farmhand-pinned-'));
    api = await startApi({ DATA_DIR: dataDir });
    team = await createTeam(api);
    fileId = (await uploadGcode(team.operator.client, team.orgId, { material: 'PLA', sizeX: 60, sizeY: 60, height: 1 }))
      .id;
  });
  afterAll(async () => {
    await api.close();
    await rm(dataDir, { recursive: true, force: true });
  });

  const route = () => `/api/orgs/${team.orgId}/jobs/on-printers`;
  const db = () => api.app.get(DataSource);
  const scheduler = () => api.app.get(SchedulerService);
  const readyPrinter = (fleetId: string, overrides: Partial<Printer> = {}) =>
    insertPrinter(api, team.orgId, fleetId, {
      state: 'operational',
      material: 'PLA',
      nozzleDiameter: 0.4,
      buildX: 250,
      buildY: 210,
      buildZ: 220,
      ...overrides,
    });
  const copiesOf = async (jobId: string) =>
    (await team.viewer.client.get(`/api/orgs/${team.orgId}/jobs/${jobId}`)).body.copyList as {
      state: string;
      printerId: string | null;
      failureReason: string | null;
    }[];
  // Each test schedules only its own jobs: what earlier tests left queued is cancelled first.
  const clearQueue = () =>
    db().query(`UPDATE print_copies SET state = 'cancelled' WHERE org_id = $1 AND state = 'queued'`, [team.orgId]);

  it('queues one job per printer, pinned; the scheduler keeps the pin though another idle matching printer waits', async () => {
    await clearQueue();
    // Without the pin the scheduler would choose the idle printer: the smaller bed that fits is preferred.
    const idle = await readyPrinter(team.fleetA, { buildX: 200, buildY: 200, buildZ: 200 });
    const pinned = await readyPrinter(team.fleetA);
    const response = await team.operator.client.post(route(), { fileId, printerIds: [pinned.id] });
    expect(response.status).toBe(201);
    expect(response.body.results).toEqual([
      expect.objectContaining({ printerId: pinned.id, printerName: pinned.name, status: 'queued', code: null }),
    ]);
    const jobId = response.body.results[0].jobId as string;
    const job = await team.viewer.client.get(`/api/orgs/${team.orgId}/jobs/${jobId}`);
    expect(job.body).toMatchObject({ copies: 1, requirements: { pinnedPrinterId: pinned.id, fleetIds: [] } });

    const { assigned } = await scheduler().passForOrg(team.orgId, [idle.id, pinned.id].sort());
    expect(assigned).toEqual([expect.objectContaining({ jobId, printerId: pinned.id })]);

    const log = await team.owner.client.get(`/api/orgs/${team.orgId}/audit?action=printJob.pinnedCreated`);
    expect(log.body.entries[0].details).toMatchObject({
      fileId,
      outcomes: [{ printerId: pinned.id, status: 'queued', jobId }],
    });
  });

  it('still applies readiness to the pinned printer: a plate to clear or another model waits or is refused', async () => {
    await clearQueue();
    const dirty = await readyPrinter(team.fleetA);
    const bgcodeOnly = await readyPrinter(team.fleetA, { uploadFormats: ['bgcode'] });
    await db().query(`INSERT INTO printer_beds (printer_id, org_id, clear) VALUES ($1, $2, false)`, [
      dirty.id,
      team.orgId,
    ]);
    const response = await team.operator.client.post(route(), { fileId, printerIds: [dirty.id, bgcodeOnly.id] });
    expect(response.body.results).toEqual([
      expect.objectContaining({ printerId: dirty.id, status: 'queued' }),
      expect.objectContaining({
        printerId: bgcodeOnly.id,
        status: 'refused',
        jobId: null,
        code: 'format_not_supported',
        message: expect.stringContaining(bgcodeOnly.name),
      }),
    ]);
    expect((await scheduler().passForOrg(team.orgId, [dirty.id, bgcodeOnly.id])).assigned).toEqual([]);
  });

  it('a fleet-limited operator cannot pin a print to another fleet’s printer: 403 naming the printer, nothing queued', async () => {
    const mine = await readyPrinter(team.fleetA);
    const before = await db().query(`SELECT count(*)::int AS n FROM print_jobs WHERE org_id = $1`, [team.orgId]);
    const refused = await team.fleetOperator.client.post(route(), { fileId, printerIds: [mine.id, team.printerB.id] });
    expect(refused.status).toBe(403);
    expect(refused.body.error).toMatchObject({
      code: 'printer_out_of_reach',
      field: 'printerIds',
      details: { printerId: team.printerB.id },
    });
    expect(refused.body.error.message).toContain(team.printerB.id);
    const after = await db().query(`SELECT count(*)::int AS n FROM print_jobs WHERE org_id = $1`, [team.orgId]);
    expect(after[0].n).toBe(before[0].n);

    const allowed = await team.fleetOperator.client.post(route(), { fileId, printerIds: [mine.id] });
    expect(allowed.status).toBe(201);
    const job = await team.fleetOperator.client.get(`/api/orgs/${team.orgId}/jobs/${allowed.body.results[0].jobId}`);
    expect(job.body.requirements).toMatchObject({ pinnedPrinterId: mine.id, fleetIds: [team.fleetA] });
  });

  it("another organization's printer id is refused like any printer out of reach, naming it", async () => {
    const other = await createTeam(api, 'Other farm');
    for (const printerId of [other.printerA.id, randomUUID()]) {
      const response = await team.operator.client.post(route(), { fileId, printerIds: [printerId] });
      expect(response.status).toBe(403);
      expect(response.body.error).toMatchObject({ code: 'printer_out_of_reach', details: { printerId } });
    }
    const theirs = await other.operator.client.post(`/api/orgs/${other.orgId}/jobs/on-printers`, {
      fileId,
      printerIds: [other.printerA.id],
    });
    expect(theirs.body.error).toMatchObject({ code: 'unknown_file', field: 'fileId' });
  });

  it('viewer cannot print on printers; bad and hostile input is refused naming the field', async () => {
    expect((await team.viewer.client.post(route(), { fileId, printerIds: [team.printerA.id] })).status).toBe(403);
    const cases: [Record<string, unknown>, string][] = [
      [{ fileId, printerIds: [] }, 'printerIds'],
      [{ fileId, printerIds: ['not-a-printer'] }, 'printerIds'],
      [{ fileId: randomUUID(), printerIds: [team.printerA.id] }, 'fileId'],
      [{ fileId, printerIds: [team.printerA.id], notes: 'hi\u0000there' }, 'notes'],
      [{ fileId, printerIds: [team.printerA.id], notes: 'lone \ud800 surrogate' }, 'notes'],
    ];
    for (const [body, field] of cases) {
      const response = await team.operator.client.post(route(), body);
      expect(response.status).toBe(400);
      expect(JSON.stringify(response.body.error)).toContain(field);
    }
  });

  it('a pinned copy whose printer is deleted, or moved out of the requester’s fleets, is cancelled with the reason', async () => {
    await clearQueue();
    const doomed = await readyPrinter(team.fleetA, { state: 'offline' });
    const moving = await readyPrinter(team.fleetA, { state: 'offline' });
    const gone = await team.operator.client.post(route(), { fileId, printerIds: [doomed.id] });
    const moved = await team.fleetOperator.client.post(route(), { fileId, printerIds: [moving.id] });
    expect((await team.owner.client.delete(`/api/orgs/${team.orgId}/printers/${doomed.id}`)).status).toBe(204);
    const patch = await team.owner.client.patch(`/api/orgs/${team.orgId}/printers/${moving.id}`, {
      fleetId: team.fleetB,
    });
    expect(patch.status).toBe(200);

    await scheduler().pass(team.orgId);

    expect(await copiesOf(gone.body.results[0].jobId)).toEqual([
      expect.objectContaining({ state: 'cancelled', printerId: null, failureReason: 'pinned_printer_removed' }),
    ]);
    expect(await copiesOf(moved.body.results[0].jobId)).toEqual([
      expect.objectContaining({ state: 'cancelled', printerId: null, failureReason: 'pinned_printer_moved' }),
    ]);
    const log = await team.owner.client.get(`/api/orgs/${team.orgId}/audit?action=scheduler.pinCancelled`);
    expect(log.body.entries).toHaveLength(1);
  });
});
