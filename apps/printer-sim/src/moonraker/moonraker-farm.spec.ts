import { createHash } from 'node:crypto';

import WebSocket from 'ws';

import { MoonrakerFarm } from './moonraker-farm';

jest.setTimeout(20_000);

const KEY = 'conformance-key';

/**
 * The simulated Moonraker checked against Moonraker's documented external API (docs/external_api/*.md): JSON-RPC 2.0
 * framing and error codes, method names and result fields, the `notify_status_update` params `[diff, eventtime]`
 * carrying changed fields only, and the file upload's form fields, answers and status codes.
 */
describe('simulated Moonraker conformance', () => {
  let farm: MoonrakerFarm;
  beforeEach(async () => {
    farm = new MoonrakerFarm({ printers: 1, timeScale: 50, apiKey: KEY });
    await farm.start();
  });
  afterEach(() => farm.stop());

  async function open(headers: Record<string, string> = { 'X-Api-Key': KEY }) {
    const socket = new WebSocket(`${farm.url(0).replace('http', 'ws')}/websocket`, { headers });
    const inbox: Array<Record<string, unknown>> = [];
    socket.on('message', (data) => inbox.push(JSON.parse(String(data)) as Record<string, unknown>));
    await new Promise((resolve, reject) => socket.once('open', resolve).once('error', reject));
    let id = 0;
    const call = async (method: string, params?: unknown) => {
      const mine = ++id;
      socket.send(JSON.stringify({ jsonrpc: '2.0', method, params, id: mine }));
      const deadline = Date.now() + 5_000;
      while (Date.now() < deadline) {
        const answer = inbox.find((message) => message.id === mine);
        if (answer) return answer;
        await new Promise((resolve) => setTimeout(resolve, 10));
      }
      throw new Error(`no answer to ${method}`);
    };
    return { socket, inbox, call };
  }

  it('answers identify with a connection id and refuses an unknown client type with -32602', async () => {
    const { socket, call } = await open();
    const bad = await call('server.connection.identify', { client_name: 'x', version: '1', type: 'robot' });
    expect(bad).toMatchObject({ jsonrpc: '2.0', error: { code: -32602 } });
    const good = await call('server.connection.identify', { client_name: 'x', version: '1', type: 'agent' });
    expect(good).toMatchObject({ jsonrpc: '2.0', result: { connection_id: expect.any(Number) } });
    expect(await call('no.such.method')).toMatchObject({ error: { code: -32601 } });
    socket.close();
  });

  it('needs the API key: a wrong header is refused at the upgrade, no header leaves calls unauthorized', async () => {
    await expect(open({ 'X-Api-Key': 'wrong' })).rejects.toThrow(/401/);
    const { socket, call } = await open({});
    expect(await call('server.info')).toMatchObject({ error: { code: 401 } });
    const identified = await call('server.connection.identify', {
      client_name: 'x',
      version: '1',
      type: 'agent',
      api_key: KEY,
    });
    expect(identified).toMatchObject({ result: { connection_id: expect.any(Number) } });
    expect(await call('server.info')).toMatchObject({ result: { klippy_state: 'ready', klippy_connected: true } });
    socket.close();
  });

  it('subscribes, then pushes notify_status_update with [diff, eventtime] holding changed fields only', async () => {
    const { socket, inbox, call } = await open();
    const answer = await call('printer.objects.subscribe', {
      objects: { extruder: ['temperature', 'target'], webhooks: null },
    });
    expect(answer).toMatchObject({
      result: {
        eventtime: expect.any(Number),
        status: { extruder: { temperature: 22, target: 0 }, webhooks: { state: 'ready' } },
      },
    });
    farm.printer(0).setTarget('tool0', 200);
    const deadline = Date.now() + 5_000;
    while (!inbox.some((message) => message.method === 'notify_status_update') && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    const update = inbox.find((message) => message.method === 'notify_status_update')!;
    const [diff, eventtime] = update.params as [Record<string, Record<string, unknown>>, number];
    expect(typeof eventtime).toBe('number');
    expect(Object.keys(diff)).toEqual(['extruder']);
    expect(diff.extruder.target).toBe(200);
    expect(diff.webhooks).toBeUndefined();
    socket.close();
  });

  it('uploads to root gcodes with a SHA-256 checksum (201, item), refuses a wrong checksum with 422', async () => {
    const text = ';TIME:600\nG28\n';
    const form = (checksum: string) => {
      const body = new FormData();
      body.append('root', 'gcodes');
      body.append('checksum', checksum);
      body.append('file', new Blob([text]), 'cube.gcode');
      return body;
    };
    const url = `${farm.url(0)}/server/files/upload`;
    const wrong = await fetch(url, { method: 'POST', body: form('0'.repeat(64)), headers: { 'X-Api-Key': KEY } });
    expect(wrong.status).toBe(422);
    const sha = createHash('sha256').update(text).digest('hex');
    const ok = await fetch(url, { method: 'POST', body: form(sha), headers: { 'X-Api-Key': KEY } });
    expect(ok.status).toBe(201);
    expect(await ok.json()).toMatchObject({
      item: { path: 'cube.gcode', root: 'gcodes', size: text.length },
      print_started: false,
      action: 'create_file',
    });
    const anonymous = await fetch(url, { method: 'POST', body: form(sha) });
    expect(anonymous.status).toBe(401);
  });

  it('sends notify_klippy_shutdown on an emergency stop and lists webcams with snapshot_url', async () => {
    const { socket, inbox, call } = await open();
    await call('server.connection.identify', { client_name: 'x', version: '1', type: 'agent' });
    const webcams = (await call('server.webcams.list')) as { result: { webcams: Array<Record<string, unknown>> } };
    expect(webcams.result.webcams[0]).toMatchObject({
      enabled: true,
      snapshot_url: expect.stringContaining('/webcam/'),
    });
    expect(await call('printer.emergency_stop')).toMatchObject({ result: 'ok' });
    const deadline = Date.now() + 3_000;
    while (!inbox.some((message) => message.method === 'notify_klippy_shutdown') && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    expect(inbox.some((message) => message.method === 'notify_klippy_shutdown')).toBe(true);
    expect(await call('printer.info')).toMatchObject({ result: { state: 'shutdown' } });
    expect(await call('printer.print.start', { filename: 'x.gcode' })).toMatchObject({ error: { code: 503 } });
    socket.close();
  });
});
