import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';

import type { AgentEvent } from '@farmhand/protocol';

import { OctoPrintFarm } from '../../../printer-sim/src/octoprint/octoprint-farm';
import { BackendError } from '../backend/printer-backend';
import { gcodeFile, silentLogger } from '../testing/test-helpers';
import { OctoPrintClient } from './octoprint.client';
import type { OctoPrintClientOptions } from './octoprint.client';
import { sleep, waitFor } from '../../../../test/support/wait-for';

jest.setTimeout(30_000);

// OctoPrint keys are not limited to hex: any printable Latin-1 must work.
const KEY = 'key with spaces/+=&?#§ü';

describe('OctoPrintClient against the simulator', () => {
  let farm: OctoPrintFarm;
  const clients: OctoPrintClient[] = [];

  beforeEach(async () => {
    farm = new OctoPrintFarm({ printers: 1, timeScale: 20, apiKey: KEY });
    await farm.start();
  });

  afterEach(async () => {
    await Promise.all(clients.splice(0).map((client) => client.stop()));
    await farm.stop();
  });

  function connect(overrides: Partial<OctoPrintClientOptions> = {}) {
    const client = new OctoPrintClient({
      baseUrl: farm.url(0),
      apiKey: KEY,
      logger: silentLogger(),
      pollIntervalMs: 200,
      pushRetryMaxMs: 500,
      startConfirmTimeoutMs: 3_000,
      ...overrides,
    });
    const events: AgentEvent[] = [];
    client.on('event', (event: AgentEvent) => events.push(event));
    clients.push(client);
    return { client, events, printTypes: () => events.filter((e) => e.type.startsWith('print.')).map((e) => e.type) };
  }

  async function printing(client: OctoPrintClient, seconds = 6_000) {
    const file = gcodeFile(seconds);
    await client.uploadAndSelect({ fileName: 'part.gcode', localPath: file.path, size: file.size, print: true });
  }

  it('reports a wrong API key (403) as unauthorized and refuses commands', async () => {
    const { client } = connect({ apiKey: 'wrong key' });
    await client.start();
    expect(client.status()).toMatchObject({ backend: 'unauthorized', state: 'unknown' });
    await expect(client.pause()).rejects.toMatchObject({ code: 'backend_unauthorized' });
    expect(farm.pushClients(0)).toBe(0);
  });

  it('backs off while OctoPrint refuses the key, with one warning that names the problem', async () => {
    let requests = 0;
    const refusing = createServer((_req, res) => {
      requests += 1;
      res.writeHead(403, { 'Content-Type': 'application/json' });
      res.end(JSON.stringify({ error: 'Invalid API key' }));
    });
    await new Promise<void>((resolve) => refusing.listen(0, '127.0.0.1', resolve));
    const warnings: Array<{ reason?: string; message: string }> = [];
    const logger = silentLogger();
    logger.warn = ((object: { reason?: string }, message: string) =>
      warnings.push({ ...object, message })) as unknown as typeof logger.warn;
    try {
      const { client } = connect({
        baseUrl: `http://127.0.0.1:${(refusing.address() as AddressInfo).port}`,
        pollIntervalMs: 50,
        logger,
      });
      await client.start();
      await sleep(1_600);
      // Every 50 ms would be 30 tries; doubling waits (50, 100, 200, 400, 800 ms) make about 5.
      expect(requests).toBeLessThanOrEqual(8);
      expect(client.link()).toBe('unauthorized');
      expect(warnings).toHaveLength(1);
      expect(warnings[0].message).toMatch(/refused the API key/);
      expect(warnings[0].reason).toMatch(/HTTP 403: Invalid API key/);
    } finally {
      refusing.close();
    }
  });

  it('logs in passively and takes status and events from the push socket', async () => {
    // A poll period longer than the test: anything it sees came through the push socket.
    const { client, printTypes } = connect({ pollIntervalMs: 60_000 });
    await client.start();
    await waitFor(() => client.pushActive, 'push socket authentication');
    expect(client.version()).toMatch(/^1\.1\d\./);
    farm.printer(0).setTarget('tool0', 180);
    await waitFor(() => client.status().temperatures.tool0?.target === 180, 'target from a current message');
    await printing(client);
    await waitFor(() => client.status().state === 'printing', 'printing state');
    await waitFor(() => (client.status().progress ?? 0) > 0, 'progress');
    expect(printTypes()).toEqual(['print.started']);
    farm.printer(0).disconnect();
    await waitFor(() => client.status().state === 'offline', 'offline state');
    expect(printTypes()).toEqual(['print.started', 'print.failed']);
  });

  it('falls back to polling while the push socket is refused, then returns to it', async () => {
    farm.setPushEnabled(0, false);
    const { client, printTypes } = connect();
    await client.start();
    // Nothing to wait for: the refused socket is the absence of an event. A few push retries' time, then check.
    await sleep(300);
    expect(client.pushActive).toBe(false);
    const file = gcodeFile(6_000);
    farm.printer(0).addFile('direct.gcode', Buffer.from(file.text));
    farm.printer(0).selectFile('direct.gcode', true);
    await waitFor(() => client.status().state === 'printing', 'printing seen by polling');
    expect(client.status().job?.fileName).toBe('direct.gcode');
    expect(printTypes()).toEqual(['print.started']);
    farm.setPushEnabled(0, true);
    await waitFor(() => client.pushActive, 'push socket back');
    farm.printer(0).pause('pause');
    await waitFor(() => client.status().state === 'paused', 'paused');
    expect(printTypes()).toEqual(['print.started', 'print.paused']);
  });

  it('keeps polling when the socket dies mid-session', async () => {
    const { client } = connect({ pushRetryMaxMs: 60_000 });
    await client.start();
    await waitFor(() => client.pushActive, 'push socket');
    farm.setPushEnabled(0, false);
    await waitFor(() => !client.pushActive, 'push socket loss');
    farm.printer(0).setTarget('bed', 70);
    await waitFor(() => client.status().temperatures.bed?.target === 70, 'bed target seen by polling');
  });

  it('uploads, selects and prints, reporting the dispatched file', async () => {
    const { client, events } = connect();
    await client.start();
    const file = gcodeFile(6_000);
    const sha256 = 'c'.repeat(64);
    const result = await client.uploadAndSelect({
      fileName: 'bracket.gcode',
      localPath: file.path,
      size: file.size,
      sha256,
      copyId: 'copy-7',
      print: true,
    });
    expect(result).toEqual({ path: 'bracket.gcode', printing: true });
    expect(farm.printer(0).files.get('bracket.gcode')?.size).toBe(file.size);
    expect(farm.printer(0).phase).toBe('printing');
    await waitFor(() => events.some((event) => event.type === 'print.started'), 'print.started');
    const started = events.find((event) => event.type === 'print.started');
    expect(started).toMatchObject({ job: { fileName: 'bracket.gcode', sha256, copyId: 'copy-7' } });
    expect(client.status().job).toEqual({ fileName: 'bracket.gcode', sha256, copyId: 'copy-7' });
  });

  it('refuses to upload over a running print', async () => {
    const { client } = connect();
    await client.start();
    await printing(client);
    const file = gcodeFile(60);
    await expect(
      client.uploadAndSelect({ fileName: 'other.gcode', localPath: file.path, size: file.size, print: true }),
    ).rejects.toMatchObject({ code: 'invalid_state' });
    expect(farm.printer(0).files.has('other.gcode')).toBe(false);
  });

  it('pauses, resumes and cancels, reporting each event once', async () => {
    const { client, printTypes } = connect();
    await client.start();
    await printing(client);
    await client.pause();
    await waitFor(() => client.status().state === 'paused', 'paused');
    await client.resume();
    await waitFor(() => client.status().state === 'printing', 'printing again');
    await client.cancel();
    await waitFor(() => client.status().state === 'operational', 'operational after cancel');
    await waitFor(() => printTypes().includes('print.cancelled'), 'the cancelled event');
    // "Once": no event comes after the last one to prove a duplicate absent, so give one a moment to show up.
    await sleep(300);
    expect(printTypes()).toEqual(['print.started', 'print.paused', 'print.resumed', 'print.cancelled']);
    await expect(client.pause()).rejects.toMatchObject({ code: 'invalid_state' });
  });

  it('does not trust the 204 OctoPrint gives a start without a selected file', async () => {
    const { client } = connect({ usePushSocket: false, pollIntervalMs: 60_000, startConfirmTimeoutMs: 1_000 });
    await expect(
      (async () => {
        await client.start();
        return client.startPrint();
      })(),
    ).rejects.toMatchObject({ code: 'invalid_state', message: 'no file is selected on OctoPrint' });
    // Stale knowledge: the agent believes a file is selected, OctoPrint no longer has one.
    farm.printer(0).addFile('gone.gcode', Buffer.from(gcodeFile(60).text));
    farm.printer(0).selectFile('gone.gcode', false);
    await client['monitor'].poll();
    farm.printer(0).selected = null;
    const error = await client.startPrint().catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(BackendError);
    expect(error).toMatchObject({ code: 'invalid_state', message: expect.stringContaining('no print began') });
    expect(farm.printer(0).phase).toBe('operational');
  });

  it('homes, jogs, sets temperatures, sends G-code and connects', async () => {
    const { client } = connect();
    await client.start();
    await client.jog({ x: 12, z: 3, absolute: false });
    expect(farm.printer(0).position).toMatchObject({ x: 12, z: 3 });
    await client.home(['x']);
    expect(farm.printer(0).position).toMatchObject({ x: 0, z: 3 });
    await client.setTemperature({ heater: 'tool0', target: 190 });
    await client.setTemperature({ heater: 'bed', target: 50 });
    expect(farm.printer(0)).toMatchObject({ tool0: { target: 190 }, bed: { target: 50 } });
    await client.sendGcode(['M106 S128']);
    expect(farm.printer(0).commandLog).toEqual(['M106 S128']);
    await client.disconnect();
    await waitFor(() => client.status().state === 'offline', 'offline');
    await expect(client.home(['x'])).rejects.toMatchObject({ code: 'invalid_state' });
    await client.connect({});
    await waitFor(() => client.status().state === 'operational', 'operational');
  });

  it('takes a webcam snapshot from the URL in /api/settings', async () => {
    const { client } = connect();
    await client.start();
    const jpeg = await client.snapshot();
    expect(jpeg.subarray(0, 2)).toEqual(Buffer.from([0xff, 0xd8]));
  });

  it('reports OctoPrint unreachable while its host is down and recovers', async () => {
    const { client, events } = connect();
    await client.start();
    farm.setOffline(0);
    await waitFor(() => client.status().backend === 'unreachable', 'unreachable');
    expect(client.status().state).toBe('unknown');
    await expect(client.cancel()).rejects.toMatchObject({ code: 'backend_unreachable' });
    farm.setOnline(0);
    await waitFor(() => client.status().backend === 'ok', 'reachable again');
    const links = events.filter((event) => event.type === 'connection.changed' && event.link === 'backend');
    expect(links.map((event) => (event.type === 'connection.changed' ? event.connected : null))).toEqual([
      true,
      false,
      true,
    ]);
  });
});
