import { createTeam, insertPrinter, issueAgentCredential, type Team } from '@farmhand/factories';
import { GATEWAY_EVENTS, GATEWAY_SERVER_EVENTS, MULTIPLEX_VERSION, SERVER_EVENTS } from '@farmhand/protocol';
import type { AttachResult, Command, Detached, PrinterEnvelope, ProtocolError, Welcome } from '@farmhand/protocol';
import { startApi, waitFor, type ApiHarness } from '@farmhand/testing';
import { io, type Socket } from 'socket.io-client';
import { DataSource } from 'typeorm';
import { EventLog, act, connected, hello, liveOf, rawAgent, status } from './agent-harness';

/** A farm gateway's multiplexed socket (protocol 2), driven by hand: what a buggy or hostile gateway could send. */
function gatewaySocket(serverUrl: string): Socket {
  return io(`${serverUrl}/agent`, {
    auth: { multiplex: MULTIPLEX_VERSION },
    transports: ['websocket'],
    reconnection: false,
    forceNew: true,
  });
}

async function attach(socket: Socket, credential: unknown): Promise<AttachResult> {
  return (await socket.timeout(10_000).emitWithAck(GATEWAY_EVENTS.attach, { credential })) as AttachResult;
}

function send(socket: Socket, printerId: string, event: string, data: unknown): void {
  socket.emit(GATEWAY_EVENTS.printer, { printerId, event, data });
}

/** Everything a gateway socket receives, in order. */
function record(socket: Socket): Array<{ event: string; payload: unknown }> {
  const received: Array<{ event: string; payload: unknown }> = [];
  socket.onAny((event: string, payload: unknown) => received.push({ event, payload }));
  return received;
}

const envelopes = (received: Array<{ event: string; payload: unknown }>) =>
  received
    .filter((entry) => entry.event === GATEWAY_SERVER_EVENTS.printer)
    .map((entry) => entry.payload as PrinterEnvelope);
const errors = (received: Array<{ event: string; payload: unknown }>) =>
  received
    .filter((entry) => entry.event === SERVER_EVENTS.protocolError)
    .map((entry) => entry.payload as ProtocolError);
const detachments = (received: Array<{ event: string; payload: unknown }>) =>
  received.filter((entry) => entry.event === GATEWAY_SERVER_EVENTS.detached).map((entry) => entry.payload as Detached);

/** Attaches printers on a fresh gateway socket and brings each online with a hello and a status. */
async function gatewayServing(api: ApiHarness, printers: Array<{ id: string; credential: string }>) {
  const socket = gatewaySocket(api.url);
  const received = record(socket);
  await connected(socket);
  for (const printer of printers) {
    expect(await attach(socket, printer.credential)).toEqual({ ok: true, printerId: printer.id });
    send(socket, printer.id, 'hello', hello({ protocolVersion: MULTIPLEX_VERSION }));
    send(socket, printer.id, 'status', status());
  }
  return { socket, received };
}

describe('farm gateway multiplexing: many printers on one socket, each under its own credential', () => {
  let api: ApiHarness;
  let team: Team;
  let other: Team;
  let events: EventLog;
  const sockets: Socket[] = [];
  const online = async (orgId: string, printerId: string, client = team.operator.client) =>
    (await liveOf(client, orgId, printerId)).body?.online === true;
  const open = <T extends { socket: Socket }>(gateway: T): T => {
    sockets.push(gateway.socket);
    return gateway;
  };

  beforeAll(async () => {
    api = await startApi();
    events = new EventLog(api);
    team = await createTeam(api, 'Farm');
    other = await createTeam(api, 'Rival');
  });

  afterEach(() => {
    for (const socket of sockets.splice(0)) socket.disconnect();
  });

  afterAll(async () => {
    await api?.close();
  });

  async function printers(count: number, target: Team = team) {
    const list: Array<{ id: string; credential: string }> = [];
    for (let index = 0; index < count; index++) {
      const printer = await insertPrinter(api, target.orgId, target.fleetA);
      list.push({ id: printer.id, credential: await issueAgentCredential(api, printer) });
    }
    return list;
  }

  it('serves each attached printer under its own identity and routes a command to that printer only', async () => {
    const [a, b] = await printers(2);
    const { socket, received } = open(await gatewayServing(api, [a!, b!]));
    await waitFor(() => online(team.orgId, a!.id), 'A online');
    await waitFor(() => online(team.orgId, b!.id), 'B online');
    const welcomed = () => envelopes(received).filter((envelope) => envelope.event === SERVER_EVENTS.welcome);
    await waitFor(() => welcomed().length === 2, 'welcomes');
    const welcomes = envelopes(received).filter((envelope) => envelope.event === SERVER_EVENTS.welcome);
    expect(welcomes.map((envelope) => [envelope.printerId, (envelope.data as Welcome).printerId]).sort()).toEqual(
      [
        [a!.id, a!.id],
        [b!.id, b!.id],
      ].sort(),
    );
    expect((welcomes[0]!.data as Welcome).protocolVersion).toBe(MULTIPLEX_VERSION);

    const seen: string[] = [];
    socket.on(GATEWAY_SERVER_EVENTS.printer, (envelope: PrinterEnvelope, ack?: (result: unknown) => void) => {
      if (envelope.event !== SERVER_EVENTS.command) return;
      seen.push(envelope.printerId);
      const command = envelope.data as Command;
      ack?.({ id: command.id, ok: true, data: { accepted: true }, finishedAt: Date.now() });
    });
    const paused = await act(team.operator.client, team.orgId, b!.id, 'pause');
    expect(paused.status).toBe(200);
    expect(seen).toEqual([b!.id]);
  });

  it('refuses and logs events for another organization’s printer sent on a gateway socket (cross-org spoofing)', async () => {
    const [mine] = await printers(1);
    const [theirs] = await printers(1, other);
    const { socket, received } = open(await gatewayServing(api, [mine!]));
    await waitFor(() => online(team.orgId, mine!.id), 'mine online');
    send(socket, theirs!.id, 'hello', hello({ protocolVersion: MULTIPLEX_VERSION }));
    send(socket, theirs!.id, 'status', status({ state: 'printing' }));
    await waitFor(() => errors(received).some((error) => error.code === 'not_attached'), 'refused');
    expect(errors(received).find((error) => error.code === 'not_attached')).toMatchObject({ printerId: theirs!.id });
    expect(await online(other.orgId, theirs!.id, other.operator.client)).toBe(false);
    expect(events.of('printer.status', theirs!.id)).toEqual([]);
    expect(socket.connected).toBe(true);
  });

  it('refuses events for a printer of the same organization whose credential the gateway never presented', async () => {
    const [mine, sibling] = await printers(2);
    const { socket, received } = open(await gatewayServing(api, [mine!]));
    await waitFor(() => online(team.orgId, mine!.id), 'mine online');
    send(socket, sibling!.id, 'status', status({ state: 'printing' }));
    send(socket, sibling!.id, 'event', {
      id: crypto.randomUUID(),
      type: 'print.done',
      at: Date.now(),
      job: null,
    });
    await waitFor(() => errors(received).filter((error) => error.code === 'not_attached').length >= 2, 'refused');
    expect(await online(team.orgId, sibling!.id)).toBe(false);
    expect(events.of('printer.status', sibling!.id)).toEqual([]);
    expect(events.of('printer.printEvent', sibling!.id)).toEqual([]);
  });

  it('refuses an attach with a forged credential, or hostile text (NUL, lone surrogate), and keeps the others', async () => {
    const [mine] = await printers(1);
    const { socket, received } = open(await gatewayServing(api, [mine!]));
    await waitFor(() => online(team.orgId, mine!.id), 'mine online');
    for (const credential of ['fh_agent_forged0000000000000000', 'fh_agent_\u0000abc', 'fh_agent_\ud800x', 42, '']) {
      expect(await attach(socket, credential)).toMatchObject({ ok: false });
    }
    // Hostile printer ids in envelopes are refused as malformed, never looked up.
    send(socket, `${mine!.id}\u0000`, 'status', status());
    send(socket, '\ud800', 'status', status());
    await waitFor(() => errors(received).filter((error) => error.code === 'malformed').length >= 1, 'malformed');
    expect(socket.connected).toBe(true);
    expect(await online(team.orgId, mine!.id)).toBe(true);
  });

  it('credential guessing over attach is slowed down to refusals without a lookup; the gateway’s printers stay', async () => {
    const [mine] = await printers(1);
    const { socket } = open(await gatewayServing(api, [mine!]));
    await waitFor(() => online(team.orgId, mine!.id), 'mine online');
    const answers = await Promise.all(
      Array.from({ length: 520 }, (_, index) => attach(socket, `fh_agent_guess${index}_${'x'.repeat(43)}`)),
    );
    expect(answers.every((answer) => !answer.ok)).toBe(true);
    expect(answers.filter((answer) => !answer.ok && answer.code === 'rate_limited').length).toBeGreaterThan(0);
    expect(socket.connected).toBe(true);
    expect(await online(team.orgId, mine!.id)).toBe(true);
  });

  it('revoking one printer’s credential detaches that printer at once and leaves the others online', async () => {
    const [a, b] = await printers(2);
    const { socket, received } = open(await gatewayServing(api, [a!, b!]));
    await waitFor(() => online(team.orgId, a!.id), 'A online');
    await waitFor(() => online(team.orgId, b!.id), 'B online');
    const revoked = await team.admin.client.post(`/api/orgs/${team.orgId}/printers/${a!.id}/credentials/revoke`);
    expect(revoked.status).toBe(200);
    await waitFor(() => detachments(received).some((entry) => entry.printerId === a!.id), 'A detached');
    expect(detachments(received)).toEqual([{ printerId: a!.id, reason: 'revoked' }]);
    await waitFor(async () => !(await online(team.orgId, a!.id)), 'A offline');
    expect(socket.connected).toBe(true);
    expect(await online(team.orgId, b!.id)).toBe(true);
    // The revoked credential cannot attach again, and A's messages are refused.
    expect(await attach(socket, a!.credential)).toMatchObject({ ok: false, code: 'unauthorized' });
    send(socket, a!.id, 'status', status());
    await waitFor(() => errors(received).some((error) => error.printerId === a!.id), 'refused after revocation');
  });

  it('cuts off a flooding printer alone: its attachment ends, audited, the socket and the other printers stay', async () => {
    const [noisy, quiet] = await printers(2);
    const { socket, received } = open(await gatewayServing(api, [noisy!, quiet!]));
    await waitFor(() => online(team.orgId, quiet!.id), 'quiet online');
    for (let index = 0; index < 400; index++) send(socket, noisy!.id, 'status', { state: 'on fire', index });
    await waitFor(() => detachments(received).some((entry) => entry.printerId === noisy!.id), 'noisy detached');
    expect(detachments(received)).toEqual([{ printerId: noisy!.id, reason: 'abusive' }]);
    await waitFor(async () => !(await online(team.orgId, noisy!.id)), 'noisy offline');
    expect(socket.connected).toBe(true);
    send(socket, quiet!.id, 'status', status({ state: 'paused' }));
    await waitFor(
      async () => (await liveOf(team.operator.client, team.orgId, quiet!.id)).body?.live?.status?.state === 'paused',
      'quiet served',
    );
    const audit: Array<{ action: string }> = await api.app
      .get(DataSource)
      .query(`SELECT action FROM audit_entries WHERE subject_id = $1`, [noisy!.id]);
    expect(audit.map((entry) => entry.action)).toContain('printer.agentDisconnected');
  });

  it('keeps old single-printer agents (protocol 1) working beside gateways', async () => {
    const [single, attached] = await printers(2);
    open(await gatewayServing(api, [attached!]));
    const agent = rawAgent(api.url, { credential: single!.credential });
    sockets.push(agent);
    const welcome = new Promise<Welcome>((resolve) => agent.once(SERVER_EVENTS.welcome, resolve));
    await connected(agent);
    agent.emit('hello', hello({ protocolVersion: 1 }));
    agent.emit('status', status());
    expect((await welcome).protocolVersion).toBe(1);
    await waitFor(() => online(team.orgId, single!.id), 'single online');
    await waitFor(() => online(team.orgId, attached!.id), 'attached online');
  });

  it('refuses gateway envelopes on a single-printer socket (a printer credential cannot speak for others)', async () => {
    const [single, victim] = await printers(2);
    const agent = rawAgent(api.url, { credential: single!.credential });
    sockets.push(agent);
    const received = record(agent);
    await connected(agent);
    agent.emit(GATEWAY_EVENTS.printer, { printerId: victim!.id, event: 'status', data: status() });
    agent.emit(GATEWAY_EVENTS.attach, { credential: victim!.credential });
    await waitFor(() => errors(received).filter((error) => error.code === 'unknown_event').length >= 2, 'refused');
    expect(await online(team.orgId, victim!.id)).toBe(false);
  });

  it('revoking through another api instance ends the attachment on the instance holding the gateway socket', async () => {
    const apiB = await startApi({}, { database: api.database, redisPrefix: api.config.REDIS_PREFIX });
    try {
      const [revoked, kept] = await printers(2);
      const { socket, received } = open(await gatewayServing(apiB, [revoked!, kept!]));
      await waitFor(() => online(team.orgId, kept!.id), 'kept online');
      await waitFor(() => online(team.orgId, revoked!.id), 'revoked online');
      // The command and the revocation go through instance A; the gateway's socket is on B.
      socket.on(GATEWAY_SERVER_EVENTS.printer, (envelope: PrinterEnvelope, ack?: (result: unknown) => void) => {
        const command = envelope.data as Command;
        if (envelope.event === SERVER_EVENTS.command) {
          ack?.({ id: command.id, ok: true, data: { accepted: true }, finishedAt: Date.now() });
        }
      });
      expect((await act(team.operator.client, team.orgId, kept!.id, 'pause')).status).toBe(200);
      const response = await team.admin.client.post(
        `/api/orgs/${team.orgId}/printers/${revoked!.id}/credentials/revoke`,
      );
      expect(response.status).toBe(200);
      await waitFor(() => detachments(received).some((entry) => entry.printerId === revoked!.id), 'detached on B');
      expect(detachments(received)).toEqual([{ printerId: revoked!.id, reason: 'revoked' }]);
      await waitFor(async () => !(await online(team.orgId, revoked!.id)), 'revoked offline');
      expect(socket.connected).toBe(true);
      expect(await online(team.orgId, kept!.id)).toBe(true);
    } finally {
      for (const socket of sockets.splice(0)) socket.disconnect();
      await apiB.close({ keepDatabase: true });
    }
  });

  it('a newer link of the printer replaces its attachment on another gateway socket, which keeps its others', async () => {
    const [moved, stays] = await printers(2);
    const first = open(await gatewayServing(api, [moved!, stays!]));
    await waitFor(() => online(team.orgId, stays!.id), 'stays online');
    const second = open(await gatewayServing(api, [moved!]));
    await waitFor(() => detachments(first.received).some((entry) => entry.printerId === moved!.id), 'replaced');
    expect(detachments(first.received)).toEqual([{ printerId: moved!.id, reason: 'replaced' }]);
    expect(first.socket.connected && second.socket.connected).toBe(true);
    await waitFor(() => online(team.orgId, moved!.id), 'moved online');
    expect(await online(team.orgId, stays!.id)).toBe(true);
  });
});
