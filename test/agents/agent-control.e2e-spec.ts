import { createTeam, issueAgentCredential, type Team } from '@farmhand/factories';
import { sleep, startApi, waitFor, type ApiHarness } from '@farmhand/testing';
import type { AgentRuntime } from '../../apps/agent/src/runtime/agent-runtime';
import type { OctoPrintFarm } from '../../apps/printer-sim/src/octoprint/octoprint-farm';
import { EventLog, act, liveOf, startAgent, startFarm, startPrint } from './agent-harness';

/** Server + real agent + simulated OctoPrint: state reporting and the HTTP control path. */
describe('printer agents: reporting and control', () => {
  let api: ApiHarness;
  let team: Team;
  let farm: OctoPrintFarm;
  let agent: AgentRuntime;
  let events: EventLog;
  let orgId: string;
  let printerId: string;

  const live = () => liveOf(team.operator.client, orgId, printerId);
  const liveState = async () => (await live()).body?.live?.status?.state as string | undefined;
  const persisted = async () => (await team.operator.client.get(`/api/orgs/${orgId}/printers/${printerId}`)).body;

  beforeAll(async () => {
    api = await startApi();
    events = new EventLog(api);
    team = await createTeam(api);
    orgId = team.orgId;
    printerId = team.printerA.id;
    farm = await startFarm(2);
    agent = await startAgent(api.url, farm, 0, await issueAgentCredential(api, team.printerA));
  });

  afterAll(async () => {
    await agent?.stop();
    await farm?.stop();
    await api?.close();
  });

  it('comes online and reports its state, live in Redis and as a persisted transition', async () => {
    await waitFor(async () => (await liveState()) === 'operational', 'operational live state');
    const answer = await live();
    expect(answer.status).toBe(200);
    expect(answer.body).toMatchObject({
      printerId,
      online: true,
      live: { agent: { backend: 'octoprint', backendVersion: expect.stringMatching(/^1\./) } },
    });
    await waitFor(async () => (await persisted()).state === 'operational', 'persisted operational');
    expect((await persisted()).lastSeenAt).not.toBeNull();
    expect(events.of('printer.online', printerId)).toHaveLength(1);
    // Persisted transitions, each once: from `offline` (possibly through `unknown` while OctoPrint had not answered).
    const transitions = events.of('printer.stateChanged', printerId);
    expect(transitions[0]).toMatchObject({ orgId, from: 'offline' });
    expect(transitions.at(-1)).toMatchObject({ to: 'operational' });
    transitions.slice(1).forEach((transition, index) => expect(transition.from).toBe(transitions[index]!.to));
  });

  it('pauses, resumes and cancels a print through the API with the agent results coming back', async () => {
    startPrint(farm, 0);
    await waitFor(async () => (await liveState()) === 'printing', 'printing');
    await waitFor(() => events.of('printer.printEvent', printerId).some((e) => e.type === 'started'), 'started');

    const paused = await act(team.operator.client, orgId, printerId, 'pause');
    expect(paused.status).toBe(200);
    expect(paused.body).toEqual({ commandId: expect.any(String), result: { accepted: true } });
    await waitFor(async () => (await liveState()) === 'paused', 'paused');
    await waitFor(async () => (await persisted()).state === 'paused', 'persisted paused');
    await waitFor(() => events.of('printer.printEvent', printerId).some((e) => e.type === 'paused'), 'paused event');

    const resumed = await act(team.operator.client, orgId, printerId, 'resume');
    expect(resumed.status).toBe(200);
    await waitFor(async () => (await liveState()) === 'printing', 'printing again');

    const cancelled = await act(team.operator.client, orgId, printerId, 'cancel');
    expect(cancelled.status).toBe(200);
    await waitFor(async () => (await liveState()) === 'operational', 'operational after cancel');
    await waitFor(
      () => events.of('printer.printEvent', printerId).some((e) => e.type === 'cancelled'),
      'cancelled event',
    );
    const printEvents = events.of('printer.printEvent', printerId);
    expect(printEvents.map((e) => e.type)).toEqual(['started', 'paused', 'resumed', 'cancelled']);
    expect(printEvents[0]).toMatchObject({ orgId, job: { fileName: 'benchy.gcode' }, at: expect.any(Number) });

    const audit = await team.owner.client.get(`/api/orgs/${orgId}/audit?subjectId=${printerId}&actorType=user`);
    const actions = (audit.body.entries as Array<{ action: string; result: string; details: any }>).filter((entry) =>
      ['printer.pause', 'printer.resume', 'printer.cancel'].includes(entry.action),
    );
    expect(actions.map((entry) => [entry.action, entry.result]).sort()).toEqual([
      ['printer.cancel', 'success'],
      ['printer.pause', 'success'],
      ['printer.resume', 'success'],
    ]);
    expect(actions.find((entry) => entry.action === 'printer.pause')!.details).toMatchObject({
      commandId: paused.body.commandId,
      outcome: 'ok',
    });
  });

  it('answers 409 for an action the printer state does not allow', async () => {
    const response = await act(team.operator.client, orgId, printerId, 'resume');
    expect(response.status).toBe(409);
    expect(response.body.error.code).toBe('invalid_state');
  });

  it('carries home, jog, temperature, G-code and connection commands to OctoPrint', async () => {
    const printer = farm.printer(0);
    expect((await act(team.operator.client, orgId, printerId, 'home', { axes: ['x', 'y'] })).status).toBe(200);
    expect((await act(team.operator.client, orgId, printerId, 'jog', { x: 5, y: -2 })).status).toBe(200);
    expect(printer.position.x).toBe(5);
    const heated = await act(team.operator.client, orgId, printerId, 'temperature', { tool: 200, bed: 55 });
    expect(heated.status).toBe(200);
    expect(Object.keys(heated.body).sort()).toEqual(['bed', 'tool']);
    expect([printer.tool0.target, printer.bed.target]).toEqual([200, 55]);
    expect((await act(team.operator.client, orgId, printerId, 'gcode', { lines: ['M106 S120'] })).status).toBe(200);
    expect(printer.commandLog).toContain('M106 S120');
    expect((await act(team.operator.client, orgId, printerId, 'disconnect')).status).toBe(200);
    await waitFor(async () => (await liveState()) === 'offline', 'serial link down');
    expect((await act(team.operator.client, orgId, printerId, 'connect', {})).status).toBe(200);
    await waitFor(async () => (await liveState()) === 'operational', 'serial link up');
  });

  it('passes the agent safety refusal back as a 400 naming it', async () => {
    const response = await act(team.operator.client, orgId, printerId, 'gcode', { lines: ['M502'] });
    expect(response.status).toBe(400);
    expect(response.body.error.code).toBe('blocked');
    expect(farm.printer(0).commandLog).not.toContain('M502');
  });

  it.each([
    ['gcode', { lines: Array.from({ length: 51 }, () => 'G4 P0') }, 'lines'],
    ['gcode', { lines: ['G28\nM502'] }, 'lines'],
    ['gcode', { lines: ['M106'], extra: true }, 'extra'],
    ['jog', {}, 'x'],
    ['jog', { x: 1e6 }, 'x'],
    ['temperature', {}, 'tool'],
    ['temperature', { bed: 9_999 }, 'bed'],
    ['home', { axes: ['w'] }, 'axes'],
  ])('rejects a %s body %j with a 400 naming %s', async (action, body, field) => {
    const response = await act(team.operator.client, orgId, printerId, action, body);
    expect(response.status).toBe(400);
    expect(response.body.error.field).toBe(field);
  });

  it('viewer cannot pause', async () => {
    const response = await act(team.viewer.client, orgId, printerId, 'pause');
    expect(response.status).toBe(403);
  });

  it('operator limited to another fleet cannot see or pause the printer (404)', async () => {
    // The fleet operator is limited to fleet A; printer B is in fleet B.
    const response = await act(team.fleetOperator.client, orgId, team.printerB.id, 'pause');
    expect(response.status).toBe(404);
    expect((await liveOf(team.fleetOperator.client, orgId, team.printerB.id)).status).toBe(404);
  });

  it('answers 409 printer_offline when no agent of the printer is connected', async () => {
    const response = await act(team.operator.client, orgId, team.printerB.id, 'pause');
    expect(response.status).toBe(409);
    expect(response.body.error.code).toBe('printer_offline');
    expect((await liveOf(team.operator.client, orgId, team.printerB.id)).body).toMatchObject({
      online: false,
      state: 'offline',
      live: null,
    });
  });

  it('recovers the state from OctoPrint after an agent restart mid-print', async () => {
    startPrint(farm, 0, 6_000, 'long part.gcode');
    await waitFor(async () => (await liveState()) === 'printing', 'printing');
    await agent.stop();
    await waitFor(async () => (await live()).body.online === false, 'offline after agent stop');
    await waitFor(async () => (await persisted()).state === 'offline', 'persisted offline');
    expect(events.of('printer.offline', printerId)).toHaveLength(1);

    agent = await startAgent(api.url, farm, 0, await issueAgentCredential(api, team.printerA));
    await waitFor(async () => (await liveState()) === 'printing', 'printing after restart');
    expect((await live()).body.live.status.job).toMatchObject({ fileName: 'long part.gcode' });
    await waitFor(async () => (await persisted()).state === 'printing', 'persisted printing');
    const paused = await act(team.operator.client, orgId, printerId, 'pause');
    expect(paused.status).toBe(200);
    await waitFor(async () => (await liveState()) === 'paused', 'paused after restart');
    expect((await act(team.operator.client, orgId, printerId, 'cancel')).status).toBe(200);
  });

  it('disconnects the agent of a revoked credential at once and keeps it out', async () => {
    await waitFor(() => agent.link.connected, 'agent connected');
    const revoked = await team.admin.client.post(`/api/orgs/${orgId}/printers/${printerId}/credentials/revoke`);
    expect(revoked.status).toBeLessThan(300);
    await waitFor(() => !agent.link.connected, 'agent disconnected');
    await waitFor(async () => (await live()).body.online === false, 'printer offline');
    // The agent keeps retrying with its revoked credential; none of the retries gets in. A negative assertion with
    // nothing to wait on: 1.5 s is several of the test agent's retries (backoff 50-400 ms).
    await sleep(1_500);
    expect(agent.link.connected).toBe(false);
    expect((await live()).body.online).toBe(false);
  });
});
