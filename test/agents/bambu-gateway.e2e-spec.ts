import { mkdtempSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { AgentConnectionsService } from '@farmhand/agents';
import { createTeam, insertPrinter, issueAgentCredential, type Team } from '@farmhand/factories';
import { captureLogs, startApi, waitFor, type ApiHarness } from '@farmhand/testing';
import pino from 'pino';
import type { Namespace } from 'socket.io';

import { FileCertificatePins } from '../../apps/agent/src/gateway/gateway-config';
import type { GatewayConfig, LanSecretsFile } from '../../apps/agent/src/gateway/gateway-config';
import { GatewayRuntime } from '../../apps/agent/src/gateway/gateway-runtime';
import { printerCertificate } from '../../apps/printer-sim/src/bambu/bambu-certificate';
import { BambuFarm } from '../../apps/printer-sim/src/bambu/bambu-farm';
import { BambuSimPrinter } from '../../apps/printer-sim/src/bambu/bambu-printer-front';
import { plateProject } from '../../apps/printer-sim/src/bambu/plate-archive';
import { act, liveOf } from './agent-harness';

const ACCESS_CODE = 'bambu-lan-code-5e1f';

/** Bambu printers behind one farm gateway, through the real api: pins on disk, one with an impostor certificate. */
describe('farm gateway with Bambu Lab printers', () => {
  let api: ApiHarness;
  let team: Team;
  let farm: BambuFarm;
  let impostor: BambuSimPrinter;
  let gateway: GatewayRuntime;
  let configDir: string;
  const serverLogs = captureLogs('api');
  const socketTraffic: string[] = [];
  const ids: Record<string, string> = {};

  beforeAll(async () => {
    api = await startApi({}, { logger: serverLogs.logger });
    const namespace = (api.app.get(AgentConnectionsService) as unknown as { namespace: Namespace }).namespace;
    namespace.on('connection', (socket) => {
      socketTraffic.push(JSON.stringify(socket.handshake.auth));
      socket.onAny((event: string, ...args: unknown[]) => socketTraffic.push(JSON.stringify([event, args])));
    });
    team = await createTeam(api);
    const a1 = await insertPrinter(api, team.orgId, team.fleetA, { name: 'A1-02' });
    const impostorPrinter = await insertPrinter(api, team.orgId, team.fleetA, { name: 'P1S-09' });
    ids.p1s = team.printerA.id;
    ids.a1 = a1.id;
    ids.impostor = impostorPrinter.id;

    farm = new BambuFarm({ printers: 2, timeScale: 20, apiKey: ACCESS_CODE }, { reportIntervalMs: 100 });
    impostor = new BambuSimPrinter({
      serial: '01P00A999999999',
      accessCode: ACCESS_CODE,
      certificate: await printerCertificate('01P00A000000000'),
    });
    await Promise.all([farm.start(), impostor.start()]);

    const entry = (name: string, sim: BambuSimPrinter, printerId: string, credential: string) => ({
      name,
      kind: 'bambu' as const,
      address: '127.0.0.1',
      serial: sim.serial,
      printerId,
      credential,
      options: {
        model: sim.model,
        mqttPort: sim.ports().mqtt,
        ftpsPort: sim.ports().ftps,
        cameraPort: sim.ports().camera,
      },
    });
    const config: GatewayConfig = {
      server: api.url,
      printers: [
        entry('P1S-01', farm.sim(0), ids.p1s, await issueAgentCredential(api, team.printerA)),
        entry('A1-02', farm.sim(1), ids.a1, await issueAgentCredential(api, a1)),
        entry('P1S-09', impostor, ids.impostor, await issueAgentCredential(api, impostorPrinter)),
      ],
      idleFrameIntervalSeconds: 0,
      frameIntervalSeconds: 3_600,
    };
    const secrets: LanSecretsFile = {
      version: 1,
      printers: {
        'P1S-01': { accessCode: ACCESS_CODE },
        'A1-02': { accessCode: ACCESS_CODE },
        'P1S-09': { accessCode: ACCESS_CODE },
      },
    };
    configDir = mkdtempSync(join(tmpdir(), 'farmhand-bambu-gateway-'));
    gateway = new GatewayRuntime({
      config,
      secrets,
      logger: pino({ level: process.env.TEST_LOG_LEVEL ?? 'silent' }),
      pins: await FileCertificatePins.open(join(configDir, 'gateway.json')),
      runtime: { backoff: { baseMs: 50, capMs: 400 }, statusMinIntervalMs: 50, statusRoutineIntervalMs: 200 },
    });
    await gateway.start();
  });

  afterAll(async () => {
    await gateway?.stop();
    await farm?.stop();
    await impostor?.stop();
    await api?.close();
  });

  const live = async (printerId: string) => (await liveOf(team.operator.client, team.orgId, printerId)).body;

  it('serves each Bambu printer under its own identity, one MQTT connection each, pins written 0600', async () => {
    await waitFor(async () => (await live(ids.p1s))?.live?.status?.state === 'operational', 'P1S up');
    await waitFor(async () => (await live(ids.a1))?.live?.status?.state === 'operational', 'A1 up');
    const agent = (await live(ids.a1)).live.agent;
    expect(agent.backend).toBe('bambu');
    expect(agent.capabilities).toEqual(expect.arrayContaining(['pause', 'upload.3mf', 'frames']));
    expect([farm.sim(0).connectedClients(), farm.sim(1).connectedClients()]).toEqual([1, 1]);
    const pins = FileCertificatePins.open(join(configDir, 'gateway.json'));
    expect((await pins).get(farm.sim(0).serial)).toMatch(/^[a-f0-9]{64}$/);
    expect(statSync(join(configDir, 'pins.json')).mode & 0o777).toBe(0o600);
  });

  it('an impostor certificate (CN of another serial) leaves that printer unreachable with the reason, the others served', async () => {
    await waitFor(async () => /not to serial/.test((await live(ids.impostor))?.live?.status?.error ?? ''), 'refused');
    expect((await live(ids.impostor)).live.status.backend).toBe('unreachable');
    expect(impostor.stats).toMatchObject({ mqttConnections: 0, mqttRefused: 0 });

    farm.sim(0).putFile('plate.3mf', plateProject(6_000));
    farm.sim(0).printFromScreen('plate.3mf');
    await waitFor(async () => (await live(ids.p1s))?.live?.status?.state === 'printing', 'printing');
    expect((await act(team.operator.client, team.orgId, ids.p1s, 'pause')).status).toBe(200);
    await waitFor(async () => (await live(ids.p1s))?.live?.status?.state === 'paused', 'paused');
    expect((await act(team.operator.client, team.orgId, ids.p1s, 'cancel')).status).toBe(200);
    await waitFor(async () => (await live(ids.p1s))?.live?.status?.state === 'operational', 'cancelled');
  });

  it('never sends the access code to the server (logs, agent messages)', () => {
    expect(socketTraffic.join('\n')).toContain('"backend":"bambu"');
    expect(socketTraffic.join('\n')).not.toContain(ACCESS_CODE);
    expect(serverLogs.lines.join('')).not.toContain(ACCESS_CODE);
  });
});
