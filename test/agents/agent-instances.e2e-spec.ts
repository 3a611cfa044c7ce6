import { PrinterControlService, PrinterPresenceService } from '@farmhand/agents';
import { DomainException } from '@farmhand/core';
import { createTeam, issueAgentCredential, type Team } from '@farmhand/factories';
import { startApi, startWorker, waitFor, type ApiHarness } from '@farmhand/testing';
import type { AgentRuntime } from '../../apps/agent/src/runtime/agent-runtime';
import type { OctoPrintFarm } from '../../apps/printer-sim/src/octoprint/octoprint-farm';
import { EventLog, act, liveOf, sameSessionOn, startAgent, startFarm, startPrint } from './agent-harness';

/** Several api instances on one database and Redis prefix, and an api restarting under a connected agent. */
describe('printer agents across api instances', () => {
  let farm: OctoPrintFarm;
  const agents: AgentRuntime[] = [];
  const apis: ApiHarness[] = [];

  beforeAll(async () => {
    farm = await startFarm(3);
  });

  afterAll(async () => {
    for (const agent of agents) await agent.stop();
    await farm?.stop();
    // The last api drops the shared database.
    for (const [index, api] of apis.entries()) await api.close({ keepDatabase: index < apis.length - 1 });
  });

  it('an agent connected to instance A runs a command issued through instance B', async () => {
    const apiA = await startApi();
    apis.push(apiA);
    const apiB = await startApi({}, { database: apiA.database, redisPrefix: apiA.config.REDIS_PREFIX });
    apis.push(apiB);
    const team: Team = await createTeam(apiA);
    const printerId = team.printerA.id;
    agents.push(await startAgent(apiA.url, farm, 1, await issueAgentCredential(apiA, team.printerA)));
    const operatorOnB = sameSessionOn(team.operator.client, apiB);
    await waitFor(
      async () => (await liveOf(operatorOnB, team.orgId, printerId)).body?.live?.status?.state === 'operational',
      'live state read through instance B',
    );

    const sent = await act(operatorOnB, team.orgId, printerId, 'gcode', { lines: ['M117 via instance B'] });
    expect(sent.status).toBe(200);
    expect(farm.printer(1).commandLog).toContain('M117 via instance B');
    // The agent's socket is on A: its events are emitted there, not on B.
    const onA = new EventLog(apiA);
    const onB = new EventLog(apiB);
    expect((await act(operatorOnB, team.orgId, printerId, 'jog', { z: 5 })).status).toBe(200);
    await waitFor(() => onA.of('printer.status', printerId).length > 0, 'status on A');
    expect(onB.of('printer.status', printerId)).toEqual([]);
  });

  it('survives an api restart mid-print: the agent reconnects and nothing that happened meanwhile is lost', async () => {
    let api = await startApi();
    apis.push(api);
    const team = await createTeam(api);
    const printerId = team.printerA.id;
    const port = api.port;
    const first = new EventLog(api);
    agents.push(await startAgent(api.url, farm, 0, await issueAgentCredential(api, team.printerA)));
    startPrint(farm, 0);
    await waitFor(() => first.of('printer.printEvent', printerId).some((e) => e.type === 'started'), 'started');
    await waitFor(() => first.of('printer.stateChanged', printerId).some((e) => e.to === 'printing'), 'printing');

    await api.close({ keepDatabase: true });
    apis.pop();
    // While the server is away, someone pauses the print at OctoPrint; the agent keeps watching.
    farm.printer(0).pause('pause');
    await waitFor(() => farm.printer(0).phase === 'paused', 'paused at OctoPrint');
    api = await startApi({}, { database: api.database, redisPrefix: api.config.REDIS_PREFIX, port });
    apis.push(api);
    const second = new EventLog(api);

    await waitFor(() => second.of('printer.printEvent', printerId).some((e) => e.type === 'paused'), 'paused event');
    const owner = sameSessionOn(team.owner.client, api);
    await waitFor(
      async () => (await owner.get(`/api/orgs/${team.orgId}/printers/${printerId}`)).body.state === 'paused',
      'persisted paused',
    );
    expect(second.of('printer.stateChanged', printerId)).toEqual([
      expect.objectContaining({ from: 'printing', to: 'paused' }),
    ]);
    // The start was reported once, before the restart; the agent does not repeat what was delivered.
    expect(second.of('printer.printEvent', printerId).map((e) => e.type)).toEqual(['paused']);

    const resumed = await act(sameSessionOn(team.operator.client, api), team.orgId, printerId, 'resume');
    expect(resumed.status).toBe(200);
    await waitFor(() => second.of('printer.stateChanged', printerId).some((e) => e.to === 'printing'), 'printing');
    expect((await act(sameSessionOn(team.operator.client, api), team.orgId, printerId, 'cancel')).status).toBe(200);
  });

  it('the worker role reaches an agent connected to the api through the same control path', async () => {
    const api = await startApi();
    apis.push(api);
    const team = await createTeam(api);
    const printerId = team.printerB.id;
    agents.push(await startAgent(api.url, farm, 2, await issueAgentCredential(api, team.printerB)));
    const worker = await startWorker({}, { api });
    try {
      const presence = worker.app.get(PrinterPresenceService);
      await waitFor(async () => (await presence.getLive(printerId))?.status?.state === 'operational', 'live state');
      expect(await presence.isOnline(printerId)).toBe(true);
      expect([...(await presence.getLiveMany([printerId, team.printerA.id])).keys()]).toEqual([printerId]);

      const control = worker.app.get(PrinterControlService);
      const detector = { kind: 'system' as const, orgId: team.orgId, reason: 'failure detector' };
      // Idle: the agent itself answers that a pause makes no sense now.
      const idle = await control
        .execute(detector, team.orgId, printerId, { type: 'pause' })
        .catch((error: unknown) => error as DomainException);
      expect(idle).toBeInstanceOf(DomainException);
      expect([(idle as DomainException).status, (idle as DomainException).code]).toEqual([409, 'invalid_state']);

      startPrint(farm, 2, 6_000, 'worker.gcode');
      await waitFor(async () => (await presence.getLive(printerId))?.status?.state === 'printing', 'printing');
      expect(await control.execute(detector, team.orgId, printerId, { type: 'pause' })).toEqual({ accepted: true });
      await waitFor(() => farm.printer(2).phase === 'paused', 'paused at OctoPrint');
      const audit = await team.owner.client.get(
        `/api/orgs/${team.orgId}/audit?subjectId=${printerId}&actorType=system`,
      );
      expect(audit.body.entries.map((entry: { action: string; result: string }) => entry.action)).toEqual([
        'printer.pause',
        'printer.pause',
      ]);
      await control.execute(detector, team.orgId, printerId, { type: 'cancel' });
    } finally {
      await worker.close();
    }
  });
});
