import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DASHBOARD_EVENTS, DASHBOARD_NAMESPACE, type DashboardOrgEvent } from '@farmhand/dashboard';
import { createTeam, issueAgentCredential, type Team, uploadGcode } from '@farmhand/factories';
import type { Command } from '@farmhand/protocol';
import { startApi, type ApiHarness, type HttpClient, waitFor } from '@farmhand/testing';
import { io, type Socket } from 'socket.io-client';
import { DataSource } from 'typeorm';
import { connected, hello, rawAgent, status } from '../agents/agent-harness';

/**
 * The queue follows fleet limits (docs/security.md, "Fleet limits in the print queue"): a member or key limited to
 * fleet A creates jobs only for fleet A, reads and acts only on jobs whose fleets are all theirs (a job with no
 * fleet list may print anywhere, so it is not theirs), and on copies on their own printers. The attacks of the
 * outside test, replayed.
 */
describe('fleet limits in the print queue', () => {
  let api: ApiHarness;
  let team: Team;
  let dataDir: string;
  let fileId: string;
  let fleetKey: HttpClient;
  const sockets: Socket[] = [];

  beforeAll(async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'farmhand-fleet-queue-'));
    api = await startApi({ DATA_DIR: dataDir });
    team = await createTeam(api);
    fileId = (await uploadGcode(team.owner.client, team.orgId, { salt: 'fleet limits' })).id;
    const key = await team.owner.client.post(`${org()}/api-keys`, {
      name: 'fleet A automation',
      scopes: ['read:Job', 'create:Job', 'update:Job', 'delete:Job', 'read:Printer', 'read:File'],
      fleetIds: [team.fleetA],
    });
    expect(key.status).toBe(201);
    fleetKey = api.client();
    fleetKey.bearer = key.body.key;
  });
  afterAll(async () => {
    for (const socket of sockets) socket.disconnect();
    await api.close();
    await rm(dataDir, { recursive: true, force: true });
  });

  const org = () => `/api/orgs/${team.orgId}`;
  const db = () => api.app.get(DataSource);

  async function job(fleetIds: string[], client = team.owner.client): Promise<string> {
    const created = await client.post(`${org()}/jobs`, { fileId, copies: 2, held: true, fleetIds });
    if (created.status !== 201) throw new Error(`job: ${created.status} ${JSON.stringify(created.body)}`);
    return created.body.id;
  }

  /** Copy 1 of the job on `printerId` in `state`, with its attempt, as the scheduler and the agent leave it. */
  async function copyOn(jobId: string, printerId: string, fleetId: string, state = 'printing'): Promise<string> {
    const [[copy]]: [{ id: string }[]] = await db().query(
      `UPDATE print_copies SET state = $3, printer_id = $2, attempt = 1, assigned_at = now()
        WHERE job_id = $1 AND number = 1 RETURNING id`,
      [jobId, printerId, state],
    );
    await db().query(
      `INSERT INTO print_attempts (org_id, copy_id, job_id, printer_id, fleet_id, attempt, state, assigned_at)
       VALUES ($1, $2, $3, $4, $5, 1, $6, now())`,
      [team.orgId, copy!.id, jobId, printerId, fleetId, state],
    );
    return copy!.id;
  }

  async function copyState(copyId: string): Promise<string> {
    const [row]: { state: string }[] = await db().query(`SELECT state FROM print_copies WHERE id = $1`, [copyId]);
    return row!.state;
  }

  /** The printer's agent, connected, recording every command it gets (and acknowledging it). */
  async function agentOf(printer: { id: string; orgId: string }): Promise<Command[]> {
    const received: Command[] = [];
    const socket = rawAgent(api.url, { credential: await issueAgentCredential(api, printer) });
    sockets.push(socket);
    socket.on('command', (command: Command, ack: (result: unknown) => void) => {
      received.push(command);
      ack({ id: command.id, ok: true, data: {}, finishedAt: Date.now() });
    });
    await connected(socket);
    socket.emit('hello', hello());
    socket.emit('status', status({ state: 'printing', stateText: 'Printing' }));
    return received;
  }

  it("fleet-limited operator cannot cancel a copy on another fleet's printer, and that printer is told nothing", async () => {
    const commands = await agentOf(team.printerB);
    const jobId = await job([team.fleetB]);
    const copyId = await copyOn(jobId, team.printerB.id, team.fleetB);

    const attack = await team.fleetOperator.client.post(`${org()}/copies/${copyId}/cancel`);
    expect(attack.status).toBe(404);
    expect(attack.body.error.code).toBe('copy_not_found');
    expect(await copyState(copyId)).toBe('printing');

    // The same request by someone who may: the copy is cancelled and the printer's agent gets the cancel.
    expect((await team.operator.client.post(`${org()}/copies/${copyId}/cancel`)).status).toBe(200);
    await waitFor(async () => commands.find((command) => command.type === 'cancel'), 'the cancel at the printer');
    expect(commands.map((command) => command.type)).toEqual(['cancel']);
  });

  it("fleet-limited API key cannot cancel or requeue a copy on another fleet's printer", async () => {
    const printing = await copyOn(await job([team.fleetB]), team.printerB.id, team.fleetB, 'uploading');
    expect((await fleetKey.post(`${org()}/copies/${printing}/cancel`)).status).toBe(404);
    expect(await copyState(printing)).toBe('uploading');
    await db().query(`UPDATE print_copies SET state = 'cancelled' WHERE id = $1`, [printing]);

    const failed = await copyOn(await job([team.fleetB]), team.printerB.id, team.fleetB, 'failed');
    expect((await fleetKey.post(`${org()}/copies/${failed}/requeue`)).status).toBe(404);
    expect(await copyState(failed)).toBe('failed');
  });

  it('fleet-limited operator cannot create a job for another fleet, nor one that may print on every fleet', async () => {
    const jobs = async () => (await db().query(`SELECT count(*)::int AS n FROM print_jobs`))[0].n as number;
    const before = await jobs();
    const create = (body: Record<string, unknown>) =>
      team.fleetOperator.client.post(`${org()}/jobs`, { fileId, copies: 1, ...body });

    expect((await create({ fleetIds: [team.fleetB] })).body.error).toMatchObject({
      code: 'unknown_fleet',
      field: 'fleetIds',
    });
    expect((await create({ fleetIds: [team.fleetA, team.fleetB] })).body.error.code).toBe('unknown_fleet');
    for (const everyFleet of [{}, { fleetIds: [] }])
      expect((await create(everyFleet)).body.error).toMatchObject({ code: 'fleets_required', field: 'fleetIds' });
    expect((await fleetKey.post(`${org()}/jobs`, { fileId, copies: 1 })).body.error.code).toBe('fleets_required');
    expect(await jobs()).toBe(before);

    expect((await create({ fleetIds: [team.fleetA] })).status).toBe(201);
    expect((await fleetKey.post(`${org()}/jobs`, { fileId, copies: 1, fleetIds: [team.fleetA] })).status).toBe(201);
  });

  it("fleet-limited operator cannot read, retarget, reprioritise, hold, cancel or delete another member's job of another fleet", async () => {
    const jobId = await job([team.fleetB], team.operator.client);
    const before = (await team.owner.client.get(`${org()}/jobs/${jobId}`)).body;
    const path = `${org()}/jobs/${jobId}`;
    const attacks = [
      () => team.fleetOperator.client.get(path),
      () => team.fleetOperator.client.patch(path, { fleetIds: [team.fleetA] }),
      () => team.fleetOperator.client.patch(path, { priority: 100 }),
      () => team.fleetOperator.client.post(`${path}/reorder`, { priority: 100 }),
      () => team.fleetOperator.client.post(`${path}/hold`),
      () => team.fleetOperator.client.post(`${path}/release`),
      () => team.fleetOperator.client.post(`${path}/cancel`),
      () => team.fleetOperator.client.delete(path),
      () => fleetKey.patch(path, { fleetIds: [team.fleetA] }),
      () => fleetKey.delete(path),
    ];
    for (const attack of attacks) {
      const response = await attack();
      expect({ status: response.status, code: response.body.error.code }).toEqual({
        status: 404,
        code: 'job_not_found',
      });
    }
    expect((await team.owner.client.get(path)).body).toEqual(before);
    const audited: unknown[] = await db().query(
      `SELECT action FROM audit_entries WHERE subject_id = $1 AND action LIKE 'printJob.%' AND action <> 'printJob.created'`,
      [jobId],
    );
    expect(audited).toEqual([]);
  });

  it('a job with no fleet list counts as every fleet: a fleet-limited member cannot act on it', async () => {
    const jobId = await job([]);
    expect((await team.fleetOperator.client.get(`${org()}/jobs/${jobId}`)).status).toBe(404);
    expect((await team.fleetOperator.client.post(`${org()}/jobs/${jobId}/cancel`)).status).toBe(404);
    expect((await fleetKey.post(`${org()}/jobs/${jobId}/hold`)).status).toBe(404);
  });

  it('fleet-limited operator cannot move their own job into another fleet, to every fleet, or beside a job they cannot see', async () => {
    const own = await job([team.fleetA], team.fleetOperator.client);
    const path = `${org()}/jobs/${own}`;
    expect((await team.fleetOperator.client.patch(path, { fleetIds: [team.fleetB] })).body.error.code).toBe(
      'unknown_fleet',
    );
    expect((await team.fleetOperator.client.patch(path, { fleetIds: [] })).body.error.code).toBe('fleets_required');
    const hidden = await job([team.fleetB]);
    const beside = await team.fleetOperator.client.post(`${path}/reorder`, { beforeJobId: hidden });
    expect(beside.body.error).toMatchObject({ code: 'unknown_job' });
    expect((await team.owner.client.get(path)).body.requirements.fleetIds).toEqual([team.fleetA]);
    expect((await team.fleetOperator.client.patch(path, { priority: 5 })).status).toBe(200);
  });

  it("fleet-limited operator cannot cancel a job whose copy prints on another fleet's printer", async () => {
    // Assigned while the job could print on fleet B; the owner then narrowed it to fleet A.
    const jobId = await job([team.fleetB]);
    const copyId = await copyOn(jobId, team.printerB.id, team.fleetB);
    expect((await team.owner.client.patch(`${org()}/jobs/${jobId}`, { fleetIds: [team.fleetA] })).status).toBe(200);

    const attack = await team.fleetOperator.client.post(`${org()}/jobs/${jobId}/cancel`);
    expect(attack.status).toBe(403);
    expect(attack.body.error.code).toBe('copy_out_of_reach');
    expect(await copyState(copyId)).toBe('printing');
    expect((await team.owner.client.get(`${org()}/jobs/${jobId}`)).body.status).toBe('printing');
    await db().query(`UPDATE print_copies SET state = 'cancelled' WHERE id = $1`, [copyId]);
  });

  it('a copy on your own printer is yours: the plate and the print of an every-fleet job on it', async () => {
    const everyFleet = await job([]);
    const waiting = await copyOn(everyFleet, team.printerA.id, team.fleetA, 'awaiting_bed_clear');
    await db().query(
      `INSERT INTO printer_beds (printer_id, org_id, clear, copy_id, reason) VALUES ($1, $2, false, $3, 'print_done')
       ON CONFLICT (printer_id) DO UPDATE SET clear = false, copy_id = EXCLUDED.copy_id`,
      [team.printerA.id, team.orgId, waiting],
    );
    const cleared = await team.fleetOperator.client.post(`${org()}/printers/${team.printerA.id}/bed/clear`, {
      outcome: 'good',
    });
    expect(cleared.status).toBe(200);
    expect(await copyState(waiting)).toBe('done');
    // The plate of a printer outside their fleets is not theirs.
    const outside = await team.fleetOperator.client.post(`${org()}/printers/${team.printerB.id}/bed/clear`, {
      outcome: 'good',
    });
    expect(outside.body.error.code).toBe('printer_not_found');

    const printing = await copyOn(await job([]), team.printerA.id, team.fleetA);
    expect((await team.fleetOperator.client.post(`${org()}/copies/${printing}/cancel`)).status).toBe(200);
    expect(await copyState(printing)).toBe('cancelled');
  });

  it('fleet-limited operator sees only their fleets in the queue, the history, the statistics and readiness', async () => {
    const mine = await job([team.fleetA]);
    const theirs = await job([team.fleetB]);
    const everyFleet = await job([]);
    for (const status of ['active', 'all']) {
      for (const client of [team.fleetOperator.client, fleetKey]) {
        const listed = await client.get(`${org()}/jobs?status=${status}`);
        const ids = listed.body.jobs.map((row: { id: string }) => row.id);
        expect(ids).toContain(mine);
        expect(ids).not.toContain(theirs);
        expect(ids).not.toContain(everyFleet);
        expect(listed.body.total).toBe(ids.length);
        for (const row of listed.body.jobs as { requirements: { fleetIds: string[] } }[])
          expect(row.requirements.fleetIds).toEqual([team.fleetA]);
      }
    }
    const all = await team.operator.client.get(`${org()}/jobs?status=all`);
    expect(all.body.jobs.map((row: { id: string }) => row.id)).toEqual(expect.arrayContaining([theirs, everyFleet]));

    await db().query(`UPDATE print_copies SET state = 'cancelled' WHERE job_id = $1`, [theirs]);
    const finished = await team.fleetOperator.client.get(`${org()}/jobs?status=finished`);
    expect(finished.body.jobs.map((row: { id: string }) => row.id)).not.toContain(theirs);

    const to = new Date(Date.now() + 60_000).toISOString();
    const from = new Date(Date.now() - 3600_000).toISOString();
    const stats = await team.fleetOperator.client.get(`${org()}/stats/utilization?from=${from}&to=${to}`);
    expect(stats.body.fleets.map((fleet: { fleetId: string }) => fleet.fleetId)).toEqual([team.fleetA]);
    const otherFleet = `${org()}/stats/utilization?from=${from}&to=${to}&fleetId=${team.fleetB}`;
    expect((await team.fleetOperator.client.get(otherFleet)).status).toBe(404);
    const keyStats = await fleetKey.get(`${org()}/stats/utilization?from=${from}&to=${to}`);
    expect(keyStats.body.fleets.map((fleet: { fleetId: string }) => fleet.fleetId)).toEqual([team.fleetA]);

    const readiness = await team.fleetOperator.client.get(`${org()}/queue/readiness`);
    expect(readiness.body.printers.map((printer: { printerId: string }) => printer.printerId)).toEqual([
      team.printerA.id,
    ]);
    expect((await team.fleetOperator.client.get(`${org()}/printers/${team.printerB.id}/history`)).status).toBe(404);
  });

  it("a fleet-limited dashboard hears of its fleets' jobs only", async () => {
    const watch = (client: HttpClient) => {
      const events: DashboardOrgEvent[] = [];
      const socket = io(`${api.url}${DASHBOARD_NAMESPACE}`, {
        transports: ['websocket'],
        reconnection: false,
        auth: { orgId: team.orgId },
        extraHeaders: { cookie: `fh_session=${client.cookie('fh_session')}` },
      });
      sockets.push(socket);
      socket.on(DASHBOARD_EVENTS.orgEvents, (batch: DashboardOrgEvent[]) => events.push(...batch));
      return new Promise<DashboardOrgEvent[]>((resolve) => socket.once(DASHBOARD_EVENTS.resync, () => resolve(events)));
    };
    const everything = await watch(team.operator.client);
    const limited = await watch(team.fleetOperator.client);
    const theirs = await job([team.fleetB]);
    const everyFleet = await job([]);
    const mine = await job([team.fleetA]);
    const heard = (events: DashboardOrgEvent[], jobId: string) =>
      events.some((event) => event.kind === 'queue' && event.jobId === jobId);
    await waitFor(
      async () => heard(everything, theirs) && heard(everything, everyFleet) && heard(everything, mine),
      'all',
    );
    await waitFor(async () => heard(limited, mine), 'the fleet A job');
    expect(heard(limited, theirs)).toBe(false);
    expect(heard(limited, everyFleet)).toBe(false);
  });

  it('a key limited to fleets cannot be given the audit log, which covers every fleet', async () => {
    const refused = await team.owner.client.post(`${org()}/api-keys`, {
      name: 'audit reader',
      scopes: ['read:AuditLog'],
      fleetIds: [team.fleetA],
    });
    expect(refused.status).toBe(400);
    expect(refused.body.error).toMatchObject({ code: 'scope_needs_every_fleet', field: 'scopes' });
  });
});
