import { EventEmitter2 } from '@nestjs/event-emitter';
import {
  DASHBOARD_EVENTS,
  DASHBOARD_NAMESPACE,
  PrinterUpdatesCollector,
  type ChangedMessage,
  type ClosingMessage,
  type ResyncMessage,
} from '@farmhand/dashboard';
import { createTeam, insertPrinter, signUpUser, type Team } from '@farmhand/factories';
import type { Status } from '@farmhand/protocol';
import { startApi, waitFor, type ApiHarness, type HttpClient } from '@farmhand/testing';
import { io, type Socket } from 'socket.io-client';

function status(overrides: Partial<Status> = {}): Status {
  return {
    state: 'printing',
    stateText: 'Printing',
    backend: 'ok',
    temperatures: { tool0: { actual: 210.04, target: 210 }, bed: { actual: 60, target: 60 } },
    job: { fileName: 'bracket.gcode' },
    progress: 12.34,
    printTime: 100,
    printTimeLeft: 900,
    z: 1.2,
    error: null,
    sentAt: Date.now(),
    ...overrides,
  };
}

interface Watch {
  socket: Socket;
  resyncs: ResyncMessage[];
  changes: ChangedMessage[];
  closing: ClosingMessage[];
  /** Every printer id this socket was ever told about, in any message. */
  seen: Set<string>;
}

describe('dashboard live updates', () => {
  let api: ApiHarness;
  let team: Team;
  let events: EventEmitter2;
  const sockets: Socket[] = [];

  beforeAll(async () => {
    api = await startApi();
    team = await createTeam(api);
    events = api.app.get(EventEmitter2);
  });
  afterAll(async () => {
    for (const socket of sockets) socket.disconnect();
    await api.close();
  });

  function connect(client: HttpClient | null, orgId: string, headers: Record<string, string> = {}): Socket {
    const cookie = client?.cookie('fh_session');
    const socket = io(`${api.url}${DASHBOARD_NAMESPACE}`, {
      transports: ['websocket'],
      reconnection: false,
      auth: { orgId },
      extraHeaders: { ...(cookie ? { cookie: `fh_session=${cookie}` } : {}), ...headers },
    });
    sockets.push(socket);
    return socket;
  }

  async function watch(client: HttpClient, orgId: string): Promise<Watch> {
    const socket = connect(client, orgId);
    const watched: Watch = { socket, resyncs: [], changes: [], closing: [], seen: new Set() };
    socket.on(DASHBOARD_EVENTS.changed, (message: ChangedMessage) => {
      watched.changes.push(message);
      for (const change of message.changes) watched.seen.add(change.id);
    });
    socket.on(DASHBOARD_EVENTS.closing, (message: ClosingMessage) => watched.closing.push(message));
    await new Promise<void>((resolve, reject) => {
      socket.once(DASHBOARD_EVENTS.resync, (message: ResyncMessage) => {
        watched.resyncs.push(message);
        for (const printer of message.printers) watched.seen.add(printer.id);
        socket.on(DASHBOARD_EVENTS.resync, (next: ResyncMessage) => watched.resyncs.push(next));
        resolve();
      });
      socket.once('connect_error', reject);
    });
    return watched;
  }

  async function connectError(socket: Socket): Promise<{ message: string; data?: { code: string } }> {
    return new Promise((resolve, reject) => {
      socket.once('connect_error', (error) => resolve(error as never));
      socket.once('connect', () => reject(new Error('connected')));
    });
  }

  /** Publishes what the collector holds now; what a browser receives comes a subscriber tick later (wait for it). */
  async function flushed(): Promise<void> {
    await api.app.get(PrinterUpdatesCollector).drain();
  }

  function changesOf(watched: Watch) {
    return watched.changes.flatMap((message) => message.changes);
  }

  it('resyncs a viewer with every printer of the organization on connect', async () => {
    const viewer = await watch(team.viewer.client, team.orgId);
    const ids = viewer.resyncs[0]!.printers.map((printer) => printer.id).sort();
    expect(ids).toEqual([team.printerA.id, team.printerB.id].sort());
    expect(viewer.resyncs[0]!.printers[0]!.live).toMatchObject({ online: false, state: 'offline' });
  });

  it('a viewer receives changes for their organization only, field by field', async () => {
    const other = await createTeam(api, 'Other farm');
    const viewer = await watch(team.viewer.client, team.orgId);
    events.emit('printer.online', { orgId: team.orgId, printerId: team.printerA.id });
    events.emit('printer.status', { orgId: team.orgId, printerId: team.printerA.id, status: status() });
    events.emit('printer.status', { orgId: other.orgId, printerId: other.printerA.id, status: status() });
    await flushed();
    // The other organization's frame went through the same tick: had it leaked, it would be here too.
    const changes = await waitFor(
      () => changesOf(viewer).some((change) => change.progress === 12.3) && changesOf(viewer),
      "printer A's change",
    );
    expect(changes).toEqual([
      expect.objectContaining({
        id: team.printerA.id,
        online: true,
        state: 'printing',
        progress: 12.3,
        toolActual: 210,
      }),
    ]);
    expect(viewer.seen.has(other.printerA.id)).toBe(false);

    // Only what changed is sent next time.
    events.emit('printer.status', {
      orgId: team.orgId,
      printerId: team.printerA.id,
      status: status({ progress: 50, printTimeLeft: 480 }),
    });
    await flushed();
    await waitFor(() => changesOf(viewer).some((change) => change.progress === 50), 'the second change');
    expect(viewer.changes.at(-1)!.changes).toEqual([{ id: team.printerA.id, progress: 50, timeLeft: 480 }]);
  });

  it('rejects a printer event that names another organization than the printer belongs to', async () => {
    const other = await createTeam(api, 'Spoofing farm');
    const victim = await watch(team.viewer.client, team.orgId);
    events.emit('printer.status', {
      orgId: other.orgId,
      printerId: team.printerB.id,
      status: status({ progress: 99 }),
    });
    // A barrier: a genuine frame sent after the spoofed one; once it is here, the spoofed one would have been too.
    events.emit('printer.status', {
      orgId: team.orgId,
      printerId: team.printerA.id,
      status: status({ stateText: 'after the spoofed frame' }),
    });
    await flushed();
    await waitFor(
      () => changesOf(victim).some((change) => change.stateText === 'after the spoofed frame'),
      'the genuine frame',
    );
    expect(victim.changes.flatMap((message) => message.changes).some((change) => change.progress === 99)).toBe(false);
  });

  it("a fleet-limited operator never receives the other fleet's printers", async () => {
    const limited = await watch(team.fleetOperator.client, team.orgId);
    expect(limited.resyncs[0]!.printers.map((printer) => printer.id)).toEqual([team.printerA.id]);
    const extraB = await insertPrinter(api, team.orgId, team.fleetB, { name: 'B extra' });
    // A new printer in their own fleet too: the resync it earns is the one a leaked fleet-B printer would have joined.
    const extraA = await insertPrinter(api, team.orgId, team.fleetA, { name: 'A extra' });
    for (const printer of [team.printerA, team.printerB, extraB, extraA]) {
      events.emit('printer.online', { orgId: team.orgId, printerId: printer.id });
      events.emit('printer.status', { orgId: team.orgId, printerId: printer.id, status: status({ progress: 77 }) });
      events.emit('printer.stateChanged', { orgId: team.orgId, printerId: printer.id, from: 'printing', to: 'paused' });
    }
    await flushed();
    await waitFor(
      () => limited.resyncs.some((message) => message.printers.some((printer) => printer.id === extraA.id)),
      'the resync that brings the new fleet-A printer',
    );
    expect([...limited.seen]).toEqual([team.printerA.id]);
    expect(limited.resyncs.flatMap((message) => message.printers.map((printer) => printer.fleetId))).not.toContain(
      team.fleetB,
    );
  });

  it('coalesces a burst of status frames into few messages carrying the latest values', async () => {
    const viewer = await watch(team.viewer.client, team.orgId);
    const before = viewer.changes.length;
    for (let step = 0; step <= 200; step++) {
      events.emit('printer.status', {
        orgId: team.orgId,
        printerId: team.printerB.id,
        status: status({ progress: step / 2, printTimeLeft: 12_000 - step * 50 }),
      });
    }
    await flushed();
    await waitFor(
      () => changesOf(viewer).some((change) => change.id === team.printerB.id && change.progress === 100),
      'the latest values',
    );
    const received = viewer.changes.slice(before);
    expect(received.length).toBeLessThanOrEqual(2);
    const last = received.flatMap((message) => message.changes).filter((change) => change.id === team.printerB.id);
    // 2,000 s left, in whole minutes.
    expect(last.at(-1)).toMatchObject({ progress: 100, timeLeft: 1_980 });
  });

  it('a newly enrolled printer reaches watchers through a resync', async () => {
    const viewer = await watch(team.viewer.client, team.orgId);
    const added = await insertPrinter(api, team.orgId, team.fleetA, { name: 'Fresh one' });
    events.emit('printer.online', { orgId: team.orgId, printerId: added.id });
    await flushed();
    await waitFor(
      () => viewer.resyncs.at(-1)!.printers.some((printer) => printer.id === added.id),
      'a resync with the new printer',
    );
    expect(viewer.resyncs.at(-1)!.printers.map((printer) => printer.id)).toContain(added.id);
    expect(viewer.resyncs.at(-1)!.printers.find((printer) => printer.id === added.id)!.live.online).toBe(true);
  });

  it('a change received by one api instance reaches a browser connected to another', async () => {
    const second = await startApi({ DATABASE_URL: api.database.url, REDIS_PREFIX: api.config.REDIS_PREFIX });
    try {
      const viewer = await watch(team.viewer.client, team.orgId);
      second.app.get(EventEmitter2).emit('printer.status', {
        orgId: team.orgId,
        printerId: team.printerA.id,
        status: status({ stateText: 'from the other instance' }),
      });
      await second.app.get(PrinterUpdatesCollector).drain();
      const changes = await waitFor(
        () => changesOf(viewer).some((change) => change.stateText === 'from the other instance') && changesOf(viewer),
        'the change through the other instance',
      );
      expect(changes).toContainEqual(
        expect.objectContaining({ id: team.printerA.id, stateText: 'from the other instance' }),
      );
    } finally {
      await second.app.close();
      await second.database.drop();
    }
  });

  it('rejects a handshake without a session', async () => {
    const error = await connectError(connect(null, team.orgId));
    expect(error.data?.code).toBe('unauthenticated');
  });

  it('rejects watching an organization the user is not a member of', async () => {
    const stranger = await signUpUser(api, { organizationName: 'Elsewhere' });
    const error = await connectError(connect(stranger.client, team.orgId));
    expect(error.data?.code).toBe('organization_not_found');
  });

  it('rejects a cross-site page riding the session cookie (cross-site WebSocket hijacking)', async () => {
    const error = await connectError(connect(team.viewer.client, team.orgId, { origin: 'https://evil.example' }));
    expect(error.data?.code).toBe('origin_not_allowed');
  });

  it('narrowing a member to one fleet takes effect on their open socket at once', async () => {
    const operator = await watch(team.operator.client, team.orgId);
    expect(operator.resyncs[0]!.printers.length).toBeGreaterThan(1);
    const changed = await team.owner.client.patch(`/api/orgs/${team.orgId}/members/${team.operator.membershipId}`, {
      fleetIds: [team.fleetA],
    });
    expect(changed.status).toBe(200);
    const latest = await waitFor(() => {
      const last = operator.resyncs.at(-1)!;
      return last !== operator.resyncs[0] && last;
    }, 'the resync after the change');
    expect(new Set(latest.printers.map((printer) => printer.fleetId))).toEqual(new Set([team.fleetA]));
  });

  it('a removed member is disconnected from the live feed', async () => {
    const viewer = await watch(team.viewer.client, team.orgId);
    const disconnected = new Promise((resolve) => viewer.socket.once('disconnect', resolve));
    const removed = await team.owner.client.delete(`/api/orgs/${team.orgId}/members/${team.viewer.membershipId}`);
    expect(removed.status).toBe(204);
    await disconnected;
    expect(viewer.closing[0]?.code).toBe('membership_changed');
  });
});
