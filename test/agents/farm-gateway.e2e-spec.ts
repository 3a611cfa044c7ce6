import { AgentConnectionsService } from '@farmhand/agents';
import { createTeam, insertPrinter, issueAgentCredential, type Team } from '@farmhand/factories';
import { captureLogs, startApi, waitFor, type ApiHarness } from '@farmhand/testing';
import Redis from 'ioredis';
import pino from 'pino';
import type { Namespace } from 'socket.io';
import { DataSource } from 'typeorm';
import { MemoryCertificatePins } from '../../apps/agent/src/backend/backend-factory';
import type { GatewayConfig, LanSecretsFile } from '../../apps/agent/src/gateway/gateway-config';
import { GatewayRuntime } from '../../apps/agent/src/gateway/gateway-runtime';
import { MoonrakerFarm } from '../../apps/printer-sim/src/moonraker/moonraker-farm';
import { OctoPrintFarm } from '../../apps/printer-sim/src/octoprint/octoprint-farm';
import { PRUSALINK_USER, PrusaLinkFarm } from '../../apps/printer-sim/src/prusalink/prusalink-farm';
import { EventLog, act, liveOf } from './agent-harness';

// Distinct, greppable LAN secrets: none of them may reach the server's storage, logs or sockets.
const OCTOPRINT_KEY = 'lan-secret-octoprint-7f3a9c';
const MOONRAKER_KEY = 'lan-secret-moonraker-2b8d41';
const WRONG_MOONRAKER_KEY = 'lan-secret-wrong-moonraker-91ce0a';
const PRUSA_PASSWORD = 'lan-secret-prusalink-5e1f07';
const SECRETS = [OCTOPRINT_KEY, MOONRAKER_KEY, WRONG_MOONRAKER_KEY, PRUSA_PASSWORD];

/** One gateway process, printers of two kinds, one printer misbehaving, one misconfigured: through the real api. */
describe('farm gateway: many printers of any kind from one agent process', () => {
  let api: ApiHarness;
  let team: Team;
  let events: EventLog;
  let octoprint: OctoPrintFarm;
  let moonraker: MoonrakerFarm;
  let prusa: PrusaLinkFarm;
  let gateway: GatewayRuntime;
  const serverLogs = captureLogs('api');
  const socketTraffic: string[] = [];
  const ids: Record<string, string> = {};

  beforeAll(async () => {
    api = await startApi({}, { logger: serverLogs.logger });
    events = new EventLog(api);
    // Everything the agents send over their sockets, as the server receives it.
    const namespace = (api.app.get(AgentConnectionsService) as unknown as { namespace: Namespace }).namespace;
    namespace.on('connection', (socket) => {
      socketTraffic.push(JSON.stringify(socket.handshake.auth), JSON.stringify(socket.handshake.headers));
      socket.onAny((event: string, ...args: unknown[]) => socketTraffic.push(JSON.stringify([event, args])));
    });
    team = await createTeam(api);
    const more = {
      moonraker: await insertPrinter(api, team.orgId, team.fleetA, { name: 'Voron' }),
      lockedOut: await insertPrinter(api, team.orgId, team.fleetA, { name: 'Voron wrong key' }),
      unreachable: await insertPrinter(api, team.orgId, team.fleetA, { name: 'Octo gone' }),
      noSecret: await insertPrinter(api, team.orgId, team.fleetB, { name: 'No secret' }),
      prusa: await insertPrinter(api, team.orgId, team.fleetA, { name: 'MK4' }),
    };
    const printers = { octoprint: team.printerA, ...more };
    for (const [name, printer] of Object.entries(printers)) ids[name] = printer.id;

    octoprint = new OctoPrintFarm({ printers: 1, timeScale: 20, apiKey: OCTOPRINT_KEY });
    moonraker = new MoonrakerFarm({ printers: 2, timeScale: 20, apiKey: MOONRAKER_KEY });
    // Prusa Link with HTTP Digest (user maker + password), the way a Prusa Link on a Raspberry Pi is set up.
    prusa = new PrusaLinkFarm({ printers: 1, timeScale: 20, apiKey: PRUSA_PASSWORD });
    await Promise.all([octoprint.start(), moonraker.start(), prusa.start()]);

    const credential = (printer: { id: string; orgId: string }) => issueAgentCredential(api, printer);
    const config: GatewayConfig = {
      server: api.url,
      printers: [
        {
          name: 'Octo',
          kind: 'octoprint',
          address: octoprint.url(0),
          printerId: ids.octoprint,
          credential: await credential(team.printerA),
        },
        {
          name: 'Voron',
          kind: 'moonraker',
          address: moonraker.url(0),
          printerId: ids.moonraker,
          credential: await credential(more.moonraker),
        },
        {
          name: 'Voron wrong key',
          kind: 'moonraker',
          address: moonraker.url(1),
          printerId: ids.lockedOut,
          credential: await credential(more.lockedOut),
        },
        // Nothing listens there: the printer's host is down for the whole test.
        {
          name: 'Octo gone',
          kind: 'octoprint',
          address: 'http://127.0.0.1:9',
          printerId: ids.unreachable,
          credential: await credential(more.unreachable),
        },
        {
          name: 'MK4',
          kind: 'prusalink',
          address: prusa.url(0),
          printerId: ids.prusa,
          credential: await credential(more.prusa),
        },
        {
          name: 'No secret',
          kind: 'octoprint',
          address: 'http://127.0.0.1:9',
          printerId: ids.noSecret,
          credential: await credential(more.noSecret),
        },
      ],
      idleFrameIntervalSeconds: 0,
      frameIntervalSeconds: 3_600,
    };
    const secrets: LanSecretsFile = {
      version: 1,
      printers: {
        Octo: { apiKey: OCTOPRINT_KEY },
        Voron: { apiKey: MOONRAKER_KEY },
        'Voron wrong key': { apiKey: WRONG_MOONRAKER_KEY },
        'Octo gone': { apiKey: OCTOPRINT_KEY },
        MK4: { username: PRUSALINK_USER, password: PRUSA_PASSWORD },
      },
    };
    gateway = new GatewayRuntime({
      config,
      secrets,
      logger: pino({ level: process.env.TEST_LOG_LEVEL ?? 'silent' }),
      pins: new MemoryCertificatePins(),
      runtime: { backoff: { baseMs: 50, capMs: 400 }, statusMinIntervalMs: 50, statusRoutineIntervalMs: 200 },
    });
    await gateway.start();
  });

  afterAll(async () => {
    await gateway?.stop();
    await octoprint?.stop();
    await moonraker?.stop();
    await prusa?.stop();
    await api?.close();
  });

  const live = async (printerId: string) => (await liveOf(team.operator.client, team.orgId, printerId)).body;

  it('serves each printer under its own identity with its kind, address label and capabilities', async () => {
    await waitFor(async () => (await live(ids.octoprint))?.live?.status?.state === 'operational', 'OctoPrint up');
    await waitFor(async () => (await live(ids.moonraker))?.live?.status?.state === 'operational', 'Moonraker up');
    const voron = (await live(ids.moonraker)).live.agent;
    expect(voron).toMatchObject({ backend: 'moonraker', backendAddress: moonraker.url(0) });
    expect(voron.capabilities).toEqual(expect.arrayContaining(['pause', 'emergency_stop', 'upload.gcode', 'frames']));
    expect(voron.capabilities).not.toContain('connect');
    expect((await live(ids.octoprint)).live.agent).toMatchObject({
      backend: 'octoprint',
      backendAddress: octoprint.url(0),
    });
    expect(moonraker.clients(0)).toEqual([{ client_name: 'farmhand-agent', type: 'agent' }]);
  });

  it('holds one multiplexed server connection for all its printers, none carrying a credential in its handshake', async () => {
    const namespace = (api.app.get(AgentConnectionsService) as unknown as { namespace: Namespace }).namespace;
    const sockets = [...namespace.sockets.values()];
    expect(gateway.sockets).toHaveLength(1);
    expect(sockets).toHaveLength(1);
    expect(sockets[0]!.handshake.auth).toEqual({ multiplex: 2 });
    // Five printers served (the one without its LAN secret is not), each attached under its own identity.
    expect(gateway.sockets[0]!.attached).toBe(5);
  });

  it('keeps serving the others while one printer refuses its key and another is unreachable', async () => {
    await waitFor(async () => (await live(ids.lockedOut))?.live?.status?.backend === 'unauthorized', 'locked out');
    await waitFor(async () => (await live(ids.unreachable))?.live?.status?.backend === 'unreachable', 'unreachable');
    expect(gateway.printers.find((printer) => printer.name === 'No secret')?.problem).toMatch(/no apiKey/);
    expect((await live(ids.noSecret)).online).toBe(false);
    // Control still works on the healthy Moonraker printer, with its result coming back through the api.
    const file = ';TIME:6000\n;LAYER_COUNT:40\nG28\n';
    moonraker.printer(0).addFile('part.gcode', Buffer.from(file));
    moonraker.printer(0).selectFile('part.gcode', true);
    await waitFor(async () => (await live(ids.moonraker))?.live?.status?.state === 'printing', 'printing');
    const paused = await act(team.operator.client, team.orgId, ids.moonraker, 'pause');
    expect(paused.status).toBe(200);
    await waitFor(async () => (await live(ids.moonraker))?.live?.status?.state === 'paused', 'paused');
    const cancelled = await act(team.operator.client, team.orgId, ids.moonraker, 'cancel');
    expect(cancelled.status).toBe(200);
    await waitFor(
      () => events.of('printer.printEvent', ids.moonraker).some((event) => event.type === 'cancelled'),
      'cancelled',
    );
    // A command the printer's software cannot do is refused by the agent, not sent.
    const connect = await act(team.operator.client, team.orgId, ids.moonraker, 'connect');
    expect(connect.status).toBeGreaterThanOrEqual(400);
  });

  it('drives a Prusa Link printer over HTTP Digest: honest capabilities, pause and cancel through the api', async () => {
    await waitFor(async () => (await live(ids.prusa))?.live?.status?.state === 'operational', 'Prusa Link up');
    const mk4 = (await live(ids.prusa)).live.agent;
    expect(mk4).toMatchObject({ backend: 'prusalink', backendAddress: prusa.url(0) });
    expect(mk4.capabilities).toEqual(expect.arrayContaining(['pause', 'cancel', 'upload.gcode', 'upload.bgcode']));
    for (const missing of ['gcode', 'jog', 'home', 'temperature', 'emergency_stop']) {
      expect(mk4.capabilities).not.toContain(missing);
    }
    prusa.printer(0).addFile('part.gcode', Buffer.from(';TIME:6000\n;LAYER_COUNT:40\nG28\n'));
    prusa.printer(0).selectFile('part.gcode', true);
    await waitFor(async () => (await live(ids.prusa))?.live?.status?.state === 'printing', 'printing');
    expect((await act(team.operator.client, team.orgId, ids.prusa, 'pause')).status).toBe(200);
    await waitFor(async () => (await live(ids.prusa))?.live?.status?.state === 'paused', 'paused');
    expect((await act(team.operator.client, team.orgId, ids.prusa, 'cancel')).status).toBe(200);
    await waitFor(
      () => events.of('printer.printEvent', ids.prusa).some((event) => event.type === 'cancelled'),
      'cancelled',
    );
    expect(prusa.requests.some((request) => String(request.headers.authorization).startsWith('Digest '))).toBe(true);
  });

  it('runs an emergency stop only for a principal holding that permission, audited, and the printer halts', async () => {
    const denied = await act(team.viewer.client, team.orgId, ids.moonraker, 'emergency-stop');
    expect(denied.status).toBe(403);
    expect(moonraker.calls.some((call) => call.index === 0 && call.method === 'printer.emergency_stop')).toBe(false);
    const stopped = await act(team.operator.client, team.orgId, ids.moonraker, 'emergency-stop');
    expect(stopped.status).toBe(200);
    expect(moonraker.calls.some((call) => call.index === 0 && call.method === 'printer.emergency_stop')).toBe(true);
    await waitFor(async () => (await live(ids.moonraker))?.live?.status?.state === 'error', 'halted');
    const audit: Array<{ action: string; result: string }> = await api.app
      .get(DataSource)
      .query(`SELECT action, result FROM audit_entries WHERE subject_id = $1 AND action = 'printer.emergency_stop'`, [
        ids.moonraker,
      ]);
    expect(audit.map((entry) => entry.result)).toContain('success');
  });

  it('never lets a LAN secret reach the server: not in Postgres, Redis, the logs or the agents’ messages', async () => {
    const dataSource = api.app.get(DataSource);
    const tables: Array<{ table_name: string }> = await dataSource.query(
      `SELECT table_name FROM information_schema.tables WHERE table_schema = 'public' AND table_type = 'BASE TABLE'`,
    );
    let stored = '';
    for (const { table_name } of tables) {
      const rows: Array<{ row: string }> = await dataSource.query(`SELECT t::text AS row FROM "${table_name}" t`);
      stored += rows.map((row) => row.row).join('\n');
    }
    const redis = new Redis({ host: '127.0.0.1', port: 6379, lazyConnect: true });
    await redis.connect();
    let cached = '';
    try {
      for (const key of await redis.keys(`${api.config.REDIS_PREFIX}*`)) {
        const type = await redis.type(key);
        if (type === 'string') cached += (await redis.get(key)) ?? '';
        else if (type === 'hash') cached += JSON.stringify(await redis.hgetall(key));
        else if (type === 'list') cached += JSON.stringify(await redis.lrange(key, 0, -1));
        else if (type === 'set') cached += JSON.stringify(await redis.smembers(key));
        else if (type === 'zset') cached += JSON.stringify(await redis.zrange(key, 0, -1));
      }
    } finally {
      redis.disconnect();
    }
    expect(stored).toContain(ids.moonraker); // the dump is real
    expect(cached).toContain('moonraker');
    expect(socketTraffic.join('\n')).toContain('"backend":"moonraker"');
    expect(serverLogs.lines.join('')).toContain(ids.moonraker);
    for (const secret of SECRETS) {
      expect(stored).not.toContain(secret);
      expect(cached).not.toContain(secret);
      expect(serverLogs.lines.join('')).not.toContain(secret);
      expect(socketTraffic.join('\n')).not.toContain(secret);
    }
  });
});
