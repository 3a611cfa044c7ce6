import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createTeam, insertPrinter, issueAgentCredential, type Team, makeGcode, uploadRaw } from '@farmhand/factories';
import { startApi, startWorker, waitFor, type ApiHarness, type RoleHarness } from '@farmhand/testing';
import { DataSource } from 'typeorm';
import type { AgentRuntime } from '../../apps/agent/src/runtime/agent-runtime';
import type { OctoPrintFarm } from '../../apps/printer-sim/src/octoprint/octoprint-farm';
import { startAgent, startFarm } from '../agents/agent-harness';

interface CopyRow {
  id: string;
  number: number;
  state: string;
  printer_id: string | null;
  attempt: number;
  lost: boolean;
  failure_reason: string | null;
  cleared_at: Date | null;
}

/**
 * The print queue end to end: api + worker (scheduler, dispatch) + real agents + simulated OctoPrint printers.
 * The worker dispatches through the agents' control path; agents download the file from the signed URL.
 */
describe('print queue with the simulator and real agents', () => {
  let api: ApiHarness;
  let worker: RoleHarness;
  let farm: OctoPrintFarm;
  let team: Team;
  let dataDir: string;
  const agents: (AgentRuntime | null)[] = [];
  const printerIds: string[] = [];
  const credentials: string[] = [];

  beforeAll(async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'farmhand-queue-e2e-'));
    const settings = {
      DATA_DIR: dataDir,
      SCHEDULER_MAX_STARTS_PER_FLEET_PER_MINUTE: '100',
      SCHEDULER_TICK_SECONDS: '2',
    };
    api = await startApi(settings);
    worker = await startWorker(settings, { api });
    team = await createTeam(api);
    farm = await startFarm(3);
    const capabilities = { material: 'PLA', nozzleDiameter: 0.4, buildX: 250, buildY: 210, buildZ: 220 };
    const extra = await Promise.all([
      insertPrinter(api, team.orgId, team.fleetA, { name: 'Queue A2', ...capabilities }),
      insertPrinter(api, team.orgId, team.fleetA, { name: 'Queue A3', ...capabilities }),
    ]);
    await api.app.get(DataSource).query(
      `UPDATE printers SET material = 'PLA', nozzle_diameter = 0.4, build_x = 250, build_y = 210, build_z = 220
        WHERE id = $1`,
      [team.printerA.id],
    );
    printerIds.push(team.printerA.id, ...extra.map((printer) => printer.id));
    // Printer B (fleet B) has no agent: it stays offline and must never get a copy.
    for (const [index, printerId] of printerIds.entries()) {
      credentials.push(await issueAgentCredential(api, { id: printerId, orgId: team.orgId }));
      agents.push(await startAgent(api.url, farm, index, credentials[index]!));
    }
    await waitFor(async () => {
      const rows = await copiesQuery(`SELECT state FROM printers WHERE id = ANY($1)`, [printerIds]);
      return rows.every((row) => (row as unknown as { state: string }).state === 'operational');
    }, 'printers operational');
  });

  afterAll(async () => {
    for (const agent of agents) await agent?.stop();
    await farm?.stop();
    await worker?.close();
    await api?.close();
    await rm(dataDir, { recursive: true, force: true });
  });

  function copiesQuery(sql: string, params: unknown[]): Promise<CopyRow[]> {
    return api.app.get(DataSource).query(sql, params);
  }
  const copiesOf = (jobId: string) =>
    copiesQuery(
      `SELECT id, number, state, printer_id, attempt, lost, failure_reason, cleared_at FROM print_copies
        WHERE job_id = $1 ORDER BY number`,
      [jobId],
    );

  async function queue(copies: number, estimatedSeconds: number, salt: string): Promise<string> {
    const content = makeGcode({ salt }).replace(
      '; estimated printing time (normal mode) = 12m 3s',
      `; estimated printing time (normal mode) = ${estimatedSeconds}s`,
    );
    const upload = await uploadRaw(team.operator.client, team.orgId, content, `${salt}.gcode`);
    expect(upload.status).toBe(201);
    const job = await team.operator.client.post(`/api/orgs/${team.orgId}/jobs`, {
      fileId: upload.body.file.id,
      copies,
    });
    expect(job.status).toBe(201);
    return job.body.id;
  }

  const clearBed = (printerId: string, outcome: 'good' | 'bad') =>
    team.operator.client.post(`/api/orgs/${team.orgId}/printers/${printerId}/bed/clear`, { outcome });

  it('prints a job of 5 copies over 3 printers, each next start waiting for the plate to be cleared', async () => {
    const jobId = await queue(5, 40, 'five-copies');
    const clearedAt = new Map<string, Date>();
    await waitFor(
      async () => {
        const copies = await copiesOf(jobId);
        for (const copy of copies.filter((candidate) => candidate.state === 'awaiting_bed_clear')) {
          // Before confirming, the printer must not have been given anything else.
          const others = copies.filter(
            (other) => other.printer_id === copy.printer_id && other.id !== copy.id && other.state !== 'done',
          );
          expect(others.filter((other) => other.state !== 'queued')).toEqual([]);
          const response = await clearBed(copy.printer_id!, 'good');
          expect(response.status).toBe(200);
          clearedAt.set(copy.id, new Date());
        }
        return copies.every((copy) => copy.state === 'done');
      },
      'all five copies printed',
      150_000,
    );

    const copies = await copiesOf(jobId);
    expect(copies.map((copy) => copy.state)).toEqual(['done', 'done', 'done', 'done', 'done']);
    expect(new Set(copies.map((copy) => copy.printer_id)).size).toBe(3);
    expect(copies.every((copy) => printerIds.includes(copy.printer_id!))).toBe(true);
    // On each printer, every attempt after the first was assigned only after the previous plate was cleared.
    const all: {
      printer_id: string;
      assigned_at: Date;
      started_at: Date | null;
      copy_id: string;
      outcome: string | null;
      failure_reason: string | null;
    }[] = await api.app.get(DataSource).query(
      `SELECT printer_id, assigned_at, started_at, copy_id, outcome, failure_reason FROM print_attempts
          WHERE job_id = $1 ORDER BY assigned_at`,
      [jobId],
    );
    // A dispatch the agent refused before printing (its printer still finishing) went back to the queue, unprinted.
    const attempts = all.filter((attempt) => attempt.started_at !== null);
    expect(all.filter((attempt) => attempt.started_at === null).every((attempt) => attempt.failure_reason)).toBe(true);
    expect(attempts).toHaveLength(5);
    const clearedByCopy = new Map(copies.map((copy) => [copy.id, copy.cleared_at!]));
    for (const printerId of printerIds) {
      const mine = attempts.filter((attempt) => attempt.printer_id === printerId);
      for (let index = 1; index < mine.length; index++) {
        expect(mine[index]!.assigned_at.getTime()).toBeGreaterThanOrEqual(
          clearedByCopy.get(mine[index - 1]!.copy_id)!.getTime(),
        );
      }
    }
    expect(attempts.every((attempt) => attempt.outcome === 'good')).toBe(true);
    const history = await team.viewer.client.get(`/api/orgs/${team.orgId}/printers/${printerIds[0]}/history`);
    expect(history.body.summary.good).toBeGreaterThanOrEqual(1);
  });

  it('a failure mid-print fails the copy and keeps the printer out until its plate is cleared', async () => {
    const jobId = await queue(1, 2_000, 'fails');
    const printing = await waitFor(
      async () => (await copiesOf(jobId)).find((copy) => copy.state === 'printing'),
      'printing',
      60_000,
    );
    const index = printerIds.indexOf(printing.printer_id!);
    await fetch(`${farm.baseUrl}/sim/p/${index}/fail`, { method: 'POST', body: '{"message":"thermal runaway"}' });
    const failed = await waitFor(
      async () => (await copiesOf(jobId)).find((copy) => copy.state === 'failed'),
      'failed',
      30_000,
    );
    expect(failed).toMatchObject({ failure_reason: 'print_failed', printer_id: printing.printer_id });
    const readiness = await team.viewer.client.get(`/api/orgs/${team.orgId}/queue/readiness`);
    const printer = readiness.body.printers.find(
      (entry: { printerId: string }) => entry.printerId === printing.printer_id,
    );
    expect(printer.ready).toBe(false);
    expect(printer.notReadyBecause).toContain('bed_not_clear');
  });

  it('an agent lost mid-print marks the copy lost; back online, the copy is found printing again', async () => {
    const jobId = await queue(1, 3_000, 'lost-agent');
    const printing = await waitFor(
      async () => (await copiesOf(jobId)).find((copy) => copy.state === 'printing'),
      'printing',
      60_000,
    );
    const index = printerIds.indexOf(printing.printer_id!);
    await agents[index]!.stop();
    agents[index] = null;
    await waitFor(async () => (await copiesOf(jobId))[0]!.lost, 'copy marked lost', 30_000);
    const detail = await team.viewer.client.get(`/api/orgs/${team.orgId}/jobs/${jobId}`);
    expect(detail.body.copyList[0]).toMatchObject({ state: 'printing', lost: true });

    agents[index] = await startAgent(api.url, farm, index, credentials[index]!);
    await waitFor(async () => !(await copiesOf(jobId))[0]!.lost, 'copy found again', 30_000);
    expect((await copiesOf(jobId))[0]).toMatchObject({ state: 'printing', attempt: 1 });

    const cancelled = await team.operator.client.post(`/api/orgs/${team.orgId}/copies/${printing.id}/cancel`);
    expect(cancelled.body).toMatchObject({ state: 'cancelled' });
    // The printer itself stops printing.
    await waitFor(
      async () =>
        (await copiesQuery(`SELECT state FROM printers WHERE id = $1`, [printing.printer_id]))[0]!.state !== 'printing',
      'printer stopped',
      30_000,
    );
  });
});
