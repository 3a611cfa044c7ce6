import { createHash } from 'node:crypto';

import type { AgentEvent } from '@farmhand/protocol';

import { PRUSALINK_USER, PrusaLinkFarm } from '../../../printer-sim/src/prusalink/prusalink-farm';
import type { PrusaLinkFarmExtras } from '../../../printer-sim/src/prusalink/prusalink-farm';
import { BackendConfigError, MemoryCertificatePins, createBackend } from '../backend/backend-factory';
import { JobLedger } from '../backend/job-ledger';
import { capabilityNames } from '../backend/printer-backend';
import type { BackendStatus } from '../backend/printer-backend';
import { waitFor } from '../../../../test/support/wait-for';
import { gcodeFile, silentLogger } from '../testing/test-helpers';
import { PrusaLinkClient } from './prusalink.client';
import type { PrusaLinkClientOptions } from './prusalink.client';

jest.setTimeout(30_000);

const SECRET = 'prusa-test-secret-0123456789';

describe('PrusaLinkClient against the simulated Prusa Link', () => {
  let farm: PrusaLinkFarm;
  const clients: PrusaLinkClient[] = [];

  async function startFarm(extras: PrusaLinkFarmExtras = {}) {
    farm = new PrusaLinkFarm({ printers: 1, timeScale: 20, apiKey: SECRET }, extras);
    await farm.start();
  }

  afterEach(async () => {
    await Promise.all(clients.splice(0).map((client) => client.stop()));
    await farm?.stop();
  });

  function connect(overrides: Partial<PrusaLinkClientOptions> = {}) {
    const client = new PrusaLinkClient({
      baseUrl: farm.url(0),
      apiKey: SECRET,
      logger: silentLogger(),
      pollIntervalMs: 150,
      startConfirmTimeoutMs: 5_000,
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

  async function upload(client: PrusaLinkClient, seconds = 6_000, print = true) {
    const file = gcodeFile(seconds, 'benchy long name.gcode');
    return client.uploadAndSelect({
      fileName: 'benchy long name.gcode',
      localPath: file.path,
      size: file.size,
      print,
      sha256: createHash('sha256').update(file.text).digest('hex'),
      copyId: 'copy-7',
    });
  }

  it('reads state, temperatures and version with the API key; announces no G-code console', async () => {
    await startFarm();
    const { client } = connect();
    await client.start();
    await waitFor(() => client.status().state === 'operational', 'operational');
    expect(client.status()).toMatchObject({ stateText: 'Idle', backend: 'ok', temperatures: { tool0: { target: 0 } } });
    expect(client.version()).toBe('2.1.2');
    expect(capabilityNames(client.capabilities).sort()).toEqual(
      ['cancel', 'dispatch', 'frames', 'pause', 'resume', 'snapshot', 'start', 'upload.bgcode', 'upload.gcode'].sort(),
    );
    await expect(client.sendGcode()).rejects.toMatchObject({ code: 'unsupported' });
    await expect(client.emergencyStop()).rejects.toMatchObject({ code: 'unsupported' });
    expect(farm.requests.every((request) => request.headers['x-api-key'] === SECRET)).toBe(true);
  });

  it('uploads with Print-After-Upload and Overwrite, then pauses, resumes and stops the job by its id', async () => {
    await startFarm();
    const { client, printTypes } = connect();
    await client.start();
    await waitFor(() => client.status().state === 'operational', 'operational');
    await expect(upload(client)).resolves.toMatchObject({ path: 'benchy long name.gcode', printing: true });
    const put = farm.requests.find((request) => request.method === 'PUT');
    expect(put).toMatchObject({ path: '/api/v1/files/usb/benchy%20long%20name.gcode' });
    expect(put?.headers).toMatchObject({ 'print-after-upload': '?1', overwrite: '?1' });
    await waitFor(() => client.status().state === 'printing', 'printing');
    // The job is named by its long name (Buddy's job `name` is an 8.3 short name) and carries Farmhand's ids.
    expect(client.status().job).toMatchObject({ fileName: 'benchy long name.gcode', copyId: 'copy-7' });
    expect(client.status().temperatures.tool0?.target).toBe(210);
    await client.pause();
    await waitFor(() => client.status().state === 'paused', 'paused');
    await client.resume();
    await waitFor(() => client.status().state === 'printing', 'printing again');
    await client.cancel();
    await waitFor(() => printTypes().includes('print.cancelled'), 'cancelled event');
    expect(printTypes()).toEqual(['print.started', 'print.paused', 'print.resumed', 'print.cancelled']);
    expect(farm.requests.map((request) => `${request.method} ${request.path}`)).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^PUT \/api\/v1\/job\/\d+\/pause$/),
        expect.stringMatching(/^PUT \/api\/v1\/job\/\d+\/resume$/),
        expect.stringMatching(/^DELETE \/api\/v1\/job\/\d+$/),
      ]),
    );
    await waitFor(() => client.status().stateText === 'Stopped', 'stopped');
    expect(client.status().state).toBe('operational');
  });

  it('refuses to pause with no job and to upload over a running print', async () => {
    await startFarm();
    const { client } = connect();
    await client.start();
    await waitFor(() => client.status().state === 'operational', 'operational');
    await expect(client.pause()).rejects.toMatchObject({ code: 'invalid_state' });
    await upload(client);
    await expect(upload(client)).rejects.toMatchObject({ code: 'invalid_state' });
  });

  it('uploads without printing, then starts the stored file', async () => {
    await startFarm();
    const { client, printTypes } = connect();
    await client.start();
    await waitFor(() => client.status().state === 'operational', 'operational');
    await expect(upload(client, 20, false)).resolves.toMatchObject({ selected: false });
    expect(farm.printer(0).phase).toBe('operational');
    await expect(client.startPrint()).resolves.toMatchObject({ printing: true });
    await waitFor(() => printTypes().includes('print.done'), 'done', 15_000);
    expect(client.status().stateText).toBe('Finished');
  });

  it.each([
    ['MD5 with qop=auth (Prusa Link on a Pi)', { digestAlgorithm: 'MD5', digestQop: 'auth' }],
    ['SHA-256', { digestAlgorithm: 'SHA-256', digestQop: 'auth' }],
    ['MD5 without qop (Buddy firmware)', { digestAlgorithm: 'MD5', digestQop: null }],
  ] as const)('authenticates with HTTP Digest: %s', async (_name, extras) => {
    await startFarm(extras);
    const { client } = connect({ apiKey: undefined, username: PRUSALINK_USER, password: SECRET });
    await client.start();
    await waitFor(() => client.status().state === 'operational', 'operational');
    await expect(upload(client, 6_000)).resolves.toMatchObject({ printing: true });
    await client.pause();
    await waitFor(() => client.status().state === 'paused', 'paused');
    expect(farm.requests.some((request) => String(request.headers.authorization).startsWith('Digest '))).toBe(true);
  });

  it('surfaces a wrong password as unauthorized (and a wrong API key), without retrying in a loop', async () => {
    await startFarm();
    const digest = connect({ apiKey: undefined, username: PRUSALINK_USER, password: 'not-the-password' });
    await digest.client.start();
    expect(digest.client.link()).toBe('unauthorized');
    expect(digest.client.status()).toMatchObject({ backend: 'unauthorized', state: 'unknown' });
    expect(digest.events).toContainEqual(
      expect.objectContaining({ type: 'connection.changed', link: 'backend', reason: 'unauthorized' }),
    );
    const key = connect({ apiKey: 'wrong-key' });
    await key.client.start();
    expect(key.client.link()).toBe('unauthorized');
    await expect(upload(key.client)).rejects.toMatchObject({ code: 'backend_unauthorized' });
    expect(farm.printer(0).files.size).toBe(0);
  });

  it('reports an unreachable printer and recovers when it is back', async () => {
    await startFarm();
    const { client } = connect({ reconnectMaxMs: 300 });
    await client.start();
    await waitFor(() => client.status().state === 'operational', 'operational');
    farm.setOffline(0);
    await waitFor(() => client.link() === 'unreachable', 'unreachable');
    farm.setOnline(0);
    await waitFor(() => client.link() === 'ok', 'ok again');
  });

  it('reads fraction progress (the ×0.01 quirk) as percent', async () => {
    await startFarm({ fractionProgress: true });
    const { client } = connect();
    await client.start();
    await waitFor(() => client.status().state === 'operational', 'operational');
    await upload(client, 600);
    await waitFor(() => (client.status().progress ?? 0) > 5, 'progress above 5 %');
    const { progress, printTime, printTimeLeft } = client.status();
    const byTime = (100 * printTime!) / (printTime! + printTimeLeft!);
    expect(Math.abs(progress! - byTime)).toBeLessThan(5);
  });

  it('takes a JPEG camera snapshot, and says so when no camera is set up', async () => {
    await startFarm();
    const { client } = connect();
    const jpeg = await client.snapshot();
    expect(jpeg.subarray(0, 2)).toEqual(Buffer.from([0xff, 0xd8]));
    await farm.stop();
    await startFarm({ camera: false });
    const other = connect();
    await expect(other.client.snapshot()).rejects.toMatchObject({ code: 'unsupported' });
  });

  it('is built by the backend factory from a LAN secret with a key or a password, and refused without', () => {
    const deps = { logger: silentLogger(), ledger: new JobLedger(), pins: new MemoryCertificatePins() };
    const address = 'http://10.0.0.31';
    expect(createBackend({ kind: 'prusalink', address, secret: { apiKey: 'k' } }, deps).kind).toBe('prusalink');
    expect(createBackend({ kind: 'prusalink', address, secret: { username: 'maker', password: 'p' } }, deps).kind).toBe(
      'prusalink',
    );
    expect(() => createBackend({ kind: 'prusalink', address, secret: {} }, deps)).toThrow(BackendConfigError);
  });
});
