import { randomUUID } from 'node:crypto';
import {
  CAMERA_LIMITS,
  DASHBOARD_EVENTS,
  DASHBOARD_NAMESPACE,
  type CameraFrameMessage,
  type CameraWallAnswer,
  type CameraWatchAnswer,
} from '@farmhand/dashboard';
import { MAX_LIVE_FRAME_BYTES, type ProtocolError } from '@farmhand/protocol';
import { createTeam, insertPrinter, issueAgentCredential, type Team } from '@farmhand/factories';
import { sleep, startApi, waitFor, type ApiHarness, type HttpClient } from '@farmhand/testing';
import sharp from 'sharp';
import { io, type Socket } from 'socket.io-client';
import type { AgentRuntime } from '../../apps/agent/src/runtime/agent-runtime';
import type { OctoPrintFarm } from '../../apps/printer-sim/src/octoprint/octoprint-farm';
import { connected, hello, rawAgent, startAgent, startFarm } from '../agents/agent-harness';

/**
 * Live camera: the agent streams only while someone watches, over its own socket; the api relays frames to the
 * watchers of that printer and to nobody else; the agent stops after the last watcher leaves.
 */
describe('live camera', () => {
  let api: ApiHarness;
  let team: Team;
  let other: Team;
  let farm: OctoPrintFarm;
  let agentA: AgentRuntime;
  const sockets: Socket[] = [];

  beforeAll(async () => {
    api = await startApi();
    [team, other] = await Promise.all([createTeam(api, 'Cam'), createTeam(api, 'Rival')]);
    farm = await startFarm(1);
    agentA = await startAgent(api.url, farm, 0, await issueAgentCredential(api, team.printerA));
    await waitFor(() => agentA.link.connected, 'agent A connected');
  });
  afterAll(async () => {
    for (const socket of sockets) socket.disconnect();
    await agentA?.stop();
    await farm?.stop();
    await api?.close();
  });

  async function browser(client: HttpClient, orgId: string): Promise<Socket> {
    const cookie = client.cookie('fh_session');
    const socket = io(`${api.url}${DASHBOARD_NAMESPACE}`, {
      transports: ['websocket'],
      reconnection: false,
      forceNew: true,
      auth: { orgId },
      extraHeaders: cookie ? { cookie: `fh_session=${cookie}` } : {},
    });
    sockets.push(socket);
    // The resync follows the connection once the socket is registered as a watcher.
    await new Promise<void>((resolve, reject) => {
      socket.once(DASHBOARD_EVENTS.resync, () => resolve());
      socket.once('connect_error', reject);
    });
    return socket;
  }

  function watch(socket: Socket, request: unknown): Promise<CameraWatchAnswer> {
    return socket.timeout(5_000).emitWithAck(DASHBOARD_EVENTS.cameraWatch, request) as Promise<CameraWatchAnswer>;
  }

  function frames(socket: Socket): CameraFrameMessage[] {
    const received: CameraFrameMessage[] = [];
    socket.on(DASHBOARD_EVENTS.cameraFrame, (frame: CameraFrameMessage) => received.push(frame));
    return received;
  }

  async function expectStreamStops(): Promise<void> {
    await waitFor(() => !agentA.camera.streaming, 'the agent to stop streaming', CAMERA_LIMITS.leaseMs + 4_000);
    const sent = agentA.camera.sent;
    await sleep(1_500);
    expect(agentA.camera.sent).toBe(sent);
  }

  it('streams JPEG frames to a watcher only while it watches, and the agent stops after it leaves', async () => {
    expect(agentA.camera.streaming).toBe(false);
    const owner = await browser(team.owner.client, team.orgId);
    const received = frames(owner);
    expect(await watch(owner, { printerId: team.printerA.id, fps: 5 })).toEqual({ ok: true, fps: 5 });
    await waitFor(() => received.length >= 3, 'three live frames');
    expect(agentA.camera.streaming).toBe(true);
    const [first] = received;
    expect(first!.printerId).toBe(team.printerA.id);
    const jpeg = Buffer.from(first!.jpeg as Uint8Array);
    expect([...jpeg.subarray(0, 2)]).toEqual([0xff, 0xd8]);
    expect(received.map((frame) => frame.seq)).toEqual([...received.map((frame) => frame.seq)].sort((a, b) => a - b));

    expect(
      await owner.timeout(5_000).emitWithAck(DASHBOARD_EVENTS.cameraUnwatch, { printerId: team.printerA.id }),
    ).toEqual({ ok: true });
    await expectStreamStops();
    const after = received.length;
    await sleep(500);
    expect(received.length).toBe(after);
  });

  it('keeps streaming while a second watcher stays, and stops when the last one disconnects', async () => {
    const [first, second] = await Promise.all([
      browser(team.owner.client, team.orgId),
      browser(team.viewer.client, team.orgId),
    ]);
    const toSecond = frames(second);
    expect((await watch(first, { printerId: team.printerA.id })).ok).toBe(true);
    expect((await watch(second, { printerId: team.printerA.id, fps: 2 })).ok).toBe(true);
    await waitFor(() => toSecond.length >= 1, 'a frame for the second watcher');
    first.disconnect();
    // Past a lease: the remaining watcher's renewals keep the stream alive.
    await sleep(CAMERA_LIMITS.leaseMs + 1_000);
    expect(agentA.camera.streaming).toBe(true);
    const before = toSecond.length;
    await waitFor(() => toSecond.length > before, 'frames after the first watcher left');
    second.disconnect();
    await expectStreamStops();
  });

  it('a viewer may watch (read) and gets frames, but the socket gives no control', async () => {
    const viewer = await browser(team.viewer.client, team.orgId);
    const received = frames(viewer);
    expect((await watch(viewer, { printerId: team.printerA.id, fps: 3 })).ok).toBe(true);
    await waitFor(() => received.length >= 1, 'a frame for the viewer');
    viewer.disconnect();
    await expectStreamStops();
  });

  it('refuses a fleet-limited member watching a printer of another fleet, and the agent does not stream', async () => {
    const limited = await browser(team.fleetOperator.client, team.orgId);
    const received = frames(limited);
    expect(await watch(limited, { printerId: team.printerB.id })).toEqual({
      ok: false,
      error: { code: 'printer_not_found', message: 'Printer not found' },
    });
    // Their own fleet's printer is fine.
    expect((await watch(limited, { printerId: team.printerA.id })).ok).toBe(true);
    await waitFor(() => received.length >= 1, 'a frame of the own fleet');
    expect(received.every((frame) => frame.printerId === team.printerA.id)).toBe(true);
    limited.disconnect();
    await expectStreamStops();
  });

  it("refuses watching another organization's printer, and never relays its frames", async () => {
    const rival = await browser(other.owner.client, other.orgId);
    const received = frames(rival);
    expect(await watch(rival, { printerId: team.printerA.id })).toMatchObject({
      ok: false,
      error: { code: 'printer_not_found' },
    });
    // Someone entitled watches at the same time: the rival still gets nothing.
    const owner = await browser(team.owner.client, team.orgId);
    const toOwner = frames(owner);
    expect((await watch(owner, { printerId: team.printerA.id })).ok).toBe(true);
    await waitFor(() => toOwner.length >= 2, 'frames for the owner');
    expect(received).toEqual([]);
    owner.disconnect();
    rival.disconnect();
    await expectStreamStops();
  });

  it('refuses hostile watch requests with a code naming the field', async () => {
    const owner = await browser(team.owner.client, team.orgId);
    const code = async (request: unknown) => {
      const answer = await watch(owner, request);
      return answer.ok ? 'ok' : answer.error.code;
    };
    expect(await code(null)).toBe('invalid_printer_id');
    expect(await code({ printerId: { $ne: null } })).toBe('invalid_printer_id');
    expect(await code({ printerId: "' OR 1=1 --" })).toBe('invalid_printer_id');
    expect(await code({ printerId: 'x'.repeat(50_000) })).toBe('invalid_printer_id');
    expect(await code({ printerId: team.printerA.id, fps: 1_000 })).toBe('invalid_fps');
    expect(await code({ printerId: team.printerA.id, fps: 'fast' })).toBe('invalid_fps');
    expect(await code({ printerId: randomUUID() })).toBe('printer_not_found');
    await sleep(300);
    expect(agentA.camera.streaming).toBe(false);
    owner.disconnect();
  });

  it('a hostile agent: oversized, non-JPEG and malformed frames are refused; its frames reach only its own watchers', async () => {
    const printer = await insertPrinter(api, team.orgId, team.fleetA, { name: 'raw camera' });
    const credential = await issueAgentCredential(api, printer);
    const agent = rawAgent(api.url, { credential });
    sockets.push(agent);
    await connected(agent);
    agent.emit('hello', hello());
    const errors: ProtocolError[] = [];
    agent.on('protocol_error', (error: ProtocolError) => errors.push(error));
    const streamRequests: unknown[] = [];
    agent.on('camera_stream', (request: unknown) => streamRequests.push(request));

    // A watcher of printer A (not this one), and a watcher of this printer.
    const ofA = await browser(team.owner.client, team.orgId);
    const toA = frames(ofA);
    expect((await watch(ofA, { printerId: team.printerA.id, fps: 1 })).ok).toBe(true);
    const ofRaw = await browser(team.operator.client, team.orgId);
    const toRaw = frames(ofRaw);
    expect((await watch(ofRaw, { printerId: printer.id, fps: 2 })).ok).toBe(true);
    await waitFor(() => streamRequests.length >= 1, 'a camera_stream request at the raw agent');
    expect(streamRequests[0]).toEqual({ fps: 2, leaseMs: CAMERA_LIMITS.leaseMs });

    const soi = Buffer.from([0xff, 0xd8, 0xff, 0xe0]);
    const big = Buffer.concat([soi, Buffer.alloc(MAX_LIVE_FRAME_BYTES + 10)]);
    agent.emit('camera_frame', { seq: 0, capturedAt: Date.now(), jpeg: big });
    agent.emit('camera_frame', { seq: 1, capturedAt: Date.now(), jpeg: Buffer.from('GIF89a not a jpeg') });
    agent.emit('camera_frame', { seq: 2, capturedAt: Date.now(), jpeg: 'ffd8' });
    agent.emit('camera_frame', { seq: -1, capturedAt: Date.now(), jpeg: soi });
    // It claims to be printer A: identity comes from the credential, so this lands on its own watchers only.
    agent.emit('camera_frame', { seq: 3, capturedAt: Date.now(), jpeg: soi, printerId: team.printerA.id });
    await waitFor(() => errors.length >= 4, 'four refusals');
    expect(errors.map((error) => error.code)).toEqual(['malformed', 'malformed', 'malformed', 'malformed']);
    expect(errors[0]!.message).toBe(`jpeg: JPEG must be 4..${MAX_LIVE_FRAME_BYTES} bytes`);
    expect(errors[1]!.message).toContain('jpeg: not a JPEG');
    expect(errors[2]!.message).toContain('jpeg: expected binary JPEG data');
    expect(errors[3]!.message).toContain('seq');
    await waitFor(() => toRaw.length >= 1, 'the valid frame at its own watcher');
    expect(toRaw.map((frame) => [frame.printerId, frame.seq])).toEqual([[printer.id, 3]]);
    await sleep(300);
    expect(toA.every((frame) => frame.printerId === team.printerA.id)).toBe(true);
    expect(toA.some((frame) => frame.seq === 3 && Buffer.from(frame.jpeg as Uint8Array).length === 4)).toBe(false);

    // A payload past the socket's buffer limit closes that socket only; the api and other agents keep going.
    const closed = new Promise((resolve) => agent.once('disconnect', resolve));
    agent.emit('camera_frame', { seq: 4, capturedAt: Date.now(), jpeg: Buffer.alloc(400 * 1024, 0xff) });
    await closed;
    const before = toA.length;
    await waitFor(() => toA.length > before, 'printer A still streaming to its watcher');
    ofA.disconnect();
    ofRaw.disconnect();
    await expectStreamStops();
  });

  describe('camera wall', () => {
    function wall(socket: Socket, request: unknown): Promise<CameraWallAnswer> {
      return socket.timeout(5_000).emitWithAck(DASHBOARD_EVENTS.cameraWall, request) as Promise<CameraWallAnswer>;
    }

    function tiles(socket: Socket): CameraFrameMessage[] {
      const received: CameraFrameMessage[] = [];
      socket.on(DASHBOARD_EVENTS.cameraTile, (frame: CameraFrameMessage) => received.push(frame));
      return received;
    }

    it('shows downscaled tiles of the printers the member may read only, at the wall rate, and stops when cleared', async () => {
      const limited = await browser(team.fleetOperator.client, team.orgId);
      const received = tiles(limited);
      const live = frames(limited);
      const answer = await wall(limited, { printerIds: [team.printerA.id, team.printerB.id, randomUUID()], fps: 2 });
      expect(answer).toEqual({ ok: true, fps: 2, printerIds: [team.printerA.id] });
      await waitFor(() => received.length >= 2, 'two tiles', 10_000);
      expect(received.every((tile) => tile.printerId === team.printerA.id)).toBe(true);
      const metadata = await sharp(Buffer.from(received[0]!.jpeg as Uint8Array)).metadata();
      expect(metadata.format).toBe('jpeg');
      expect(metadata.width).toBeLessThanOrEqual(CAMERA_LIMITS.tileWidth);
      // Tiles only: no full-size frames for a wall.
      expect(live).toEqual([]);
      // At most the wall's top rate (2 fps), with slack for timing.
      const count = received.length;
      await sleep(2_000);
      expect(received.length - count).toBeLessThanOrEqual(6);

      expect(await wall(limited, { printerIds: [] })).toEqual({ ok: true, fps: CAMERA_LIMITS.wallFps, printerIds: [] });
      await expectStreamStops();
      limited.disconnect();
    });

    it('closing the wall page (the socket) stops the stream', async () => {
      const owner = await browser(team.owner.client, team.orgId);
      const received = tiles(owner);
      expect((await wall(owner, { printerIds: [team.printerA.id] })).ok).toBe(true);
      await waitFor(() => received.length >= 1, 'a tile');
      owner.disconnect();
      await expectStreamStops();
    });

    it('refuses hostile wall requests with a code naming the field', async () => {
      const owner = await browser(team.owner.client, team.orgId);
      const code = async (request: unknown) => {
        const answer = await wall(owner, request);
        return answer.ok ? 'ok' : answer.error.code;
      };
      expect(await code(null)).toBe('invalid_printer_ids');
      expect(await code({ printerIds: team.printerA.id })).toBe('invalid_printer_ids');
      expect(await code({ printerIds: [{ $gt: '' }] })).toBe('invalid_printer_ids');
      const many = Array.from({ length: CAMERA_LIMITS.maxWallTiles + 1 }, () => randomUUID());
      expect(await code({ printerIds: many })).toBe('invalid_printer_ids');
      expect(await code({ printerIds: [team.printerA.id], fps: 15 })).toBe('invalid_fps');
      expect(await code({ printerIds: [team.printerA.id], fps: Number.NaN })).toBe('invalid_fps');
      // Another organization's printers are silently left out.
      const rival = await browser(other.owner.client, other.orgId);
      expect(await wall(rival, { printerIds: [team.printerA.id] })).toMatchObject({ ok: true, printerIds: [] });
      await sleep(300);
      expect(agentA.camera.streaming).toBe(false);
      owner.disconnect();
      rival.disconnect();
    });
  });
});
