import { createTeam, issueAgentCredential, type Team } from '@farmhand/factories';
import { startApi, waitFor, type ApiHarness } from '@farmhand/testing';
import { DataSource } from 'typeorm';
import type { AgentRuntime } from '../../apps/agent/src/runtime/agent-runtime';
import type { OctoPrintFarm } from '../../apps/printer-sim/src/octoprint/octoprint-farm';
import { EventLog, liveOf, startAgent, startFarm, startPrint } from './agent-harness';

/** Issue 12 point 9: a printer's settings reach its connected agent at once, not at its next connection. */
describe('printer settings reach a connected agent', () => {
  let api: ApiHarness;
  let team: Team;
  let farm: OctoPrintFarm;
  let agent: AgentRuntime;
  let events: EventLog;

  const patch = (client: Team['operator']['client'], body: unknown) =>
    client.patch(`/api/orgs/${team.orgId}/printers/${team.printerA.id}`, body);

  beforeAll(async () => {
    api = await startApi();
    events = new EventLog(api);
    team = await createTeam(api);
    farm = await startFarm(1);
    // The printer starts at the slowest interval the API allows; the agent gets it in its welcome.
    await api.app
      .get(DataSource)
      .query(`UPDATE printers SET detection = $2 WHERE id = $1`, [
        team.printerA.id,
        JSON.stringify({ frameIntervalSeconds: 600 }),
      ]);
    agent = await startAgent(api.url, farm, 0, await issueAgentCredential(api, team.printerA));
    await waitFor(
      async () =>
        (await liveOf(team.operator.client, team.orgId, team.printerA.id)).body?.live?.status?.state === 'operational',
      'agent connected and operational',
    );
  });

  afterAll(async () => {
    await agent?.stop();
    await farm?.stop();
    await api?.close();
  });

  it('applies a new frame interval on the open connection, and frames follow it', async () => {
    await waitFor(() => agent.frames.interval === 600, 'the welcome interval');
    const changed = await patch(team.operator.client, { detection: { frameIntervalSeconds: 2, sensitivity: 1.2 } });
    expect(changed.status).toBe(200);
    expect(changed.body.detection).toMatchObject({ frameIntervalSeconds: 2, sensitivity: 1.2 });
    await waitFor(() => agent.frames.interval === 2, 'the agent to apply the new interval', 5_000);

    // Frames now come every 2 s (at one in 10 minutes, the second would not come in this test's lifetime).
    startPrint(farm, 0);
    await waitFor(() => agent.frames.uploaded >= 3, 'three frames at the new interval', 30_000);
    // Applied without a reconnect.
    expect(events.of('printer.online', team.printerA.id)).toHaveLength(1);
  });

  it('viewer cannot change the interval, and the agent keeps its own', async () => {
    const refused = await patch(team.viewer.client, { detection: { frameIntervalSeconds: 300 } });
    expect(refused.status).toBe(403);
    const hostile = await patch(team.operator.client, { detection: { frameIntervalSeconds: '1; DROP TABLE' } });
    expect(hostile.status).toBe(400);
    expect(JSON.stringify(hostile.body)).toContain('frameIntervalSeconds');
    // A change that does pass comes after the refused ones: the agent shows only that one.
    expect((await patch(team.operator.client, { detection: { frameIntervalSeconds: 5 } })).status).toBe(200);
    await waitFor(() => agent.frames.interval === 5, 'the agent to apply the permitted change', 5_000);
    expect(agent.frames.interval).not.toBe(300);
  });
});
