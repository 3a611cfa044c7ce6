import { EventEmitter2 } from '@nestjs/event-emitter';
import {
  PrinterUpdatesCollector,
  TEMPERATURE_MAX_SAMPLES,
  TEMPERATURE_SAMPLE_EVERY_MS,
  TemperatureHistoryStore,
} from '@farmhand/dashboard';
import { createTeam, type Team } from '@farmhand/factories';
import type { Status } from '@farmhand/protocol';
import { startApi, type ApiHarness } from '@farmhand/testing';

function heating(tool: number, toolTarget: number): Status {
  return {
    state: 'operational',
    stateText: 'Operational',
    backend: 'ok',
    temperatures: { tool0: { actual: tool, target: toolTarget }, bed: { actual: 40.4, target: 60 } },
    job: null,
    progress: null,
    printTime: null,
    printTimeLeft: null,
    z: null,
    error: null,
    sentAt: Date.now(),
  };
}

/** The printer page's chart opens full: the api keeps a short, bounded temperature history per printer in Redis. */
describe('temperature history from the server', () => {
  let api: ApiHarness;
  let team: Team;

  beforeAll(async () => {
    api = await startApi();
    team = await createTeam(api);
  });
  afterAll(async () => {
    await api?.close();
  });

  const history = (printerId: string, client = team.viewer.client) =>
    client.get(`/api/orgs/${team.orgId}/printers/${printerId}/temperatures`);

  it('keeps what the agent reports, one sample per 10 s unless a target changes, and a viewer reads it', async () => {
    const events = api.app.get(EventEmitter2);
    const send = (status: Status) =>
      events.emit('printer.status', { orgId: team.orgId, printerId: team.printerA.id, status });
    send(heating(25.2, 0));
    send(heating(26.1, 0)); // within 10 s, same targets: not kept
    send(heating(27.4, 210)); // the target changed: kept
    await api.app.get(PrinterUpdatesCollector).drain();

    const answer = await history(team.printerA.id);
    expect(answer.status).toBe(200);
    expect(answer.body.windowMs).toBe(30 * 60_000);
    expect(answer.body.samples.map((sample: { toolActual: number; toolTarget: number }) => sample)).toEqual([
      expect.objectContaining({ toolActual: 25, toolTarget: 0, bedActual: 40, bedTarget: 60 }),
      expect.objectContaining({ toolActual: 27, toolTarget: 210 }),
    ]);
    expect(TEMPERATURE_SAMPLE_EVERY_MS).toBe(10_000);
  });

  it('is bounded per printer and forgets what is older than the window', async () => {
    const store = api.app.get(TemperatureHistoryStore);
    const now = Date.now();
    const start = now - 29 * 60_000;
    // A new target each time: every sample is kept, so only the bound limits them.
    for (let index = 0; index < TEMPERATURE_MAX_SAMPLES + 60; index++)
      await store.record(
        team.printerB.id,
        { toolActual: index, toolTarget: index, bedActual: 50, bedTarget: 60 },
        start + index * 5_000,
      );
    const samples = await store.read(team.printerB.id, now);
    expect(samples).toHaveLength(TEMPERATURE_MAX_SAMPLES);
    expect(samples[0]!.toolActual).toBe(60);
    // Read half an hour later, the same list is empty: nothing older than the window is shown.
    expect(await store.read(team.printerB.id, now + 40 * 60_000)).toEqual([]);
  });

  it("rejects a printer of another organization, one outside a fleet-limited member's fleets, a bad id and no session", async () => {
    const other = await createTeam(api, 'Other farm');
    const foreign = await history(other.printerA.id, team.owner.client);
    expect(foreign.status).toBe(404);
    expect(foreign.body.error.code).toBe('printer_not_found');
    // The other organization's owner asking through our organization's path is not a member of it.
    const crossed = await history(team.printerA.id, other.owner.client);
    expect(crossed.status).toBe(404);

    const limited = await history(team.printerB.id, team.fleetOperator.client);
    expect(limited.status).toBe(404);
    expect(limited.body.error.code).toBe('printer_not_found');
    expect((await history(team.printerA.id, team.fleetOperator.client)).status).toBe(200);

    const hostile = await team.owner.client.get(
      `/api/orgs/${team.orgId}/printers/${encodeURIComponent("' OR 1=1 --<script>")}/temperatures`,
    );
    expect(hostile.status).toBe(400);
    expect(hostile.body.error.code).toBe('bad_request');

    const anonymous = await api.client().get(`/api/orgs/${team.orgId}/printers/${team.printerA.id}/temperatures`);
    expect(anonymous.status).toBe(401);
  });
});
