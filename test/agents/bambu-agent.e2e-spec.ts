import { createTeam, issueAgentCredential, type Team, uploadRaw } from '@farmhand/factories';
import { sampleThreeMf } from '@farmhand/files';
import { DispatchJobs, SchedulerService } from '@farmhand/jobs';
import { startApi, waitFor, type ApiHarness } from '@farmhand/testing';
import pino from 'pino';
import { DataSource } from 'typeorm';

import { createBackend, MemoryCertificatePins } from '../../apps/agent/src/backend/backend-factory';
import { JobLedger } from '../../apps/agent/src/backend/job-ledger';
import { AgentRuntime } from '../../apps/agent/src/runtime/agent-runtime';
import { BambuSimPrinter } from '../../apps/printer-sim/src/bambu/bambu-printer-front';
import type { BambuSimOptions } from '../../apps/printer-sim/src/bambu/bambu-printer-front';
import { plateProject } from '../../apps/printer-sim/src/bambu/plate-archive';
import { EventLog, act, liveOf } from './agent-harness';

const ACCESS_CODE = '16180339';

/**
 * Server + the real agent runtime with the Bambu backend (built by the gateway's factory) + a simulated Bambu printer
 * in LAN mode: state, the HTTP control path, camera frames, and the access-code and Developer Mode failures as the
 * dashboard sees them.
 */
describe('Bambu printers through the api', () => {
  let api: ApiHarness;
  let team: Team;
  let events: EventLog;
  const sims: BambuSimPrinter[] = [];
  const agents: AgentRuntime[] = [];

  beforeAll(async () => {
    api = await startApi();
    events = new EventLog(api);
    team = await createTeam(api);
  });

  afterEach(async () => {
    await Promise.all(agents.splice(0).map((agent) => agent.stop()));
    await Promise.all(sims.splice(0).map((sim) => sim.stop()));
  });

  afterAll(async () => {
    await api?.close();
  });

  async function printerSim(overrides: Partial<BambuSimOptions> = {}) {
    const sim = new BambuSimPrinter({
      serial: `01P00A${Date.now() % 1_000_000_000}`.slice(0, 15),
      accessCode: ACCESS_CODE,
      model: 'P1S',
      timeScale: 20,
      reportIntervalMs: 100,
      frameIntervalMs: 200,
      ...overrides,
    });
    sims.push(sim);
    await sim.start();
    return sim;
  }

  async function agentFor(sim: BambuSimPrinter, printer: { id: string }, accessCode = ACCESS_CODE) {
    const logger = pino({ level: process.env.TEST_LOG_LEVEL ?? 'silent' });
    const ports = sim.ports();
    const backend = createBackend(
      {
        kind: 'bambu',
        address: '127.0.0.1',
        serial: sim.serial,
        secret: { accessCode },
        options: { mqttPort: ports.mqtt, ftpsPort: ports.ftps, cameraPort: ports.camera },
      },
      { logger, ledger: new JobLedger(), pins: new MemoryCertificatePins() },
    );
    const agent = new AgentRuntime({
      serverUrl: api.url,
      credential: await issueAgentCredential(api, printer as never),
      backend,
      logger,
      backoff: { baseMs: 50, capMs: 400 },
      statusMinIntervalMs: 50,
      statusRoutineIntervalMs: 200,
      idleFrameIntervalSeconds: 0,
      frameIntervalSeconds: 1,
    });
    agents.push(agent);
    await agent.start();
    return agent;
  }

  const live = (printerId: string) => liveOf(team.operator.client, team.orgId, printerId);
  const liveStatus = async (printerId: string) => (await live(printerId)).body?.live?.status;

  it('reports state, is paused, resumed and cancelled through the api, and sends camera frames', async () => {
    const printerId = team.printerA.id;
    const sim = await printerSim();
    await agentFor(sim, team.printerA);
    await waitFor(async () => (await liveStatus(printerId))?.state === 'operational', 'operational');
    const answer = await live(printerId);
    expect(answer.body.live.agent).toMatchObject({
      backend: 'bambu',
      backendVersion: '01.08.02.00',
      capabilities: expect.arrayContaining(['pause', 'resume', 'cancel', 'dispatch', 'upload.3mf', 'frames']),
    });
    expect(answer.body.live.agent.capabilities).not.toContain('emergency_stop');
    expect(answer.body.live.status.temperatures.bed).toMatchObject({ actual: expect.any(Number) });

    sim.putFile('bracket.3mf', plateProject(6_000));
    sim.printFromScreen('bracket.3mf');
    await waitFor(async () => (await liveStatus(printerId))?.state === 'printing', 'printing');
    expect((await liveStatus(printerId)).job).toMatchObject({ fileName: 'bracket.3mf' });

    expect((await act(team.operator.client, team.orgId, printerId, 'pause')).status).toBe(200);
    await waitFor(async () => (await liveStatus(printerId))?.state === 'paused', 'paused');
    expect((await act(team.operator.client, team.orgId, printerId, 'resume')).status).toBe(200);
    await waitFor(async () => (await liveStatus(printerId))?.state === 'printing', 'printing again');

    const frame = await waitFor(async () => {
      const response = await team.viewer.client.get(`/api/orgs/${team.orgId}/printers/${printerId}/frames/latest`);
      return response.status === 200 ? response : null;
    }, 'a camera frame from port 6000');
    expect(frame!.headers.get('content-type')).toMatch(/image\/jpeg/);

    expect((await act(team.operator.client, team.orgId, printerId, 'cancel')).status).toBe(200);
    await waitFor(async () => (await liveStatus(printerId))?.state === 'operational', 'operational after cancel');
    await waitFor(
      () => events.of('printer.printEvent', printerId).some((event) => event.type === 'cancelled'),
      'cancelled event',
    );
    expect(events.of('printer.printEvent', printerId).map((event) => event.type)).toEqual([
      'started',
      'paused',
      'resumed',
      'cancelled',
    ]);
    // The printer's stop after Farmhand's cancel is credited to Farmhand.
    expect(events.of('printer.printEvent', printerId).at(-1)).toMatchObject({ type: 'cancelled', origin: 'farmhand' });
    // Commands went to the request topic as print.pause/resume/stop; nothing was published to report.
    const commands = sim.stats.requests.map((message) => (Object.values(message)[0] as { command: string }).command);
    expect(commands).toEqual(expect.arrayContaining(['pause', 'resume', 'stop']));
    expect(sim.stats.publishesToReport).toBe(0);
    expect(sim.stats.mqttConnections).toBe(1);
  });

  it('answers 409 for an action the printer state does not allow, and viewer cannot pause', async () => {
    const printerId = team.printerA.id;
    const sim = await printerSim();
    await agentFor(sim, team.printerA);
    await waitFor(async () => (await liveStatus(printerId))?.state === 'operational', 'operational');
    expect((await act(team.operator.client, team.orgId, printerId, 'resume')).status).toBe(409);
    expect((await act(team.viewer.client, team.orgId, printerId, 'pause')).status).toBe(403);
    expect((await act(team.operator.client, team.orgId, printerId, 'connect', {})).status).toBeGreaterThanOrEqual(400);
  });

  it('a wrong access code shows as unauthorized with a message naming the access code', async () => {
    const printerId = team.printerA.id;
    const sim = await printerSim();
    await agentFor(sim, team.printerA, 'not-the-code');
    await waitFor(async () => (await liveStatus(printerId))?.backend === 'unauthorized', 'unauthorized');
    const status = await liveStatus(printerId);
    expect(status.error).toMatch(/access code/);
    expect(JSON.stringify(status)).not.toContain('not-the-code');
    expect(sim.stats.mqttConnections).toBe(0);
  });

  it('LAN Only without Developer Mode is said in the printer state when a command is refused', async () => {
    const printerId = team.printerA.id;
    const sim = await printerSim({ developerMode: false });
    await agentFor(sim, team.printerA);
    await waitFor(async () => (await liveStatus(printerId))?.state === 'operational', 'operational');
    const refused = await act(team.operator.client, team.orgId, printerId, 'gcode', { lines: ['G28'] });
    expect(refused.status).toBeGreaterThanOrEqual(400);
    await waitFor(
      async () => /Developer Mode/.test((await liveStatus(printerId))?.error ?? ''),
      'Developer Mode error',
    );
  });

  it('a multi-colour 3MF from the queue reaches the printer with the AMS mapping of its reported trays', async () => {
    const printerId = team.printerB.id;
    // The simulated P1S's AMS: white PLA, black PLA, red PETG, green PLA in trays 0-3.
    // What the operator entered for the printer (the 3MF says it was sliced for a P1S with a 0.4 mm nozzle).
    await api.app
      .get(DataSource)
      .query(`UPDATE printers SET model = 'P1S', nozzle_diameter = 0.4 WHERE id = $1`, [printerId]);
    const sim = await printerSim();
    await agentFor(sim, team.printerB);
    await waitFor(async () => (await liveStatus(printerId))?.filamentSlots?.length === 4, 'AMS trays reported');
    const plate = sampleThreeMf({
      plates: 1,
      filaments: [
        { id: 1, type: 'PLA', color: '#000000FF', grams: 3 },
        { id: 2, type: 'PETG', color: '#FF0000FF', grams: 3 },
        { id: 3, type: 'PLA', color: '#00AE42FF', grams: 3 },
      ],
    });
    const file = (await uploadRaw(team.operator.client, team.orgId, plate, 'three-colours.3mf')).body;
    const job = await team.operator.client.post(`/api/orgs/${team.orgId}/jobs`, {
      fileId: file.file.id,
      copies: 1,
      fleetIds: [team.fleetB],
    });
    expect(job.status).toBe(201);
    expect(job.body.requirements).toMatchObject({ fileFormat: '3mf' });
    const [copy] = (await api.app.get(SchedulerService).passForOrg(team.orgId, [printerId])).assigned;
    expect({ assigned: copy?.printerId, requirements: job.body.requirements }).toMatchObject({ assigned: printerId });
    const outcome = await api.app
      .get(DispatchJobs)
      .dispatch({ orgId: copy!.orgId, copyId: copy!.copyId, printerId, attempt: copy!.attempt }, { attemptsMade: 0 });
    expect(outcome).toMatchObject({ status: 'printing' });
    // Uploaded over FTPS (control and data connections pinned), then started with the mapping of the trays.
    const started = sim.stats.requests
      .map((message) => message.print as { command?: string; ams_mapping?: number[]; use_ams?: boolean } | undefined)
      .find((print) => print?.command === 'project_file');
    expect(started).toMatchObject({ use_ams: true, ams_mapping: [1, 2, 3] });
  });
});
