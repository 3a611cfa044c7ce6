import { createHash } from 'node:crypto';
import { chmodSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import type { AgentEvent } from '@farmhand/protocol';

import { printerCertificate } from '../../../printer-sim/src/bambu/bambu-certificate';
import { BambuSimPrinter } from '../../../printer-sim/src/bambu/bambu-printer-front';
import type { BambuSimOptions } from '../../../printer-sim/src/bambu/bambu-printer-front';
import { plateProject } from '../../../printer-sim/src/bambu/plate-archive';
import { waitFor } from '../../../../test/support/wait-for';
import { silentLogger } from '../testing/test-helpers';
import { BackendError } from '../backend/printer-backend';
import { BambuBackend } from './bambu.backend';
import type { BambuBackendOptions } from './bambu.backend';
import { BackendConfigError, createBackend, MemoryCertificatePins } from '../backend/backend-factory';
import { JobLedger } from '../backend/job-ledger';
import { FileDispatcher } from '../commands/file-dispatcher';

jest.setTimeout(60_000);

const ACCESS_CODE = '31415926';
let serialCounter = 0;

describe('BambuBackend against the simulated Bambu printer (LAN mode)', () => {
  const sims: BambuSimPrinter[] = [];
  const backends: BambuBackend[] = [];

  afterEach(async () => {
    await Promise.all(backends.splice(0).map((backend) => backend.stop()));
    await Promise.all(sims.splice(0).map((sim) => sim.stop()));
  });

  async function simulator(overrides: Partial<BambuSimOptions> = {}): Promise<BambuSimPrinter> {
    const sim = new BambuSimPrinter({
      serial: `01P00A${String(++serialCounter).padStart(9, '0')}`,
      accessCode: ACCESS_CODE,
      model: 'P1S',
      timeScale: 20,
      reportIntervalMs: 100,
      frameIntervalMs: 200,
      ...overrides,
    });
    sims.push(sim);
    await sim.start();
    return sim;
  }

  function backend(sim: BambuSimPrinter, overrides: Partial<BambuBackendOptions> = {}) {
    const ports = sim.ports();
    const client = new BambuBackend({
      host: '127.0.0.1',
      serial: sim.serial,
      accessCode: ACCESS_CODE,
      model: 'P1S',
      pins: new MemoryCertificatePins(),
      logger: silentLogger(),
      ports: { mqtt: ports.mqtt, ftps: ports.ftps, camera: ports.camera },
      reconnectMs: 200,
      unauthorizedRetryMs: 200,
      commandTimeoutMs: 5_000,
      ...overrides,
    });
    const events: AgentEvent[] = [];
    client.on('event', (event: AgentEvent) => events.push(event));
    backends.push(client);
    return { client, events };
  }

  function project(seconds: number, name = 'bracket.3mf') {
    const path = join(mkdtempSync(join(tmpdir(), 'farmhand-bambu-test-')), name);
    const data = plateProject(seconds, 2);
    writeFileSync(path, data);
    return { path, size: data.length };
  }

  it('dispatches a .3mf over FTPS and starts it with the plate, use_ams and the AMS mapping', async () => {
    const sim = await simulator();
    const { client, events } = backend(sim);
    await client.start();
    await waitFor(() => client.status().state === 'operational', 'operational');
    expect(client.status().temperatures.tool0).not.toBeNull();
    expect(client.version()).toBe('01.08.02.00');

    const file = project(600);
    const result = await client.uploadAndSelect({
      fileName: 'bracket.3mf',
      localPath: file.path,
      size: file.size,
      sha256: 'a'.repeat(64),
      copyId: 'copy-1',
      print: true,
      bambu: { plate: 2, amsMapping: [0, 2] },
    });
    expect(result).toMatchObject({ uploaded: 'bracket.3mf', plate: 2 });
    expect(sim.storedFile('bracket.3mf')?.length).toBe(file.size);
    const request = sim.stats.requests.find(
      (message) => (message.print as { command?: string })?.command === 'project_file',
    );
    expect(request?.print).toMatchObject({
      param: 'Metadata/plate_2.gcode',
      file: 'bracket.3mf',
      use_ams: true,
      ams_mapping: [0, 2],
    });
    await waitFor(() => client.status().state === 'printing', 'printing');
    expect(client.status().job).toEqual({ fileName: 'bracket.3mf', sha256: 'a'.repeat(64), copyId: 'copy-1' });
    await waitFor(() => events.some((event) => event.type === 'print.started'), 'print.started');
    await waitFor(() => (client.status().progress ?? 0) > 0, 'progress');

    // A second dispatch while printing is refused before anything is uploaded.
    await expect(
      client.uploadAndSelect({ fileName: 'other.3mf', localPath: file.path, size: file.size, print: true }),
    ).rejects.toMatchObject({ code: 'invalid_state' });
    expect(sim.storedFile('other.3mf')).toBeNull();
  });

  it('pauses, resumes and cancels through the request topic, keeping state merged from partial reports', async () => {
    const sim = await simulator();
    const { client, events } = backend(sim);
    await client.start();
    await waitFor(() => client.status().state === 'operational', 'operational');
    const file = project(900);
    await client.uploadAndSelect({ fileName: 'part.3mf', localPath: file.path, size: file.size, print: true });
    await waitFor(() => client.status().state === 'printing', 'printing');

    await expect(client.resume()).rejects.toMatchObject({ code: 'invalid_state' });
    await client.pause();
    await waitFor(() => client.status().state === 'paused', 'paused');
    // P1 reports after the pause carry only changed fields: the bed target, sent once, is still known.
    expect(client.status().temperatures.bed?.target).toBe(60);
    await client.resume();
    await waitFor(() => client.status().state === 'printing', 'printing again');
    await client.cancel();
    await waitFor(() => client.status().state === 'operational', 'operational after cancel');
    expect(events.filter((event) => event.type.startsWith('print.')).map((event) => event.type)).toEqual([
      'print.started',
      'print.paused',
      'print.resumed',
      'print.cancelled',
    ]);
    const commands = sim.stats.requests.map((message) => Object.values(message)[0] as { command: string });
    expect(commands.map((command) => command.command)).toEqual(
      expect.arrayContaining(['pushall', 'project_file', 'pause', 'resume', 'stop']),
    );
    expect(sim.stats.publishesToReport).toBe(0);
  });

  it('sends G-code with print.gcode_line', async () => {
    const sim = await simulator();
    const { client } = backend(sim);
    await client.start();
    await waitFor(() => client.link() === 'ok', 'link');
    await client.setTemperature({ heater: 'bed', target: 55 });
    await waitFor(() => client.status().temperatures.bed?.target === 55, 'bed target 55');
    await client.home(['x', 'y']);
    expect(sim.printer.commandLog).toEqual(expect.arrayContaining(['M140 S55', 'G28 X Y']));
  });

  it('reads one JPEG from the port-6000 camera', async () => {
    const sim = await simulator();
    const { client } = backend(sim);
    await client.start();
    const frame = await client.snapshot();
    expect(frame.subarray(0, 2).toString('hex')).toBe('ffd8');
    expect(frame.subarray(-2).toString('hex')).toBe('ffd9');
    expect(sim.stats.cameraSessions).toBe(1);
  });

  it('says X1/H2 snapshots need ffmpeg when the gateway has none', async () => {
    const sim = await simulator({ model: 'X1C' });
    const { client } = backend(sim, { model: 'X1C', ffmpegPath: null });
    await expect(client.snapshot()).rejects.toThrow(/install ffmpeg on the gateway/);
  });

  it('X1/H2: reads one frame through ffmpeg from RTSPS on 322, after the certificate check', async () => {
    const sim = await simulator({ model: 'X1C' });
    const directory = mkdtempSync(join(tmpdir(), 'farmhand-fake-ffmpeg-'));
    const jpeg = Buffer.from([0xff, 0xd8, 0x01, 0x02, 0xff, 0xd9]);
    writeFileSync(join(directory, 'frame.jpg'), jpeg);
    const ffmpeg = join(directory, 'ffmpeg');
    // Stands in for ffmpeg: records its arguments, writes one JPEG to stdout.
    writeFileSync(ffmpeg, `#!/bin/sh\nprintf '%s\\n' "$@" > "${directory}/args"\ncat "${directory}/frame.jpg"\n`);
    chmodSync(ffmpeg, 0o700);
    // The simulator has no RTSPS server; its MQTT port presents the same certificate for the pre-check.
    const { client } = backend(sim, {
      model: 'X1C',
      ffmpegPath: ffmpeg,
      ports: { ...sim.ports(), rtsps: sim.ports().mqtt },
    });
    expect(client.capabilities.snapshot).toBe(true);
    await expect(client.snapshot()).resolves.toEqual(jpeg);
    const args = readFileSync(join(directory, 'args'), 'utf8').split('\n');
    expect(args).toEqual(expect.arrayContaining(['-rtsp_transport', 'tcp', '-frames:v', '1']));
    expect(args).toContain(`rtsps://bblp:${ACCESS_CODE}@127.0.0.1:${sim.ports().mqtt}/streaming/live/1`);

    const impostor = await simulator({ model: 'X1C', certificate: await printerCertificate('SOMEONEELSE02') });
    const refused = backend(impostor, {
      model: 'X1C',
      ffmpegPath: ffmpeg,
      ports: { ...impostor.ports(), rtsps: impostor.ports().mqtt },
    });
    await expect(refused.client.snapshot()).rejects.toThrow(/not to serial/);
  });

  it('wrong access code: unauthorized, with a message naming the access code, and no retry storm', async () => {
    const sim = await simulator();
    const { client } = backend(sim, { accessCode: 'wrong-code', unauthorizedRetryMs: 60_000 });
    await client.start();
    await waitFor(() => client.link() === 'unauthorized', 'unauthorized');
    expect(client.status()).toMatchObject({ state: 'offline', backend: 'unauthorized' });
    expect(client.status().error).toMatch(/access code/);
    await expect(client.pause()).rejects.toMatchObject({ code: 'backend_unauthorized' });
    await expect(
      new BambuBackend({ ...baseOptions(sim), accessCode: ACCESS_CODE }).snapshot().then(() => 'ok'),
    ).resolves.toBe('ok');
    const refused = sim.stats.mqttRefused;
    await new Promise((resolve) => setTimeout(resolve, 1_000));
    expect(sim.stats.mqttRefused).toBe(refused);
    expect(sim.stats.mqttConnections).toBe(0);
  });

  it('man in the middle with a certificate for another serial: refused, and it never receives the access code', async () => {
    const sim = await simulator({ certificate: await printerCertificate('SOMEONEELSE01') });
    const pins = new MemoryCertificatePins();
    const { client } = backend(sim, { pins });
    await client.start();
    await waitFor(() => client.status().error !== null, 'a certificate error');
    expect(client.status().error).toMatch(/not to serial/);
    expect(client.link()).not.toBe('ok');
    expect(pins.get(sim.serial)).toBeNull();
    // Neither MQTT nor the camera nor FTPS ever received the access code.
    await expect(client.snapshot()).rejects.toThrow(/not to serial/);
    const file = project(60);
    await expect(
      client.uploadAndSelect({ fileName: 'x.3mf', localPath: file.path, size: file.size, print: false }),
    ).rejects.toBeInstanceOf(BackendError);
    expect(sim.stats).toMatchObject({ mqttConnections: 0, mqttRefused: 0, cameraSessions: 0, ftpLogins: 0 });
  });

  it('man in the middle with a certificate for the right serial after pinning: refused (changed certificate)', async () => {
    const sim = await simulator();
    const pins = new MemoryCertificatePins();
    const first = backend(sim, { pins });
    await first.client.start();
    await waitFor(() => first.client.link() === 'ok', 'first connection');
    const pinned = pins.get(sim.serial);
    expect(pinned).toMatch(/^[a-f0-9]{64}$/);
    await first.client.stop();

    sim.replaceCertificate(await printerCertificate(sim.serial));
    const connectionsBefore = sim.stats.mqttConnections;
    const second = backend(sim, { pins });
    await second.client.start();
    await waitFor(() => /changed since it was pinned/.test(second.client.status().error ?? ''), 'pin mismatch');
    expect(second.client.link()).not.toBe('ok');
    expect(sim.stats.mqttConnections).toBe(connectionsBefore);
    expect(pins.get(sim.serial)).toBe(pinned);
    await expect(second.client.snapshot()).rejects.toThrow(/changed since it was pinned/);
  });

  it('keeps exactly one MQTT connection per printer through uploads, commands, camera and reconnects', async () => {
    const sim = await simulator({ maxClients: 4 });
    const { client } = backend(sim);
    await client.start();
    await waitFor(() => client.status().state === 'operational', 'operational');
    const file = project(600);
    await client.uploadAndSelect({ fileName: 'one.3mf', localPath: file.path, size: file.size, print: true });
    await waitFor(() => client.status().state === 'printing', 'printing');
    await client.pause();
    await client.snapshot();
    expect(sim.connectedClients()).toBe(1);
    expect(sim.stats.mqttConnections).toBe(1);

    sim.disconnectClients();
    await waitFor(() => sim.stats.mqttConnections === 2 && client.link() === 'ok', 'reconnected');
    expect(sim.connectedClients()).toBe(1);
    // A full report is asked for at most every 5 minutes on a P1, reconnects included.
    const pushalls = sim.stats.requests.filter((message) => 'pushing' in message);
    expect(pushalls).toHaveLength(1);

    // A second backend for the same printer in this process is refused instead of opening a second connection.
    const duplicate = backend(sim);
    await expect(duplicate.client.start()).rejects.toMatchObject({ code: 'invalid_state' });
    expect(sim.connectedClients()).toBe(1);
  });

  it('reports LAN Only without Developer Mode in the printer state when commands are refused as unsigned', async () => {
    const sim = await simulator({ developerMode: false });
    const { client } = backend(sim);
    await client.start();
    await waitFor(() => client.status().state === 'operational', 'operational');
    await expect(client.sendGcode(['G28'])).rejects.toMatchObject({ code: 'backend_unauthorized' });
    expect(client.status().error).toMatch(/Developer Mode/);
  });

  it('is built by the gateway factory from a gateway.json entry and its LAN secret', async () => {
    const sim = await simulator();
    const ports = sim.ports();
    const deps = { logger: silentLogger(), ledger: new JobLedger(), pins: new MemoryCertificatePins() };
    const built = createBackend(
      {
        kind: 'bambu',
        address: '127.0.0.1',
        serial: sim.serial,
        secret: { accessCode: ACCESS_CODE },
        options: { mqttPort: ports.mqtt, ftpsPort: ports.ftps, cameraPort: ports.camera },
      },
      deps,
    );
    expect(built).toBeInstanceOf(BambuBackend);
    backends.push(built as BambuBackend);
    expect(built.capabilities).toMatchObject({ uploadFormats: ['3mf'], snapshot: true, liveCamera: true });
    expect(built.capabilities.commands).not.toContain('emergency_stop');
    expect(built.address).not.toContain(ACCESS_CODE);
    await built.start();
    await waitFor(() => built.status().state === 'operational', 'operational');
    expect(deps.pins.get(sim.serial)).toMatch(/^[a-f0-9]{64}$/);

    expect(() =>
      createBackend({ kind: 'bambu', address: '10.0.0.9', serial: 'ZZZ123', secret: { accessCode: 'x' } }, deps),
    ).toThrow(BackendConfigError);
    expect(() => createBackend({ kind: 'bambu', address: '10.0.0.9', serial: sim.serial, secret: {} }, deps)).toThrow(
      /accessCode/,
    );
  });

  it("runs the agent's dispatch command: download from the signed URL, verify, FTPS upload, project_file", async () => {
    const sim = await simulator();
    const { client, events } = backend(sim);
    await client.start();
    await waitFor(() => client.status().state === 'operational', 'operational');
    const project3mf = plateProject(600);
    const sha256 = createHash('sha256').update(project3mf).digest('hex');
    let downloads = 0;
    const files = createServer((_request, response) => {
      downloads++;
      response.end(project3mf);
    });
    await new Promise<void>((resolve) => files.listen(0, '127.0.0.1', resolve));
    try {
      const url = `http://127.0.0.1:${(files.address() as AddressInfo).port}/files/x?signature=secret`;
      const dispatcher = new FileDispatcher({ backend: client, logger: silentLogger(), maxBytes: 1024 * 1024 });
      await expect(
        dispatcher.dispatch({ url, sha256: 'b'.repeat(64), fileName: 'part.gcode', size: 10, print: true }),
      ).rejects.toMatchObject({ code: 'unsupported' });
      expect(downloads).toBe(0);

      await dispatcher.dispatch({
        url,
        sha256,
        fileName: 'queued part.3mf',
        size: project3mf.length,
        print: true,
        copyId: 'copy-9',
      });
      expect(sim.storedFile('queued part.3mf')?.equals(project3mf)).toBe(true);
      await waitFor(() => client.status().state === 'printing', 'printing');
      expect(client.status().job).toEqual({ fileName: 'queued part.3mf', sha256, copyId: 'copy-9' });
      await waitFor(() => events.some((event) => event.type === 'print.started'), 'print.started');
    } finally {
      await new Promise((resolve) => files.close(resolve));
    }
  });

  function baseOptions(sim: BambuSimPrinter): BambuBackendOptions {
    const ports = sim.ports();
    return {
      host: '127.0.0.1',
      serial: sim.serial,
      accessCode: ACCESS_CODE,
      model: 'P1S',
      pins: new MemoryCertificatePins(),
      logger: silentLogger(),
      ports,
    };
  }
});
