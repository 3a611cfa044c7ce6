import { createTeam, issueAgentCredential, type Team, makeGcode, uploadRaw } from '@farmhand/factories';
import {
  REDIS_URL,
  startApi,
  startWorker,
  TcpProxy,
  waitFor,
  type ApiHarness,
  type RoleHarness,
} from '@farmhand/testing';
import Redis from 'ioredis';
import { Client } from 'pg';
import type { AgentRuntime } from '../../apps/agent/src/runtime/agent-runtime';
import type { OctoPrintFarm } from '../../apps/printer-sim/src/octoprint/octoprint-farm';
import { act, liveOf, startFarm } from '../agents/agent-harness';
import {
  FAST_BACKOFF,
  countPrintStarts,
  sharedBackends,
  startAgentWith,
  type SharedBackends,
} from './support/operations-fixture';
import { freePort } from './support/role-process';

jest.setTimeout(300_000);

function throughProxy(url: string, port: number): string {
  const parsed = new URL(url);
  parsed.port = String(port);
  return parsed.toString();
}

/**
 * Issue 8, point 3: the api and the worker reach Redis and PostgreSQL through proxies that the test cuts and
 * restores (the shared servers themselves keep running for everyone else).
 */
describe('faults: Redis and PostgreSQL going away and coming back', () => {
  const redis = new TcpProxy('127.0.0.1', Number(new URL(REDIS_URL).port || 6379));
  const postgres = new TcpProxy('127.0.0.1', 5432);
  let shared: SharedBackends;
  let api: ApiHarness;
  let worker: RoleHarness;
  let farm: OctoPrintFarm;
  let team: Team;
  let printerId: string;
  let credential: string;
  let agent: AgentRuntime | null = null;
  let printStarts: number[];
  /** Straight to PostgreSQL, not through the proxy: the test's own view while the apps are cut off. */
  let direct: Client;

  const cut = new Set<TcpProxy>();
  async function cutOff(proxy: TcpProxy) {
    cut.add(proxy);
    await proxy.cut();
  }
  async function restore(proxy: TcpProxy) {
    cut.delete(proxy);
    await proxy.start();
  }
  const health = () => api.client().get('/api/health');
  const copies = async () =>
    (
      await direct.query<{ id: string; state: string; lost: boolean }>(
        `SELECT id, state, lost FROM print_copies ORDER BY number`,
      )
    ).rows;

  beforeAll(async () => {
    shared = await sharedBackends();
    const [redisPort, postgresPort, port] = await Promise.all([redis.start(), postgres.start(), freePort()]);
    const settings = {
      DATABASE_URL: throughProxy(shared.database.url, postgresPort),
      REDIS_URL: `redis://127.0.0.1:${redisPort}`,
      PUBLIC_URL: `http://127.0.0.1:${port}`,
      DATA_DIR: shared.dataDir,
      SCHEDULER_TICK_SECONDS: '2',
      SCHEDULER_MAX_STARTS_PER_FLEET_PER_MINUTE: '100',
      QUEUE_LOCK_DURATION_MS: '3000',
    };
    api = await startApi(settings, { database: shared.database, redisPrefix: shared.redisPrefix, port });
    worker = await startWorker(settings, { api });
    direct = new Client({ connectionString: shared.database.url });
    await direct.connect();
    team = await createTeam(api);
    printerId = team.printerA.id;
    await direct.query(
      `UPDATE printers SET material = 'PLA', nozzle_diameter = 0.4, build_x = 250, build_y = 210, build_z = 220
        WHERE id = $1`,
      [printerId],
    );
    credential = await issueAgentCredential(api, { id: printerId, orgId: team.orgId });
    farm = await startFarm(1);
    printStarts = countPrintStarts(farm, 1);
    agent = await startAgentWith(api.url, farm, 0, credential, FAST_BACKOFF);
    await waitFor(
      async () =>
        (await liveOf(team.operator.client, team.orgId, printerId)).body?.live?.status?.state === 'operational',
      'agent live',
    );
  });

  afterAll(async () => {
    await agent?.stop();
    await farm?.stop();
    await direct?.end();
    // Whatever a test left cut, the apps need their services back to close cleanly.
    for (const proxy of [...cut]) await restore(proxy);
    await worker?.close();
    await api?.close({ keepDatabase: true });
    await redis.cut();
    await postgres.cut();
    await shared?.drop();
  });

  it('Redis cut: the api stays up and reports degraded; agents and queues resume when it is back; one print', async () => {
    await cutOff(redis);
    await waitFor(async () => (await health()).body.status === 'degraded', 'degraded');
    const degraded = await health();
    // Still ready: PostgreSQL answers, and every instance shares this Redis (see docs/architecture.md).
    expect(degraded.status).toBe(200);
    expect(degraded.body).toEqual({ status: 'degraded', checks: { database: 'up', redis: 'down' } });
    const printers = await team.viewer.client.get(`/api/orgs/${team.orgId}/printers`);
    expect(printers.status).toBe(200);

    // The agent is restarted while Redis is away: its handshake cannot be admitted until Redis returns.
    await agent!.stop();
    agent = await startAgentWith(api.url, farm, 0, credential, FAST_BACKOFF);
    // Work queued during the outage waits for Redis (the upload and the job row do not need it).
    const file = await uploadRaw(team.operator.client, team.orgId, makeGcode({ salt: 'redis-outage' }), 'r.gcode');
    expect(file.status).toBe(201);
    const job = team.operator.client.post(`/api/orgs/${team.orgId}/jobs`, { fileId: file.body.file.id, copies: 1 });

    await restore(redis);
    await waitFor(async () => (await health()).status === 200 && (await health()).body.status === 'ok', 'ok again');
    const created = await job;
    expect([201, 503]).toContain(created.status);
    if (created.status === 503) {
      // The api answered while Redis was away; the client retries, as a 503 asks.
      const retried = await team.operator.client.post(`/api/orgs/${team.orgId}/jobs`, {
        fileId: file.body.file.id,
        copies: 1,
      });
      expect(retried.status).toBe(201);
    }
    await waitFor(
      async () =>
        (await liveOf(team.operator.client, team.orgId, printerId)).body?.live?.status?.state === 'operational' ||
        (await copies()).some((copy) => copy.state === 'printing'),
      'agent reconnected',
    );
    await waitFor(async () => (await copies()).some((copy) => copy.state === 'printing'), 'printing', 90_000);
    expect((await copies()).map((copy) => copy.state)).toEqual(['printing']);
    expect(printStarts[0]).toBe(1);
    const sent = await act(team.operator.client, team.orgId, printerId, 'gcode', { lines: ['M117 after Redis'] });
    expect(sent.status).toBe(200);
    expect(farm.printer(0).commandLog).toContain('M117 after Redis');
  });

  it('PostgreSQL cut: requests answer 503 database_unavailable and recover by themselves; no transition lost', async () => {
    await cutOff(postgres);
    const refused = await waitFor(async () => {
      const response = await team.viewer.client.get(`/api/orgs/${team.orgId}/printers`);
      return response.status === 503 ? response : null;
    }, '503');
    expect(refused!.body.error).toMatchObject({ code: 'database_unavailable', correlationId: expect.any(String) });
    const unavailable = await health();
    expect(unavailable.status).toBe(503);
    expect(unavailable.body).toEqual({ status: 'unavailable', checks: { database: 'down', redis: 'up' } });

    // Someone pauses the print at the printer while the database is away: the transition must still be recorded.
    farm.printer(0).pause('pause');
    await waitFor(async () => (await liveOf(team.viewer.client, team.orgId, printerId)).status === 503, 'still down');
    await restore(postgres);
    await waitFor(
      async () => (await team.viewer.client.get(`/api/orgs/${team.orgId}/printers`)).status === 200,
      'back',
    );
    expect((await health()).body.status).toBe('ok');
    await waitFor(
      async () =>
        (await direct.query<{ state: string }>(`SELECT state FROM printers WHERE id = $1`, [printerId])).rows[0]!
          .state === 'paused',
      'the pause recorded after the outage',
    );
    expect(printStarts[0]).toBe(1);
    expect((await copies()).map((copy) => copy.state)).toEqual(['printing']);
    const attempts = await direct.query(`SELECT 1 FROM print_attempts WHERE started_at IS NOT NULL`);
    expect(attempts.rows).toHaveLength(1);
  });
  it('PostgreSQL cut while a print ends: the copy still leaves `printing` once the database is back', async () => {
    // Follows the test above: the copy is printing (paused) on the one printer.
    expect((await copies()).map((copy) => copy.state)).toEqual(['printing']);
    await cutOff(postgres);
    await waitFor(async () => (await health()).status === 503, 'database away');
    // The agent reports the end of the print now; the api takes the event (its id is remembered in Redis) but cannot
    // write the copy's move. The database comes back only after that.
    const redisDirect = new Redis(REDIS_URL);
    const pattern = `${shared.redisPrefix}*agents:event:${printerId}:*`;
    const eventsSeen = async () => (await redisDirect.keys(pattern)).length;
    const before = await eventsSeen();
    farm.printer(0).cancel();
    await waitFor(async () => (await eventsSeen()) > before, 'the cancel event taken by the api');
    await redisDirect.quit();
    expect((await health()).status).toBe(503);
    await restore(postgres);
    await waitFor(async () => (await copies())[0]!.state === 'cancelled', 'the end of the print recorded');
    const [attempt] = (
      await direct.query<{ state: string; ended_at: Date | null }>(
        `SELECT state, ended_at FROM print_attempts WHERE started_at IS NOT NULL`,
      )
    ).rows;
    expect(attempt!.state).toBe('cancelled');
    expect(attempt!.ended_at).not.toBeNull();
    expect(printStarts[0]).toBe(1);
  });
});
