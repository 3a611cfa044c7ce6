import { createHash } from 'node:crypto';

import type { AgentEvent } from '@farmhand/protocol';

import { MoonrakerFarm } from '../../../printer-sim/src/moonraker/moonraker-farm';
import type { BackendStatus } from '../backend/printer-backend';
import { sleep, waitFor } from '../../../../test/support/wait-for';
import { gcodeFile, silentLogger } from '../testing/test-helpers';
import { MOONRAKER_CLIENT_NAME, MoonrakerClient } from './moonraker.client';
import type { MoonrakerClientOptions } from './moonraker.client';

jest.setTimeout(30_000);

const KEY = 'moonraker-test-key-0123456789abcdef';

describe('MoonrakerClient against the simulated Moonraker', () => {
  let farm: MoonrakerFarm;
  const clients: MoonrakerClient[] = [];

  beforeEach(async () => {
    farm = new MoonrakerFarm({ printers: 1, timeScale: 20, apiKey: KEY });
    await farm.start();
  });

  afterEach(async () => {
    await Promise.all(clients.splice(0).map((client) => client.stop()));
    await farm.stop();
  });

  function connect(overrides: Partial<MoonrakerClientOptions> = {}) {
    const client = new MoonrakerClient({
      baseUrl: farm.url(0),
      apiKey: KEY,
      logger: silentLogger(),
      statusIntervalMs: 200,
      startConfirmTimeoutMs: 3_000,
      unauthorizedRetryMs: 60_000,
      ...overrides,
    });
    const events: AgentEvent[] = [];
    const statuses: BackendStatus[] = [];
    client.on('event', (event: AgentEvent) => events.push(event));
    client.on('status', (status: BackendStatus) => statuses.push(status));
    clients.push(client);
    return {
      client,
      events,
      statuses,
      printTypes: () => events.filter((e) => e.type.startsWith('print.')).map((e) => e.type),
    };
  }

  async function printing(client: MoonrakerClient, seconds = 6_000) {
    const file = gcodeFile(seconds);
    return client.uploadAndSelect({
      fileName: 'part.gcode',
      localPath: file.path,
      size: file.size,
      print: true,
      sha256: createHash('sha256').update(file.text).digest('hex'),
      copyId: 'copy-1',
    });
  }

  it('identifies as an agent with its own client name and subscribes to the printer objects', async () => {
    const { client } = connect();
    await client.start();
    await waitFor(() => client.status().state === 'operational', 'operational');
    expect(farm.clients(0)).toEqual([{ client_name: MOONRAKER_CLIENT_NAME, type: 'agent' }]);
    const subscribe = farm.calls.find((call) => call.method === 'printer.objects.subscribe');
    expect(Object.keys((subscribe?.params as { objects: object }).objects).sort()).toEqual([
      'display_status',
      'extruder',
      'heater_bed',
      'idle_timeout',
      'print_stats',
      'toolhead',
      'virtual_sdcard',
      'webhooks',
    ]);
    expect(client.version()).toMatch(/^v0\.9/);
    expect(client.address).toBe(farm.url(0));
  });

  it('uploads with the SHA-256 checksum, starts, pauses, resumes and cancels, with one event per change', async () => {
    const { client, printTypes } = connect();
    await client.start();
    await waitFor(() => client.status().state === 'operational', 'operational');
    await expect(printing(client)).resolves.toMatchObject({ path: 'part.gcode', printing: true });
    await waitFor(() => client.status().state === 'printing', 'printing');
    expect(client.status().job).toMatchObject({ fileName: 'part.gcode', copyId: 'copy-1' });
    await client.pause();
    await waitFor(() => client.status().state === 'paused', 'paused');
    await client.resume();
    await waitFor(() => client.status().state === 'printing', 'printing again');
    await client.cancel();
    await waitFor(() => printTypes().includes('print.cancelled'), 'cancelled event');
    expect(printTypes()).toEqual(['print.started', 'print.paused', 'print.resumed', 'print.cancelled']);
    await waitFor(() => client.status().state === 'operational', 'operational after cancel');
  });

  it('reports progress, temperatures and a finished print', async () => {
    const { client, printTypes } = connect();
    await client.start();
    await waitFor(() => client.status().state === 'operational', 'operational');
    await printing(client, 20);
    await waitFor(() => (client.status().progress ?? 0) > 0, 'progress');
    expect(client.status().temperatures.tool0?.target).toBe(210);
    await waitFor(() => printTypes().includes('print.done'), 'done', 10_000);
  });

  it('hands Klipper diffs (every 250 ms) on at its own cadence', async () => {
    const { client, statuses } = connect({ statusIntervalMs: 2_000 });
    await client.start();
    await waitFor(() => client.status().state === 'operational', 'operational');
    const before = statuses.length;
    farm.printer(0).setTarget('tool0', 200); // the hotend now changes every tick
    await sleep(2_100);
    expect(statuses.length - before).toBeLessThanOrEqual(2);
    expect(statuses.at(-1)?.temperatures.tool0?.target).toBe(200);
  });

  it('runs the emergency stop as its own method and shows Klippy shut down', async () => {
    const { client, events } = connect();
    await client.start();
    await waitFor(() => client.status().state === 'operational', 'operational');
    await client.emergencyStop();
    expect(farm.calls.some((call) => call.method === 'printer.emergency_stop')).toBe(true);
    await waitFor(() => /M112/.test(client.status().error ?? ''), 'the shutdown reason');
    expect(client.status().state).toBe('error');
    expect(events.some((e) => e.type === 'connection.changed' && e.link === 'printer' && !e.connected)).toBe(true);
  });

  it('refuses a command Klipper refuses with a clear invalid_state', async () => {
    const { client } = connect();
    await client.start();
    await waitFor(() => client.status().state === 'operational', 'operational');
    await expect(client.pause()).rejects.toMatchObject({
      code: 'invalid_state',
      message: expect.stringMatching(/pause/),
    });
  });

  it('reports a refused API key as unauthorized, names it in a warning and does not hammer Moonraker', async () => {
    const warnings: string[] = [];
    const logger = silentLogger();
    logger.warn = ((_object: unknown, message: string) => warnings.push(message)) as unknown as typeof logger.warn;
    const { client } = connect({ apiKey: 'wrong-key', logger });
    await client.start();
    await waitFor(() => client.link() === 'unauthorized', 'unauthorized');
    expect(client.status().backend).toBe('unauthorized');
    expect(warnings.join('\n')).toMatch(/refused the API key/);
    await sleep(1_500);
    expect(warnings).toHaveLength(1);
    await expect(client.pause()).rejects.toMatchObject({ code: 'backend_unreachable' });
  });

  it('shows the host unreachable and comes back on its own', async () => {
    const { client } = connect({ reconnectMaxMs: 300 });
    await client.start();
    await waitFor(() => client.status().state === 'operational', 'operational');
    farm.setOffline(0);
    await waitFor(() => client.link() === 'unreachable', 'unreachable');
    farm.setOnline(0);
    await waitFor(() => client.status().state === 'operational', 'operational again', 10_000);
  });

  it('takes a snapshot from the webcam Moonraker lists', async () => {
    const { client } = connect();
    await client.start();
    await waitFor(() => client.link() === 'ok', 'link');
    const jpeg = await client.snapshot();
    expect(jpeg.subarray(0, 2)).toEqual(Buffer.from([0xff, 0xd8]));
  });
});
