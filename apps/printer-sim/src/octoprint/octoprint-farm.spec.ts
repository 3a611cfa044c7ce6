import WebSocket from 'ws';

import { sleep, waitFor } from '../../../../test/support/wait-for';
import { OctoPrintFarm } from './octoprint-farm';

const KEY = 'sim key with spaces & symbols ü';

function api(base: string, key = KEY) {
  return async (path: string, init: { method?: string; json?: unknown; form?: FormData } = {}) => {
    const headers: Record<string, string> = { 'X-Api-Key': key };
    let body: string | FormData | undefined;
    if (init.json !== undefined) {
      headers['Content-Type'] = 'application/json';
      body = JSON.stringify(init.json);
    } else if (init.form) {
      body = init.form;
    }
    const response = await fetch(`${base}${path}`, { method: init.method ?? (body ? 'POST' : 'GET'), headers, body });
    const text = await response.text();
    return { status: response.status, body: text ? JSON.parse(text) : null, headers: response.headers };
  };
}

function gcodeForm(name: string, seconds: number, fields: Record<string, string> = {}): FormData {
  const form = new FormData();
  form.append('file', new Blob([`;TIME:${seconds}\nM104 S200\nG1 X1\n`]), name);
  for (const [key, value] of Object.entries(fields)) form.append(key, value);
  return form;
}

/** Collects push messages; `next(type)` resolves with the next message of that type. */
function pushClient(url: string) {
  const socket = new WebSocket(`${url.replace('http', 'ws')}/sockjs/websocket`);
  const messages: Array<{ type: string; payload: any }> = [];
  const waiters: Array<{ type: string; resolve: (payload: any) => void }> = [];
  socket.on('message', (data) => {
    for (const [type, payload] of Object.entries(JSON.parse(data.toString()) as Record<string, unknown>)) {
      messages.push({ type, payload });
      const index = waiters.findIndex((waiter) => waiter.type === type);
      if (index >= 0) waiters.splice(index, 1)[0].resolve(payload);
    }
  });
  return {
    socket,
    messages,
    next: (type: string) => new Promise<any>((resolve) => waiters.push({ type, resolve })),
    opened: new Promise((resolve) => socket.once('open', resolve)),
  };
}

describe('OctoPrintFarm', () => {
  let farm: OctoPrintFarm;

  beforeEach(async () => {
    farm = new OctoPrintFarm({ printers: 2, timeScale: 50, apiKey: KEY, portPerPrinter: true });
    await farm.start();
  });

  afterEach(() => farm.stop());

  it('answers a wrong or missing API key with 403 and a right one with the version', async () => {
    expect((await api(farm.url(0), 'wrong')('/api/version')).status).toBe(403);
    expect((await fetch(`${farm.url(0)}/api/version`)).status).toBe(403);
    expect(await api(farm.url(0))('/api/version')).toMatchObject({
      status: 200,
      body: { api: '0.1', server: expect.stringMatching(/^1\.1\d\./), text: expect.stringContaining('OctoPrint') },
    });
  });

  it('serves each printer under its path prefix and on its own port', async () => {
    const viaPrefix = await api(farm.url(1))('/api/settings');
    const viaPort = await api(farm.directUrl(1))('/api/settings');
    expect(viaPrefix.body.appearance.name).toBe('Virtual printer 1');
    expect(viaPort.body.appearance.name).toBe('Virtual printer 1');
    expect(viaPrefix.body.webcam.snapshotUrl).toBe(`${farm.url(1)}/webcam/?action=snapshot`);
  });

  it('logs in passively and returns a session', async () => {
    const login = await api(farm.url(0))('/api/login', { json: { passive: true } });
    expect(login).toMatchObject({ status: 200, body: { name: 'farmhand', session: expect.any(String) } });
  });

  it('answers /api/printer with 409 while the printer is not connected', async () => {
    const call = api(farm.url(0));
    expect((await call('/api/connection', { json: { command: 'disconnect' } })).status).toBe(204);
    expect((await call('/api/printer')).status).toBe(409);
    expect((await call('/api/connection')).body.current.state).toBe('Offline');
    expect((await call('/api/job')).status).toBe(200);
  });

  it('answers a start with no file selected with 204 and does nothing', async () => {
    const call = api(farm.url(0));
    expect((await call('/api/job', { json: { command: 'start' } })).status).toBe(204);
    expect(farm.printer(0).phase).toBe('operational');
    expect((await call('/api/job', { json: { command: 'pause', action: 'pause' } })).status).toBe(409);
    expect((await call('/api/job', { json: { command: 'explode' } })).status).toBe(400);
  });

  it('uploads multipart G-code, selects it with {"command":"select"} and prints it', async () => {
    const call = api(farm.url(0));
    const upload = await call('/api/files/local', { form: gcodeForm('part.gcode', 600) });
    expect(upload.status).toBe(201);
    expect(upload.headers.get('location')).toBe(`${farm.url(0)}/api/files/local/part.gcode`);
    expect(upload.body).toMatchObject({ done: true, files: { local: { name: 'part.gcode', origin: 'local' } } });
    expect(farm.printer(0).phase).toBe('operational');
    expect((await call('/api/files')).body.files).toEqual([expect.objectContaining({ path: 'part.gcode', size: 26 })]);
    expect((await call('/api/files/local/missing.gcode', { json: { command: 'select' } })).status).toBe(404);
    expect((await call('/api/files/local/part.gcode', { json: { command: 'select', print: true } })).status).toBe(204);
    const job = await call('/api/job');
    expect(job.body).toMatchObject({
      state: 'Printing',
      job: { file: { name: 'part.gcode' }, estimatedPrintTime: 600 },
    });
    expect((await call('/api/printer/printhead', { json: { command: 'jog', x: 10 } })).status).toBe(409);
    expect((await call('/api/files/local', { form: gcodeForm('other.gcode', 60, { print: 'true' }) })).status).toBe(
      409,
    );
  });

  it('pauses, resumes and cancels through /api/job', async () => {
    const call = api(farm.url(0));
    await call('/api/files/local', { form: gcodeForm('a.gcode', 6_000, { print: 'true' }) });
    expect((await call('/api/job', { json: { command: 'pause', action: 'pause' } })).status).toBe(204);
    await waitFor(() => farm.printer(0).phase === 'paused', 'the printer paused');
    expect((await call('/api/job', { json: { command: 'pause', action: 'resume' } })).status).toBe(204);
    expect(farm.printer(0).phase).toBe('printing');
    expect((await call('/api/job', { json: { command: 'cancel' } })).status).toBe(204);
    await waitFor(() => farm.printer(0).phase === 'operational', 'the printer operational again');
  });

  it('sets temperatures, homes, jogs and takes G-code', async () => {
    const call = api(farm.url(0));
    expect((await call('/api/printer/tool', { json: { command: 'target', targets: { tool0: 205 } } })).status).toBe(
      204,
    );
    expect((await call('/api/printer/bed', { json: { command: 'target', target: 55 } })).status).toBe(204);
    expect((await call('/api/printer/tool', { json: { command: 'target', targets: { tool0: 'hot' } } })).status).toBe(
      400,
    );
    expect((await call('/api/printer/printhead', { json: { command: 'jog', x: 5, y: -2 } })).status).toBe(204);
    expect(farm.printer(0).position).toMatchObject({ x: 5, y: -2 });
    expect((await call('/api/printer/printhead', { json: { command: 'home', axes: ['x', 'y'] } })).status).toBe(204);
    expect((await call('/api/printer/command', { json: { commands: ['M106 S255', 'M107'] } })).status).toBe(204);
    expect(farm.printer(0)).toMatchObject({ tool0: { target: 205 }, bed: { target: 55 }, position: { x: 0, y: 0 } });
    expect(farm.printer(0).commandLog).toEqual(['M106 S255', 'M107']);
  });

  it('pushes connected, then history and current only after auth, and events', async () => {
    const login = await api(farm.url(0))('/api/login', { json: { passive: true } });
    const push = pushClient(farm.url(0));
    const connected = await push.next('connected');
    expect(connected.version).toMatch(/^1\.1\d\./);
    push.socket.send(JSON.stringify({ auth: 'farmhand:not-a-session' }));
    push.socket.send(JSON.stringify({ auth: `${login.body.name}:${login.body.session}` }));
    expect((await push.next('history')).state.text).toBe('Operational');
    // The socket answers in order: whatever the bad auth had earned would have come before the good auth's history.
    const types = push.messages.map((message) => message.type);
    expect(types.slice(0, types.indexOf('history'))).toEqual(['connected']);
    const current = await push.next('current');
    expect(current).toMatchObject({ state: { flags: { operational: true } }, temps: [expect.anything()] });
    await api(farm.url(0))('/api/files/local', { form: gcodeForm('b.gcode', 600, { print: 'true' }) });
    const isStart = (message: { type: string; payload: any }) =>
      message.type === 'event' && message.payload.type === 'PrintStarted';
    await waitFor(() => push.messages.some(isStart), 'the PrintStarted event');
    expect(push.messages.find(isStart)!.payload.payload).toMatchObject({
      name: 'b.gcode',
      path: 'b.gcode',
      origin: 'local',
    });
    push.socket.close();
  });

  it('sends current only while the printer is connected', async () => {
    const login = await api(farm.url(0))('/api/login', { json: { passive: true } });
    const push = pushClient(farm.url(0));
    await push.next('connected');
    push.socket.send(JSON.stringify({ auth: `farmhand:${login.body.session}` }));
    await push.next('current');
    farm.printer(0).disconnect();
    // A negative assertion with no later message to wait on: settle (one in flight may land), then watch for over a
    // second, several push periods, and see no new `current`.
    await sleep(200);
    const count = push.messages.filter((message) => message.type === 'current').length;
    await sleep(1_200);
    expect(push.messages.filter((message) => message.type === 'current').length).toBe(count);
    push.socket.close();
  });

  it('drops requests and push sockets of a printer told to go offline', async () => {
    const push = pushClient(farm.url(1));
    await push.opened;
    const closed = new Promise((resolve) => push.socket.once('close', resolve));
    await fetch(`${farm.baseUrl}/sim/p/1/offline`, { method: 'POST' });
    await closed;
    await expect(api(farm.url(1))('/api/version')).rejects.toThrow();
    expect((await api(farm.url(0))('/api/version')).status).toBe(200);
    await fetch(`${farm.baseUrl}/sim/p/1/online`, { method: 'POST' });
    expect((await api(farm.url(1))('/api/version')).status).toBe(200);
  });

  it('serves webcam JPEGs that change when the print turns to spaghetti', async () => {
    const snapshot = async () =>
      Buffer.from(await (await fetch(`${farm.url(0)}/webcam/?action=snapshot`)).arrayBuffer());
    await api(farm.url(0))('/api/files/local', { form: gcodeForm('c.gcode', 6_000, { print: 'true' }) });
    const normal = await snapshot();
    expect(normal.subarray(0, 2)).toEqual(Buffer.from([0xff, 0xd8]));
    await fetch(`${farm.baseUrl}/sim/p/0/spaghetti`, { method: 'POST' });
    const spaghetti = await snapshot();
    expect(spaghetti.subarray(0, 2)).toEqual(Buffer.from([0xff, 0xd8]));
    expect(spaghetti.equals(normal)).toBe(false);
  });

  it('fails a print on demand', async () => {
    await api(farm.url(0))('/api/files/local', { form: gcodeForm('d.gcode', 6_000, { print: 'true' }) });
    const response = await fetch(`${farm.baseUrl}/sim/p/0/fail`, { method: 'POST', body: '{"message":"heater"}' });
    expect(await response.json()).toMatchObject({ phase: 'error' });
    expect((await api(farm.url(0))('/api/connection')).body.current.state).toBe('Offline after error');
  });

  it('survives malformed requests', async () => {
    const call = api(farm.url(0));
    const bad = await fetch(`${farm.url(0)}/api/job`, {
      method: 'POST',
      headers: { 'X-Api-Key': KEY, 'Content-Type': 'application/json' },
      body: '{"command":',
    });
    expect(bad.status).toBe(400);
    const noBoundary = await fetch(`${farm.url(0)}/api/files/local`, {
      method: 'POST',
      headers: { 'X-Api-Key': KEY, 'Content-Type': 'multipart/form-data' },
      body: 'x',
    });
    expect(noBoundary.status).toBe(400);
    expect((await call('/api/files/local/%E0%A4%A', { json: { command: 'select' } })).status).toBe(400);
    expect((await call('/api/version')).status).toBe(200);
  });
});
