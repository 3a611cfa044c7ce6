import { randomUUID } from 'node:crypto';

import {
  AGENT_EVENTS,
  MAX_LIVE_FPS,
  MAX_LIVE_FRAME_BYTES,
  MAX_MESSAGE_BYTES,
  PROTOCOL_VERSION,
  SERVER_EVENTS,
  parseAgentMessage,
  parseServerMessage,
} from './index';
import type { Status } from './index';

function status(overrides: Partial<Status> = {}): Status {
  return {
    state: 'printing',
    stateText: 'Printing',
    backend: 'ok',
    temperatures: { tool0: { actual: 210.2, target: 210 }, bed: { actual: 60, target: 60 } },
    job: { fileName: 'benchy.gcode', sha256: 'a'.repeat(64), copyId: 'copy_1' },
    progress: 42.5,
    printTime: 120,
    printTimeLeft: 300,
    z: 1.2,
    error: null,
    sentAt: Date.now(),
    ...overrides,
  };
}

function hello(overrides: Record<string, unknown> = {}) {
  return {
    protocolVersion: PROTOCOL_VERSION,
    agentVersion: '0.1.0',
    backend: 'octoprint',
    backendVersion: '1.10.2',
    capabilities: ['pause', 'resume'],
    startedAt: Date.now(),
    ...overrides,
  };
}

describe('parseAgentMessage', () => {
  it('accepts a hello, a status, events and command results', () => {
    expect(parseAgentMessage(AGENT_EVENTS.hello, hello())).toMatchObject({ ok: true, value: { event: 'hello' } });
    expect(parseAgentMessage(AGENT_EVENTS.status, status())).toMatchObject({ ok: true, value: { event: 'status' } });
    const printEvent = { id: randomUUID(), type: 'print.done', at: 1, job: { fileName: 'a.gcode' }, printTime: 60 };
    expect(parseAgentMessage(AGENT_EVENTS.event, printEvent).ok).toBe(true);
    const linkEvent = { id: randomUUID(), type: 'connection.changed', at: 1, link: 'printer', connected: false };
    expect(parseAgentMessage(AGENT_EVENTS.event, linkEvent).ok).toBe(true);
    const okResult = { id: randomUUID(), ok: true, data: { state: 'paused' }, finishedAt: 1 };
    expect(parseAgentMessage(AGENT_EVENTS.commandResult, okResult).ok).toBe(true);
    const failed = { id: randomUUID(), ok: false, error: { code: 'invalid_state', message: 'idle' }, finishedAt: 1 };
    expect(parseAgentMessage(AGENT_EVENTS.commandResult, failed).ok).toBe(true);
  });

  it('strips unknown keys instead of passing them through', () => {
    const result = parseAgentMessage(AGENT_EVENTS.status, { ...status(), injected: { admin: true } });
    expect(result.ok).toBe(true);
    if (result.ok) expect(Object.keys(result.value.data)).not.toContain('injected');
  });

  it.each([
    ['a number', 42],
    ['undefined', undefined],
    ['an unknown name', 'reboot'],
    ['a prototype key', 'constructor'],
    ['a server-only event', SERVER_EVENTS.command],
  ])('answers unknown_event for an event that is %s', (_label, event) => {
    const result = parseAgentMessage(event, status());
    expect(result).toMatchObject({ ok: false, error: { code: 'unknown_event' } });
  });

  it.each([
    ['null', null],
    ['a string', 'printing'],
    ['an array', [status()]],
    ['a missing field', { ...status(), state: undefined }],
    ['an unknown state', { ...status(), state: 'exploded' }],
    ['a NaN temperature', { ...status(), temperatures: { tool0: { actual: Number.NaN, target: 0 }, bed: null } }],
    ['progress over 100', { ...status(), progress: 101 }],
    ['an error text of 5000 characters', { ...status(), error: 'x'.repeat(5_000) }],
  ])('answers malformed for a status that is %s', (_label, payload) => {
    const result = parseAgentMessage(AGENT_EVENTS.status, payload);
    expect(result).toMatchObject({ ok: false, error: { code: 'malformed', event: 'status' } });
  });

  it('answers too_large for a payload above MAX_MESSAGE_BYTES without validating it', () => {
    const payload = { ...status(), padding: 'x'.repeat(MAX_MESSAGE_BYTES) };
    expect(parseAgentMessage(AGENT_EVENTS.status, payload)).toMatchObject({ ok: false, error: { code: 'too_large' } });
  });

  it('survives cyclic, BigInt and throwing payloads', () => {
    const cyclic: Record<string, unknown> = { ...status() };
    cyclic.self = cyclic;
    expect(parseAgentMessage(AGENT_EVENTS.status, cyclic)).toMatchObject({ ok: false, error: { code: 'malformed' } });
    expect(parseAgentMessage(AGENT_EVENTS.status, { ...status(), z: BigInt(1) })).toMatchObject({ ok: false });
    const throwing = Object.defineProperty({}, 'state', {
      enumerable: true,
      get() {
        throw new Error('boom');
      },
    });
    expect(() => parseAgentMessage(AGENT_EVENTS.status, throwing)).not.toThrow();
    expect(parseAgentMessage(AGENT_EVENTS.status, throwing).ok).toBe(false);
  });

  it('refuses a hello with an unsupported protocol version', () => {
    const result = parseAgentMessage(AGENT_EVENTS.hello, hello({ protocolVersion: 99 }));
    expect(result).toMatchObject({ ok: false, error: { code: 'unsupported_version' } });
  });

  it('echoes the id of a rejected command result so the server can fail it fast', () => {
    const id = randomUUID();
    const result = parseAgentMessage(AGENT_EVENTS.commandResult, { id, ok: true });
    expect(result).toMatchObject({ ok: false, error: { code: 'malformed', id } });
  });

  it('keeps error messages short even when a payload has many issues', () => {
    const result = parseAgentMessage(AGENT_EVENTS.status, {
      temperatures: 'x'.repeat(10_000),
      state: 'y'.repeat(10_000),
    });
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.error.message.length).toBeLessThanOrEqual(500);
  });
});

describe('parseServerMessage', () => {
  const command = (type: string, args?: unknown) => ({
    id: randomUUID(),
    type,
    ...(args === undefined ? {} : { args }),
  });

  it('accepts every command type and fills in argument defaults', () => {
    const cases: Array<[string, unknown]> = [
      ['start', undefined],
      ['pause', {}],
      ['resume', undefined],
      ['cancel', undefined],
      ['home', undefined],
      ['jog', { x: 10, y: -5 }],
      ['temperature', { heater: 'tool0', target: 210 }],
      ['gcode', { lines: ['M106 S255', 'G28 X'] }],
      ['connect', undefined],
      ['disconnect', undefined],
      ['snapshot', undefined],
      [
        'dispatch',
        { url: 'https://files.example/x?sig=abc', sha256: 'b'.repeat(64), fileName: 'part v2.gcode', size: 1234 },
      ],
    ];
    for (const [type, args] of cases) {
      const result = parseServerMessage(SERVER_EVENTS.command, command(type, args));
      expect({ type, ok: result.ok }).toEqual({ type, ok: true });
    }
    const home = parseServerMessage(SERVER_EVENTS.command, command('home'));
    expect(home.ok && home.value.data).toMatchObject({ args: { axes: ['x', 'y', 'z'] } });
    const dispatch = parseServerMessage(
      SERVER_EVENTS.command,
      command('dispatch', { url: 'http://h/x', sha256: 'c'.repeat(64), fileName: 'a.gcode', size: 1 }),
    );
    expect(dispatch.ok && dispatch.value.data).toMatchObject({ args: { print: true } });
  });

  it.each([
    ['an unknown type', command('selfdestruct')],
    ['a non-uuid id', { id: '1', type: 'pause' }],
    ['a jog without axes', command('jog', { speed: 100 })],
    ['a jog too far', command('jog', { x: 1e6 })],
    ['a tool target above the protocol ceiling', command('temperature', { heater: 'tool0', target: 900 })],
    ['a heater that does not exist', command('temperature', { heater: 'chamber', target: 40 })],
    ['G-code smuggling a second line', command('gcode', { lines: ['G28\nM502'] })],
    ['an empty G-code list', command('gcode', { lines: [] })],
    ['too many G-code lines', command('gcode', { lines: Array.from({ length: 101 }, () => 'G4 P0') })],
    [
      'a dispatch with a file: URL',
      command('dispatch', { url: 'file:///etc/passwd', sha256: 'a'.repeat(64), fileName: 'a.gcode', size: 1 }),
    ],
    [
      'a dispatch with a path in the file name',
      command('dispatch', { url: 'https://h/x', sha256: 'a'.repeat(64), fileName: '../../a.gcode', size: 1 }),
    ],
    [
      'a dispatch of a non-G-code file',
      command('dispatch', { url: 'https://h/x', sha256: 'a'.repeat(64), fileName: 'run.sh', size: 1 }),
    ],
    [
      'a dispatch with an uppercase digest',
      command('dispatch', { url: 'https://h/x', sha256: 'A'.repeat(64), fileName: 'a.gcode', size: 1 }),
    ],
  ])('rejects %s as malformed', (_label, payload) => {
    expect(parseServerMessage(SERVER_EVENTS.command, payload)).toMatchObject({
      ok: false,
      error: { code: 'malformed' },
    });
  });

  it('rejects agent-only events and oversized commands', () => {
    expect(parseServerMessage(AGENT_EVENTS.status, status())).toMatchObject({
      ok: false,
      error: { code: 'unknown_event' },
    });
    const huge = command('gcode', { lines: ['G4'], padding: 'x'.repeat(MAX_MESSAGE_BYTES) });
    expect(parseServerMessage(SERVER_EVENTS.command, huge)).toMatchObject({ ok: false, error: { code: 'too_large' } });
  });

  it('accepts a welcome and a protocol error', () => {
    const welcome = { protocolVersion: 1, printerId: 'prn_1', serverTime: Date.now(), frameIntervalSeconds: 5 };
    expect(parseServerMessage(SERVER_EVENTS.welcome, welcome).ok).toBe(true);
    expect(parseServerMessage(SERVER_EVENTS.protocolError, { code: 'rate_limited', message: 'slow down' }).ok).toBe(
      true,
    );
  });

  it('accepts settings with an interval in range, and nothing else', () => {
    expect(parseServerMessage(SERVER_EVENTS.settings, { frameIntervalSeconds: 10 })).toEqual({
      ok: true,
      value: { event: 'settings', data: { frameIntervalSeconds: 10 } },
    });
    for (const bad of [
      {},
      { frameIntervalSeconds: 0 },
      { frameIntervalSeconds: 1.5 },
      { frameIntervalSeconds: '10' },
    ]) {
      expect(parseServerMessage(SERVER_EVENTS.settings, bad)).toMatchObject({
        ok: false,
        error: { code: 'malformed' },
      });
    }
  });
});

describe('live camera messages', () => {
  const jpeg = Buffer.from([0xff, 0xd8, 0xff, 0xd9]);

  it('accepts a binary JPEG frame and counts its bytes, not a JSON rendering of them', () => {
    const big = Buffer.concat([jpeg, Buffer.alloc(100 * 1024)]);
    const parsed = parseAgentMessage(AGENT_EVENTS.cameraFrame, { seq: 1, capturedAt: Date.now(), jpeg: big });
    expect(parsed.ok).toBe(true);
  });

  it('refuses frames over the live limit, without the SOI marker, or not binary', () => {
    const codes = [
      { seq: 1, capturedAt: Date.now(), jpeg: Buffer.concat([jpeg, Buffer.alloc(MAX_LIVE_FRAME_BYTES + 4_096)]) },
      { seq: 1, capturedAt: Date.now(), jpeg: Buffer.concat([jpeg, Buffer.alloc(MAX_LIVE_FRAME_BYTES)]) },
      { seq: 1, capturedAt: Date.now(), jpeg: Buffer.from('GIF89a') },
      { seq: 1, capturedAt: Date.now(), jpeg: 'ffd8ffd9' },
      { seq: 1, capturedAt: Date.now(), jpeg: [0xff, 0xd8, 0xff, 0xd9] },
      { seq: 1.5, capturedAt: Date.now(), jpeg },
    ].map((payload) => {
      const parsed = parseAgentMessage(AGENT_EVENTS.cameraFrame, payload);
      return parsed.ok ? 'ok' : parsed.error.code;
    });
    expect(codes).toEqual(['too_large', 'malformed', 'malformed', 'malformed', 'malformed', 'malformed']);
  });

  it('a camera_stream request is bounded in rate and lease', () => {
    expect(parseServerMessage(SERVER_EVENTS.cameraStream, { fps: 10, leaseMs: 6_000 }).ok).toBe(true);
    expect(parseServerMessage(SERVER_EVENTS.cameraStream, { fps: 0, leaseMs: 6_000 }).ok).toBe(true);
    expect(parseServerMessage(SERVER_EVENTS.cameraStream, { fps: MAX_LIVE_FPS + 1, leaseMs: 6_000 }).ok).toBe(false);
    expect(parseServerMessage(SERVER_EVENTS.cameraStream, { fps: 5, leaseMs: 10 * 60_000 }).ok).toBe(false);
    expect(parseServerMessage(SERVER_EVENTS.cameraStream, { fps: 5 }).ok).toBe(false);
  });
});
