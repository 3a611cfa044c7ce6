import { randomUUID } from 'node:crypto';
import { createServer } from 'node:http';
import type { IncomingMessage, Server as HttpServer } from 'node:http';
import type { AddressInfo } from 'node:net';

import { AGENT_NAMESPACE, MAX_MESSAGE_BYTES, SERVER_EVENTS, parseAgentMessage } from '@farmhand/protocol';
import type { AgentMessage, CommandInput } from '@farmhand/protocol';
import { Server } from 'socket.io';
import type { Socket } from 'socket.io';

import { OctoPrintFarm } from '../../../printer-sim/src/octoprint/octoprint-farm';
import { OctoPrintClient } from '../octoprint/octoprint.client';
import { gcodeFile, silentLogger } from '../testing/test-helpers';
import { AgentRuntime } from './agent-runtime';
import { sleep, waitFor } from '../../../../test/support/wait-for';

jest.setTimeout(30_000);

const CREDENTIAL = 'fh_agent_test_credential_0123456789abcdef';

type MessageData<E extends AgentMessage['event']> = Extract<AgentMessage, { event: E }>['data'];

/** A stand-in for Farmhand's `/agent` namespace and frame endpoint: real socket.io, real HTTP. */
class FakeFarmhand {
  readonly received: Array<{ connection: number; message: AgentMessage }> = [];
  readonly invalid: Array<{ event: string; code: string }> = [];
  readonly handshakes: Array<{ auth: Record<string, unknown>; url: string; authorization?: string }> = [];
  readonly frames: Array<{ authorization?: string; contentType?: string; bytes: Buffer }> = [];
  sockets: Socket[] = [];
  private http!: HttpServer;
  private io!: Server;

  async start(port = 0): Promise<number> {
    this.http = createServer((req, res) => void this.handleHttp(req, res));
    this.io = new Server(this.http, { maxHttpBufferSize: MAX_MESSAGE_BYTES });
    const namespace = this.io.of(AGENT_NAMESPACE);
    namespace.use((socket, next) => {
      this.handshakes.push({
        auth: socket.handshake.auth,
        url: socket.handshake.url,
        authorization: socket.handshake.headers.authorization,
      });
      next(socket.handshake.auth.credential === CREDENTIAL ? undefined : new Error('unauthorized'));
    });
    namespace.on('connection', (socket) => {
      const connection = this.sockets.push(socket);
      socket.onAny((event: string, payload: unknown) => {
        const parsed = parseAgentMessage(event, payload);
        if (parsed.ok) this.received.push({ connection, message: parsed.value });
        else this.invalid.push({ event, code: parsed.error.code });
      });
    });
    await new Promise<void>((resolve) => this.http.listen(port, '127.0.0.1', resolve));
    return (this.http.address() as AddressInfo).port;
  }

  async stop(): Promise<void> {
    this.io.disconnectSockets(true);
    await new Promise<void>((resolve) => {
      void this.io.close(() => resolve());
    });
    this.sockets = [];
  }

  messages<E extends AgentMessage['event']>(event: E): Array<MessageData<E>> {
    return this.received
      .filter((entry) => entry.message.event === event)
      .map((entry) => entry.message.data as MessageData<E>);
  }

  send(event: string, payload: unknown): void {
    for (const socket of this.sockets) socket.emit(event, payload);
  }

  private async handleHttp(req: IncomingMessage, res: import('node:http').ServerResponse): Promise<void> {
    if (req.method === 'POST' && req.url === '/api/agent/frames') {
      const chunks: Buffer[] = [];
      for await (const chunk of req) chunks.push(chunk as Buffer);
      this.frames.push({
        authorization: req.headers.authorization,
        contentType: req.headers['content-type'],
        bytes: Buffer.concat(chunks),
      });
      res.writeHead(202).end();
    } else if (!req.url?.startsWith('/socket.io/')) {
      res.writeHead(404).end();
    }
  }
}

describe('AgentRuntime against a socket.io stand-in for Farmhand', () => {
  let farm: OctoPrintFarm;
  let server: FakeFarmhand;
  let runtime: AgentRuntime;
  let port: number;

  beforeEach(async () => {
    farm = new OctoPrintFarm({ printers: 1, timeScale: 20, apiKey: 'sim-key' });
    await farm.start();
    server = new FakeFarmhand();
    port = await server.start();
  });

  afterEach(async () => {
    // Whatever a test did, everything the agent sent must have passed the protocol's validation.
    expect(server.invalid).toEqual([]);
    await runtime?.stop();
    await server.stop();
    await farm.stop();
  });

  function startAgent(overrides: Partial<ConstructorParameters<typeof AgentRuntime>[0]> = {}) {
    const logger = silentLogger();
    const backend = new OctoPrintClient({ baseUrl: farm.url(0), apiKey: 'sim-key', logger, pollIntervalMs: 200 });
    runtime = new AgentRuntime({
      serverUrl: `http://127.0.0.1:${port}`,
      credential: CREDENTIAL,
      backend,
      logger,
      backoff: { baseMs: 50, capMs: 400 },
      statusMinIntervalMs: 50,
      statusRoutineIntervalMs: 200,
      ...overrides,
    });
    return runtime.start();
  }

  const command = (input: Omit<CommandInput, 'id'> & { id?: string }) => ({ id: randomUUID(), ...input });

  it('authenticates with the credential in the handshake auth payload, never the URL, then says hello', async () => {
    await startAgent();
    await waitFor(() => server.messages('status').some((status) => status.backend === 'ok'), 'status from OctoPrint');
    expect(server.handshakes[0].auth).toEqual({ credential: CREDENTIAL });
    expect(server.handshakes[0].url).not.toContain(CREDENTIAL);
    expect(server.handshakes[0].authorization).toBeUndefined();
    // A hello sent before OctoPrint answered is repeated once its version is known.
    await waitFor(() => server.messages('hello').some((hello) => hello.backendVersion !== null), 'hello with version');
    const hello = server.messages('hello').at(-1)!;
    expect(hello).toMatchObject({
      protocolVersion: 1,
      backend: 'octoprint',
      backendVersion: expect.stringMatching(/^1\./),
    });
    expect(hello.capabilities).toEqual(expect.arrayContaining(['pause', 'dispatch', 'frames']));
    expect(server.messages('status').at(-1)).toMatchObject({ state: 'operational', backend: 'ok' });
    expect(server.invalid).toEqual([]);
  });

  const startPrintAtPrinter = () => {
    farm.printer(0).addFile('part.gcode', Buffer.from(';TIME:6000\n;LAYER_COUNT:40\nG28\n'));
    farm.printer(0).selectFile('part.gcode', true);
  };
  const printEvents = () => server.messages('event').filter((event) => event.type.startsWith('print.'));

  it('credits a cancel Farmhand sent with origin farmhand; one made at the printer has none', async () => {
    await startAgent();
    await waitFor(() => server.sockets.length === 1, 'connection');
    startPrintAtPrinter();
    await waitFor(() => printEvents().some((event) => event.type === 'print.started'), 'started');
    server.send(SERVER_EVENTS.command, command({ type: 'cancel', args: {} }));
    await waitFor(() => printEvents().some((event) => event.type === 'print.cancelled'), 'cancelled');
    expect(printEvents().find((event) => event.type === 'print.cancelled')).toMatchObject({ origin: 'farmhand' });

    startPrintAtPrinter();
    await waitFor(() => printEvents().filter((event) => event.type === 'print.started').length === 2, 'restarted');
    farm.printer(0).cancel();
    await waitFor(() => printEvents().filter((event) => event.type === 'print.cancelled').length === 2, 'cancelled');
    expect(printEvents().filter((event) => event.type === 'print.cancelled')[1]).not.toHaveProperty('origin');
  });

  it('reports a print failed as of the moment the host went, once it stays unreachable past the limit', async () => {
    await startAgent({ unreachableFailAfterSeconds: 1 });
    await waitFor(() => server.sockets.length === 1, 'connection');
    startPrintAtPrinter();
    await waitFor(() => server.messages('status').some((status) => status.state === 'printing'), 'printing');
    const before = Date.now();
    farm.setOffline(0);
    await waitFor(() => printEvents().some((event) => event.type === 'print.failed'), 'failed', 10_000);
    const failed = printEvents().find((event) => event.type === 'print.failed')!;
    expect(failed).toMatchObject({ origin: 'link_lost', job: { fileName: 'part.gcode' } });
    // Dated when the link went (within a poll of going offline), not when the limit passed.
    expect(failed.at).toBeGreaterThanOrEqual(before);
    expect(failed.at).toBeLessThan(before + 1_000);
    expect(failed.reason).toMatch(/unreachable since/);
  });

  it('runs a command delivered twice only once and answers both deliveries alike', async () => {
    await startAgent();
    await waitFor(() => server.sockets.length === 1, 'connection');
    const twice = command({ type: 'gcode', args: { lines: ['M106 S100'] } });
    server.send(SERVER_EVENTS.command, twice);
    server.send(SERVER_EVENTS.command, twice);
    await waitFor(() => server.messages('command_result').length === 2, 'two results');
    const [first, second] = server.messages('command_result');
    expect(first).toMatchObject({ id: twice.id, ok: true });
    expect(second).toEqual(first);
    expect(farm.printer(0).commandLog).toEqual(['M106 S100']);
    expect(runtime.executor.executions).toBe(1);
  });

  it('answers through the socket.io ack when the server asks for one', async () => {
    await startAgent();
    await waitFor(() => server.sockets.length === 1, 'connection');
    const result = await server.sockets[0]
      .timeout(5_000)
      .emitWithAck(SERVER_EVENTS.command, command({ type: 'temperature', args: { heater: 'bed', target: 45 } }));
    expect(result).toMatchObject({ ok: true });
    expect(farm.printer(0).bed.target).toBe(45);
  });

  it('refuses blocked G-code and temperatures above its limits', async () => {
    await startAgent();
    await waitFor(() => server.sockets.length === 1, 'connection');
    server.send(SERVER_EVENTS.command, command({ type: 'gcode', args: { lines: ['G28', 'M502'] } }));
    server.send(SERVER_EVENTS.command, command({ type: 'temperature', args: { heater: 'tool0', target: 450 } }));
    await waitFor(() => server.messages('command_result').length === 2, 'two results');
    for (const result of server.messages('command_result')) {
      expect(result).toMatchObject({ ok: false, error: { code: 'blocked' } });
    }
    expect(farm.printer(0).commandLog).toEqual([]);
    expect(farm.printer(0).tool0.target).toBe(0);
  });

  it('answers malformed, unknown and oversized messages with an error and keeps working', async () => {
    await startAgent();
    await waitFor(() => server.sockets.length === 1, 'connection');
    const badId = randomUUID();
    server.send(SERVER_EVENTS.command, { id: badId, type: 'gcode', args: { lines: 'G28' } });
    server.send(SERVER_EVENTS.command, 'not even an object');
    server.send('selfdestruct', { now: true });
    server.send(
      SERVER_EVENTS.command,
      command({ type: 'gcode', args: { lines: ['G4'] }, padding: 'x'.repeat(70_000) } as never),
    );
    await waitFor(() => server.messages('protocol_error').length === 4, 'four protocol errors');
    expect(server.messages('protocol_error').map((error) => error.code)).toEqual([
      'malformed',
      'malformed',
      'unknown_event',
      'too_large',
    ]);
    expect(server.messages('protocol_error')[0]).toMatchObject({ event: 'command', id: badId });
    expect(server.messages('command_result')).toEqual([
      expect.objectContaining({ id: badId, ok: false, error: expect.objectContaining({ code: 'invalid_arguments' }) }),
      expect.objectContaining({ ok: false, error: expect.objectContaining({ code: 'too_large' }) }),
    ]);
    const good = command({ type: 'jog', args: { x: 4 } });
    server.send(SERVER_EVENTS.command, good);
    await waitFor(() => server.messages('command_result').some((result) => result.id === good.id), 'good result');
    expect(farm.printer(0).position.x).toBe(4);
  });

  it('reconnects after the server restarts, resends hello and state, and delivers events from the gap', async () => {
    await startAgent();
    await waitFor(() => server.messages('status').length > 0, 'first status');
    await server.stop();
    const restarted = new FakeFarmhand();
    // While the server is away the agent keeps watching OctoPrint.
    const file = gcodeFile(6_000);
    farm.printer(0).addFile('gap.gcode', Buffer.from(file.text));
    farm.printer(0).selectFile('gap.gcode', true);
    await sleep(300);
    await restarted.start(port);
    server = restarted;
    await waitFor(
      () => server.messages('status').some((status) => status.state === 'printing'),
      'printing status after restart',
    );
    expect(server.messages('hello')).toHaveLength(1);
    expect(server.messages('event').map((event) => event.type)).toContain('print.started');
    expect(server.handshakes.every((handshake) => handshake.auth.credential === CREDENTIAL)).toBe(true);
  });

  it('reconnects after the server closes the connection', async () => {
    await startAgent();
    await waitFor(() => server.sockets.length === 1 && server.messages('hello').length > 0, 'hello');
    server.sockets[0].disconnect(true);
    await waitFor(
      () => server.received.some((entry) => entry.connection === 2 && entry.message.event === 'hello'),
      'hello',
    );
    expect(server.sockets).toHaveLength(2);
  });

  it("honours the server's closing hint: reconnects within its window, not after the long backoff", async () => {
    // A backoff of a minute: only the hint can bring the agent back within the test's wait.
    await startAgent({ backoff: { baseMs: 60_000, capMs: 60_000 } });
    await waitFor(() => server.sockets.length === 1 && server.messages('hello').length > 0, 'hello');
    server.sockets[0]!.emit(SERVER_EVENTS.closing, { reason: 'shutdown', reconnectWithinMs: 200 });
    server.sockets[0]!.disconnect(true);
    await waitFor(
      () => server.received.some((entry) => entry.connection === 2 && entry.message.event === 'hello'),
      'hello on a new connection',
    );
    // It understood the hint (an unknown message would have been answered with a protocol error).
    expect(server.messages('protocol_error')).toEqual([]);
  });

  it('uploads webcam frames while printing with its credential as a bearer token', async () => {
    await startAgent({ frameIntervalSeconds: 1 });
    await waitFor(() => server.sockets.length === 1, 'connection');
    const file = gcodeFile(6_000);
    farm.printer(0).addFile('cam.gcode', Buffer.from(file.text));
    farm.printer(0).selectFile('cam.gcode', true);
    await waitFor(() => server.frames.length > 0, 'a frame', 10_000);
    expect(server.frames[0]).toMatchObject({ authorization: `Bearer ${CREDENTIAL}`, contentType: 'image/jpeg' });
    expect(server.frames[0].bytes.subarray(0, 2)).toEqual(Buffer.from([0xff, 0xd8]));
    const snap = command({ type: 'snapshot' });
    server.send(SERVER_EVENTS.command, snap);
    await waitFor(() => server.messages('command_result').some((result) => result.id === snap.id), 'snapshot result');
    expect(server.messages('command_result').find((result) => result.id === snap.id)).toMatchObject({
      ok: true,
      data: { bytes: expect.any(Number) },
    });
  });

  it('keeps retrying, without crashing, while the server refuses its credential', async () => {
    await startAgent({ credential: 'fh_agent_revoked_credential_000000' });
    await waitFor(() => server.handshakes.length >= 2, 'a retry');
    expect(server.sockets).toHaveLength(0);
    expect(runtime.link.connected).toBe(false);
  });

  it('answers a pause while idle with invalid_state', async () => {
    await startAgent();
    await waitFor(() => server.sockets.length === 1, 'connection');
    server.send(SERVER_EVENTS.command, command({ type: 'pause' }));
    await waitFor(() => server.messages('command_result').length === 1, 'result');
    expect(server.messages('command_result')[0]).toMatchObject({ ok: false, error: { code: 'invalid_state' } });
  });
});
