import { X509Certificate } from 'node:crypto';
import { Readable } from 'node:stream';
import * as tls from 'node:tls';

import { Client as FtpClient } from 'basic-ftp';
import { connectAsync } from 'mqtt';
import type { MqttClient } from 'mqtt';

import { cameraAuthPacket, FRAME_HEADER_SIZE } from '../../../agent/src/bambu/bambu-camera';
import { BambuSimPrinter } from './bambu-printer-front';

jest.setTimeout(30_000);

const SERIAL = '01S00C123456789';
const CODE = '27182818';

/**
 * The simulator's Bambu front checked against OpenBambuAPI's documents with plain clients (mqtt, basic-ftp, a TLS
 * socket), not with our agent. The clients trust the simulator's certificate and check its CN, as a careful client does.
 */
describe('Bambu simulator front (documented LAN protocol)', () => {
  let sim: BambuSimPrinter;
  const clients: MqttClient[] = [];

  beforeAll(async () => {
    sim = new BambuSimPrinter({ serial: SERIAL, accessCode: CODE, model: 'P1S', reportIntervalMs: 100 });
    await sim.start();
  });

  afterAll(async () => {
    await Promise.all(clients.map((client) => client.endAsync(true)));
    await sim.stop();
  });

  const trust = () => ({
    ca: sim.certificatePem()!,
    servername: SERIAL,
    checkServerIdentity: (_host: string, certificate: tls.PeerCertificate) =>
      certificate.subject.CN === SERIAL ? undefined : new Error('CN is not the serial'),
  });

  async function mqttClient(password = CODE): Promise<MqttClient> {
    const client = await connectAsync({
      protocol: 'mqtts',
      host: '127.0.0.1',
      port: sim.ports().mqtt,
      username: 'bblp',
      password,
      reconnectPeriod: 0,
      ...trust(),
    });
    clients.push(client);
    return client;
  }

  it('presents a self-signed certificate whose CN is the serial', () => {
    const certificate = new X509Certificate(sim.certificatePem()!);
    expect(certificate.subject).toBe(`CN=${SERIAL}`);
    expect(certificate.issuer).toBe(`CN=${SERIAL}`);
  });

  it('refuses MQTT with a wrong access code (CONNACK not authorized)', async () => {
    await expect(mqttClient('00000000')).rejects.toMatchObject({ code: 5 });
  });

  it('answers pushall on device/<serial>/request with a full push_status on device/<serial>/report, then partial ones', async () => {
    const client = await mqttClient();
    const reports: Array<Record<string, unknown>> = [];
    client.on('message', (topic, payload) => {
      if (topic === `device/${SERIAL}/report`) reports.push(JSON.parse(payload.toString()) as Record<string, unknown>);
    });
    await client.subscribeAsync(`device/${SERIAL}/report`);
    await client.publishAsync(
      `device/${SERIAL}/request`,
      JSON.stringify({ pushing: { sequence_id: '0', command: 'pushall' } }),
    );
    await waitUntil(() => reports.some((report) => (report.print as Record<string, unknown>)?.gcode_state === 'IDLE'));
    const full = reports.find((report) => (report.print as Record<string, unknown>)?.gcode_state)!.print as Record<
      string,
      unknown
    >;
    for (const field of [
      'command',
      'gcode_state',
      'mc_percent',
      'mc_remaining_time',
      'nozzle_temper',
      'nozzle_target_temper',
      'bed_temper',
      'bed_target_temper',
      'gcode_file',
      'subtask_name',
      'print_error',
      'sequence_id',
      'ams',
      'ipcam',
      'lights_report',
    ]) {
      expect(full).toHaveProperty(field);
    }
    expect(full.command).toBe('push_status');

    // P1: a temperature change is reported alone.
    const before = reports.length;
    await client.publishAsync(
      `device/${SERIAL}/request`,
      JSON.stringify({ print: { sequence_id: '1', command: 'gcode_line', param: 'M140 S70\n' } }),
    );
    await waitUntil(() =>
      reports.slice(before).some((report) => (report.print as Record<string, unknown>)?.bed_target_temper === 70),
    );
    const partial = reports
      .slice(before)
      .find((report) => (report.print as Record<string, unknown>)?.bed_target_temper === 70)!.print as Record<
      string,
      unknown
    >;
    expect(partial).not.toHaveProperty('ams');
    expect(partial).not.toHaveProperty('gcode_state');
    const reply = reports.find((report) => (report.print as Record<string, unknown>)?.sequence_id === '1');
    expect(reply?.print).toMatchObject({ command: 'gcode_line', result: 'success' });
  });

  it('answers a command it cannot carry out with result fail and a reason', async () => {
    const client = await mqttClient();
    const replies: Array<Record<string, unknown>> = [];
    client.on('message', (_topic, payload) => replies.push(JSON.parse(payload.toString()) as Record<string, unknown>));
    await client.subscribeAsync(`device/${SERIAL}/report`);
    await client.publishAsync(
      `device/${SERIAL}/request`,
      JSON.stringify({ print: { sequence_id: '9', command: 'pause', param: '' } }),
    );
    await waitUntil(() => replies.some((reply) => (reply.print as Record<string, unknown>)?.sequence_id === '9'));
    expect(replies.find((reply) => (reply.print as Record<string, unknown>)?.sequence_id === '9')?.print).toMatchObject(
      { command: 'pause', result: 'fail', reason: 'not printing' },
    );
  });

  it('refuses publishes to the report topic (only the printer reports)', async () => {
    const client = await mqttClient();
    const closed = new Promise<void>((resolve) => client.once('close', () => resolve()));
    client.publish(`device/${SERIAL}/report`, JSON.stringify({ print: { command: 'pause', sequence_id: '1' } }), {
      qos: 1,
    });
    await closed;
    expect(sim.stats.publishesToReport).toBeGreaterThan(0);
  });

  it('serves implicit FTPS for bblp with the access code, and refuses a wrong code', async () => {
    const refused = new FtpClient(5_000);
    await expect(
      refused.access({
        host: '127.0.0.1',
        port: sim.ports().ftps,
        user: 'bblp',
        password: 'wrong',
        secure: 'implicit',
        secureOptions: trust(),
      }),
    ).rejects.toMatchObject({ code: 530 });
    refused.close();

    const client = new FtpClient(5_000);
    await client.access({
      host: '127.0.0.1',
      port: sim.ports().ftps,
      user: 'bblp',
      password: CODE,
      secure: 'implicit',
      secureOptions: trust(),
    });
    await client.uploadFrom(Readable.from([Buffer.from('PK-not-really')]), 'hello.3mf');
    expect((await client.list()).map((entry) => entry.name)).toContain('hello.3mf');
    client.close();
    expect(sim.storedFile('hello.3mf')?.toString()).toBe('PK-not-really');
  });

  it('streams JPEG frames with 16-byte headers on the camera port after the 80-byte auth packet', async () => {
    const received = await cameraExchange(cameraAuthPacket('bblp', CODE), FRAME_HEADER_SIZE + 2);
    expect(received.readUInt32LE(0)).toBeGreaterThan(100);
    expect(received.readUInt32LE(4)).toBe(0);
    expect(received.readUInt32LE(8)).toBe(1);
    expect(received.readUInt32LE(12)).toBe(0);
    expect(received.subarray(FRAME_HEADER_SIZE, FRAME_HEADER_SIZE + 2).toString('hex')).toBe('ffd8');
  });

  it('closes the camera stream on a wrong access code without sending a frame', async () => {
    const received = await cameraExchange(cameraAuthPacket('bblp', 'nope'), 1);
    expect(received.length).toBe(0);
  });

  function cameraExchange(auth: Buffer, wanted: number): Promise<Buffer> {
    return new Promise((resolve, reject) => {
      const socket = tls.connect({ host: '127.0.0.1', port: sim.ports().camera, ...trust() }, () => socket.write(auth));
      let data = Buffer.alloc(0);
      socket.on('data', (chunk: Buffer) => {
        data = Buffer.concat([data, chunk]);
        if (data.length >= wanted) {
          socket.destroy();
          resolve(data);
        }
      });
      socket.on('close', () => resolve(data));
      socket.on('error', reject);
    });
  }
});

async function waitUntil(predicate: () => boolean, timeoutMs = 5_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!predicate()) {
    if (Date.now() > deadline) throw new Error('timed out');
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}
