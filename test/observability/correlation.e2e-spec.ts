import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { JobQueue, MetricsService, createLogger } from '@farmhand/core';
import { createTeam, issueAgentCredential, type Team, makeGcode, sessionHeaders, uploadRaw } from '@farmhand/factories';
import { startApi, startWorker, waitFor, type ApiHarness, type RoleHarness } from '@farmhand/testing';
import type { NestExpressApplication } from '@nestjs/platform-express';
import pino from 'pino';
import { DataSource } from 'typeorm';
import { OctoPrintClient } from '../../apps/agent/src/octoprint/octoprint.client';
import { AgentRuntime } from '../../apps/agent/src/runtime/agent-runtime';
import type { OctoPrintFarm } from '../../apps/printer-sim/src/octoprint/octoprint-farm';
import { SIM_API_KEY, startFarm } from '../agents/agent-harness';

/** Every JSON line a process logged, kept in memory. */
class CapturedLog {
  readonly lines: Array<Record<string, unknown>> = [];
  readonly stream = {
    write: (line: string) => {
      this.lines.push(JSON.parse(line) as Record<string, unknown>);
    },
  };

  about(correlationId: string): Array<Record<string, unknown>> {
    return this.lines.filter((line) => line.correlationId === correlationId);
  }
}

/**
 * One correlation id from an operator's HTTP request to the printer: the api's log, the worker's job handlers (the
 * scheduler's pass, then the dispatch it enqueued) and the agent's log of the command all carry the caller's
 * `X-Request-Id`. Real api, worker, agent and simulated OctoPrint, each logging through its own pino stream.
 */
describe('correlation ids across api, worker and agent', () => {
  const logs = { api: new CapturedLog(), worker: new CapturedLog(), agent: new CapturedLog() };
  let app: NestExpressApplication;
  let api: ApiHarness;
  let worker: RoleHarness;
  let farm: OctoPrintFarm;
  let agent: AgentRuntime;
  let team: Team;
  let dataDir: string;

  beforeAll(async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'farmhand-correlation-'));
    const settings = {
      DATA_DIR: dataDir,
      SCHEDULER_MAX_STARTS_PER_FLEET_PER_MINUTE: '100',
      // No periodic pass: the only passes are the ones events and the request below ask for.
      SCHEDULER_TICK_SECONDS: '3600',
      LOG_LEVEL: 'info',
    };
    api = await startApi(settings, { logger: createLogger('api', 'info', logs.api.stream) });
    app = api.app;
    worker = await startWorker(settings, { api, logger: createLogger('worker', 'info', logs.worker.stream) });
    team = await createTeam(api);
    await app.get(DataSource).query(
      `UPDATE printers SET material = 'PLA', nozzle_diameter = 0.4, build_x = 250, build_y = 210, build_z = 220
        WHERE id = $1`,
      [team.printerA.id],
    );
    farm = await startFarm(1);
    const logger = pino({ level: 'info', base: { role: 'agent' } }, logs.agent.stream);
    agent = new AgentRuntime({
      serverUrl: api.url,
      credential: await issueAgentCredential(api, team.printerA),
      backend: new OctoPrintClient({ baseUrl: farm.url(0), apiKey: SIM_API_KEY, logger, pollIntervalMs: 200 }),
      logger,
      backoff: { baseMs: 50, capMs: 400 },
      statusMinIntervalMs: 50,
      statusRoutineIntervalMs: 200,
      idleFrameIntervalSeconds: 0,
      frameIntervalSeconds: 3_600,
    });
    await agent.start();
    await waitFor(async () => {
      const [printer] = (await app
        .get(DataSource)
        .query(`SELECT state FROM printers WHERE id = $1`, [team.printerA.id])) as { state: string }[];
      return printer?.state === 'operational';
    }, 'the printer operational');
    // The passes its coming online asked for are done: the next one is the request's.
    await waitFor(async () => {
      const counts = await app.get(JobQueue).queueFor('scheduler.pass').getJobCounts('waiting', 'active');
      return counts.waiting + counts.active === 0;
    }, 'no pass pending');
  });

  afterAll(async () => {
    await agent?.stop();
    await farm?.stop();
    await worker?.close();
    await api?.close();
    await rm(dataDir, { recursive: true, force: true });
  });

  it('a job created over HTTP: api enqueue, worker pass and dispatch, agent command, all with X-Request-Id', async () => {
    // A long print (simulated time), still running for the commands of the next tests.
    const gcode = makeGcode().replace('(normal mode) = 12m 3s', '(normal mode) = 6000s');
    const upload = await uploadRaw(team.operator.client, team.orgId, gcode, 'traced.gcode');
    expect(upload.status).toBe(201);
    const correlationId = `trace-${randomBytes(8).toString('hex')}`;
    const created = await fetch(`${api.url}/api/orgs/${team.orgId}/jobs`, {
      method: 'POST',
      headers: {
        ...sessionHeaders(team.operator.client),
        'content-type': 'application/json',
        'x-request-id': correlationId,
      },
      body: JSON.stringify({ fileId: upload.body.file.id, copies: 1 }),
    });
    expect(created.status).toBe(201);
    expect(created.headers.get('x-request-id')).toBe(correlationId);

    const agentLine = await waitFor(
      () => logs.agent.about(correlationId).find((line) => line.msg === 'command done' && line.type === 'dispatch'),
      "the agent's dispatch logged with the request's id",
      60_000,
    );
    expect(agentLine).toMatchObject({ role: 'agent', commandId: expect.any(String) });

    const apiLines = logs.api.about(correlationId);
    expect(apiLines).toContainEqual(
      expect.objectContaining({ role: 'api', msg: 'job enqueued', job: 'scheduler.pass' }),
    );
    await waitFor(
      () => logs.worker.about(correlationId).some((line) => line.msg === 'job done' && line.job === 'copy.dispatch'),
      'the dispatch job done',
    );
    const workerLines = logs.worker.about(correlationId);
    expect(workerLines).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ role: 'worker', msg: 'job done', job: 'scheduler.pass', orgId: team.orgId }),
        expect.objectContaining({ role: 'worker', msg: 'job enqueued', job: 'copy.dispatch' }),
        expect.objectContaining({
          role: 'worker',
          msg: 'printer command',
          type: 'dispatch',
          outcome: 'ok',
          commandId: agentLine!.commandId,
        }),
      ]),
    );
    // The same work, counted by the worker: one assignment, one dispatch acknowledged by the agent.
    const counted = await worker.app.get(MetricsService).render();
    expect(counted).toMatch(/^farmhand_scheduler_assignments_total 1$/m);
    expect(counted).toMatch(/^farmhand_agent_command_seconds_count\{type="dispatch",outcome="ack"\} 1$/m);
    expect(counted).toMatch(
      /^farmhand_job_duration_seconds_count\{queue="dispatch",job="copy.dispatch",outcome="completed"\} 1$/m,
    );
  });

  it('a command over HTTP: the api and the agent log it with the id', async () => {
    const correlationId = `trace-${randomBytes(8).toString('hex')}`;
    const response = await fetch(`${api.url}/api/orgs/${team.orgId}/printers/${team.printerA.id}/actions/pause`, {
      method: 'POST',
      headers: {
        ...sessionHeaders(team.operator.client),
        'content-type': 'application/json',
        'x-request-id': correlationId,
      },
      body: '{}',
    });
    // The print of the first test is running: the agent pauses it.
    expect(response.status).toBe(200);
    const { commandId } = (await response.json()) as { commandId: string };
    expect(logs.api.about(correlationId)).toContainEqual(
      expect.objectContaining({ msg: 'printer command', type: 'pause', commandId, outcome: 'ok' }),
    );
    await waitFor(
      () => logs.agent.about(correlationId).some((line) => line.msg === 'command done' && line.commandId === commandId),
      "the agent's pause logged with the request's id",
    );
  });

  it('an id that is not well formed is replaced, never passed on', async () => {
    const response = await fetch(`${api.url}/api/orgs/${team.orgId}/printers/${team.printerA.id}/actions/resume`, {
      method: 'POST',
      headers: {
        ...sessionHeaders(team.operator.client),
        'content-type': 'application/json',
        'x-request-id': 'bad id\twith "quotes"',
      },
      body: '{}',
    });
    expect(response.status).toBe(200);
    const replaced = response.headers.get('x-request-id')!;
    expect(replaced).toMatch(/^[0-9a-f-]{36}$/);
    const { commandId } = (await response.json()) as { commandId: string };
    await waitFor(
      () => logs.agent.about(replaced).some((line) => line.msg === 'command done' && line.commandId === commandId),
      "the agent's resume logged with the replacement id",
    );
  });
});
