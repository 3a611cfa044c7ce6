import { EventEmitter2 } from '@nestjs/event-emitter';
import {
  DASHBOARD_EVENTS,
  DASHBOARD_MAX_PRINTERS,
  DASHBOARD_MAX_WINDOW,
  DASHBOARD_NAMESPACE,
  PrinterUpdatesCollector,
  SUMMARY_LIVE_FIELDS,
  type ChangedMessage,
  type PrinterChange,
  type ResyncMessage,
} from '@farmhand/dashboard';
import { createTeam, type Team } from '@farmhand/factories';
import { Printer } from '@farmhand/printers';
import type { Status } from '@farmhand/protocol';
import { startApi, waitFor, type ApiHarness, type HttpClient } from '@farmhand/testing';
import { io, type Socket } from 'socket.io-client';
import { DataSource } from 'typeorm';

function status(overrides: Partial<Status> = {}): Status {
  return {
    state: 'printing',
    stateText: 'Printing',
    backend: 'ok',
    temperatures: { tool0: { actual: 210, target: 210 }, bed: { actual: 60, target: 60 } },
    job: { fileName: 'bracket.gcode' },
    progress: 10,
    printTime: 100,
    printTimeLeft: 3_600,
    z: 1.2,
    error: null,
    sentAt: Date.now(),
    ...overrides,
  };
}

interface Watch {
  socket: Socket;
  resyncs: ResyncMessage[];
  changes: PrinterChange[];
}

/**
 * The dashboard past 5,000 printers: a windowed browser gets a compact picture of every printer and every field
 * only for the printers it shows, so the server does not push every printer's every update to every browser.
 */
describe('windowed dashboard subscriptions', () => {
  let api: ApiHarness;
  let team: Team;
  let events: EventEmitter2;
  const sockets: Socket[] = [];

  beforeAll(async () => {
    api = await startApi();
    team = await createTeam(api, 'Window farm');
    events = api.app.get(EventEmitter2);
  });
  afterAll(async () => {
    for (const socket of sockets) socket.disconnect();
    await api?.close();
  });

  async function watch(client: HttpClient, orgId: string, windowed = true): Promise<Watch> {
    const socket = io(`${api.url}${DASHBOARD_NAMESPACE}`, {
      transports: ['websocket'],
      reconnection: false,
      auth: { orgId, windowed },
      extraHeaders: { cookie: `fh_session=${client.cookie('fh_session')}` },
    });
    sockets.push(socket);
    const watched: Watch = { socket, resyncs: [], changes: [] };
    socket.on(DASHBOARD_EVENTS.changed, (message: ChangedMessage) => watched.changes.push(...message.changes));
    socket.on(DASHBOARD_EVENTS.resync, (message: ResyncMessage) => watched.resyncs.push(message));
    await waitFor(() => watched.resyncs.length > 0, 'the first resync', 30_000);
    return watched;
  }

  const show = (watched: Watch, printerIds: unknown) =>
    watched.socket.timeout(5_000).emitWithAck(DASHBOARD_EVENTS.window, { printerIds });

  const flushed = () => api.app.get(PrinterUpdatesCollector).drain();

  it('sends summary fields for printers not shown, every field once shown, and back to summaries when hidden', async () => {
    const viewer = await watch(team.viewer.client, team.orgId);
    const [first] = viewer.resyncs;
    // Compact: no organization per printer, live fields only those the grid counts, filters and sorts by.
    const printerA = first!.printers.find((printer) => printer.id === team.printerA.id)!;
    expect(printerA.orgId).toBeUndefined();
    expect(Object.keys(printerA.live).sort()).toEqual([...SUMMARY_LIVE_FIELDS].sort());

    events.emit('printer.online', { orgId: team.orgId, printerId: team.printerA.id });
    events.emit('printer.status', { orgId: team.orgId, printerId: team.printerA.id, status: status() });
    await flushed();
    await waitFor(() => viewer.changes.some((change) => change.state === 'printing'), 'the summary of A');
    // Temperatures and progress of a printer not shown do not travel.
    expect(viewer.changes.filter((change) => 'toolActual' in change || 'progress' in change)).toEqual([]);
    const before = viewer.changes.length;
    events.emit('printer.status', { orgId: team.orgId, printerId: team.printerA.id, status: status({ progress: 20 }) });
    // A barrier: printer B's state change goes through the same tick as A's progress.
    events.emit('printer.online', { orgId: team.orgId, printerId: team.printerB.id });
    await flushed();
    await waitFor(() => viewer.changes.some((change) => change.id === team.printerB.id), 'the barrier');
    expect(viewer.changes.slice(before).filter((change) => change.id === team.printerA.id)).toEqual([]);

    // Shown: A's other fields arrive at once, and later changes of them too.
    expect(await show(viewer, [team.printerA.id])).toEqual({ ok: true, shown: 1 });
    await waitFor(
      () => viewer.changes.some((change) => change.id === team.printerA.id && change.progress === 20),
      "A's detail",
    );
    expect(viewer.changes.find((change) => change.id === team.printerA.id && change.progress === 20)).toMatchObject({
      toolActual: 210,
      bedTarget: 60,
      stateText: 'Printing',
    });
    events.emit('printer.status', { orgId: team.orgId, printerId: team.printerA.id, status: status({ progress: 30 }) });
    await flushed();
    await waitFor(() => viewer.changes.some((change) => change.progress === 30), "A's next progress");

    // Hidden again: progress stops, the state still comes.
    expect(await show(viewer, [])).toEqual({ ok: true, shown: 0 });
    const hiddenFrom = viewer.changes.length;
    events.emit('printer.status', { orgId: team.orgId, printerId: team.printerA.id, status: status({ progress: 40 }) });
    events.emit('printer.status', {
      orgId: team.orgId,
      printerId: team.printerA.id,
      status: status({ progress: 41, state: 'paused', stateText: 'Paused' }),
    });
    await flushed();
    await waitFor(() => viewer.changes.some((change) => change.state === 'paused'), "A's pause");
    expect(viewer.changes.slice(hiddenFrom).filter((change) => 'progress' in change)).toEqual([]);
  });

  it('wrong fleet, wrong organization: a window naming printers the browser may not read details nothing', async () => {
    const other = await createTeam(api, 'Other window farm');
    const limited = await watch(team.fleetOperator.client, team.orgId);
    for (const [orgId, printerId] of [
      [team.orgId, team.printerB.id],
      [other.orgId, other.printerA.id],
    ] as const) {
      events.emit('printer.online', { orgId, printerId });
      events.emit('printer.status', { orgId, printerId, status: status({ progress: 66 }) });
    }
    expect(await show(limited, [team.printerB.id, other.printerA.id, team.printerA.id])).toEqual({
      ok: true,
      shown: 3,
    });
    // A barrier: their own printer's detail comes with the same tick.
    events.emit('printer.status', { orgId: team.orgId, printerId: team.printerA.id, status: status({ progress: 67 }) });
    await flushed();
    await waitFor(() => limited.changes.some((change) => change.progress === 67), 'their own printer');
    const ids = new Set(limited.changes.map((change) => change.id));
    expect(ids.has(team.printerB.id)).toBe(false);
    expect(ids.has(other.printerA.id)).toBe(false);
  });

  it('refuses a window too large or not a list, and a socket that did not ask to window', async () => {
    const viewer = await watch(team.viewer.client, team.orgId);
    const tooMany = Array.from({ length: DASHBOARD_MAX_WINDOW + 1 }, () => team.printerA.id);
    expect(await show(viewer, tooMany)).toMatchObject({ ok: false, error: { code: 'invalid_window' } });
    expect(await show(viewer, 'all')).toMatchObject({ ok: false, error: { code: 'invalid_window' } });
    expect(await show(viewer, [{ $gt: '' }])).toMatchObject({ ok: false, error: { code: 'invalid_window' } });
    const full = await watch(team.viewer.client, team.orgId, false);
    expect(await show(full, [team.printerA.id])).toMatchObject({ ok: false, error: { code: 'not_windowed' } });
  });

  it(`pages past ${DASHBOARD_MAX_PRINTERS} printers: a windowed browser gets them all, a full one the first ${DASHBOARD_MAX_PRINTERS}`, async () => {
    const big = await createTeam(api, 'Big farm');
    const repository = api.app.get(DataSource).getRepository(Printer);
    const count = DASHBOARD_MAX_PRINTERS + 1;
    for (let start = 0; start < count; start += 1_000)
      await repository.insert(
        Array.from({ length: Math.min(1_000, count - start) }, (_, offset) => ({
          orgId: big.orgId,
          fleetId: big.fleetA,
          name: `Big-${String(start + offset).padStart(5, '0')}`,
          model: 'Prusa MK4',
          tags: [],
        })),
      );
    const windowed = await watch(big.viewer.client, big.orgId);
    expect(windowed.resyncs[0]!.truncated).toBe(false);
    expect(windowed.resyncs[0]!.printers).toHaveLength(count + 2);
    const full = await watch(big.viewer.client, big.orgId, false);
    expect(full.resyncs[0]!.truncated).toBe(true);
    expect(full.resyncs[0]!.printers).toHaveLength(DASHBOARD_MAX_PRINTERS);
  });
});
