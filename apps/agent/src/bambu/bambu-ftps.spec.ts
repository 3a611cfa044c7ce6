import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tls from 'node:tls';
import { generate } from 'selfsigned';

import type { CertificatePins } from '../backend/backend-target';
import { uploadOverFtps } from './bambu-ftps';

const SERIAL = '01P00A000000001';

async function certificate(commonName: string) {
  const pems = await generate([{ name: 'commonName', value: commonName }], { keySize: 2048, algorithm: 'sha256' });
  return { cert: pems.cert, key: pems.private };
}

function memoryPins(): CertificatePins & { entries: Map<string, string> } {
  const entries = new Map<string, string>();
  return {
    entries,
    get: (serial: string) => entries.get(serial),
    set: async (serial: string, sha256: string) => {
      entries.set(serial, sha256);
    },
  } as unknown as CertificatePins & { entries: Map<string, string> };
}

/**
 * A minimal implicit-FTPS server, as a printer (or someone answering in its place) would run: the control
 * connection presents `control`, the passive data connections present `data`. Records the bytes stored.
 */
async function ftpsServer(control: { cert: string; key: string }, data: { cert: string; key: string }) {
  const stored: Buffer[] = [];
  const dataServer = tls.createServer({ ...data, minVersion: 'TLSv1.2' });
  const dataSockets: tls.TLSSocket[] = [];
  dataServer.on('secureConnection', (socket) => dataSockets.push(socket));
  dataServer.on('tlsClientError', () => undefined);
  await new Promise<void>((resolve) => dataServer.listen(0, '127.0.0.1', resolve));
  const dataPort = (dataServer.address() as AddressInfo).port;

  const controlServer = tls.createServer({ ...control, minVersion: 'TLSv1.2' }, (socket) => {
    socket.on('error', () => undefined);
    const reply = (line: string) => socket.write(`${line}\r\n`);
    reply('220 Bambu FTP');
    let buffered = '';
    socket.on('data', (chunk) => {
      buffered += chunk.toString('latin1');
      let end: number;
      while ((end = buffered.indexOf('\r\n')) >= 0) {
        const line = buffered.slice(0, end);
        buffered = buffered.slice(end + 2);
        const verb = line.split(' ')[0]!.toUpperCase();
        if (verb === 'USER') reply('331 password please');
        else if (verb === 'PASS') reply('230 logged in');
        else if (verb === 'FEAT') reply('211 End');
        else if (verb === 'EPSV') reply(`229 Entering Extended Passive Mode (|||${dataPort}|)`);
        else if (verb === 'PASV') reply(`227 Entering Passive Mode (127,0,0,1,${dataPort >> 8},${dataPort & 255})`);
        else if (verb === 'STOR') {
          reply('150 ok to send data');
          const take = () => {
            const socket2 = dataSockets.shift();
            if (!socket2) return void setTimeout(take, 10);
            const chunks: Buffer[] = [];
            socket2.on('data', (part: Buffer) => chunks.push(part));
            socket2.on('error', () => undefined);
            socket2.on('end', () => {
              stored.push(Buffer.concat(chunks));
              reply('226 transfer complete');
            });
          };
          take();
        } else if (verb === 'QUIT') reply('221 bye');
        else reply('200 ok');
      }
    });
  });
  controlServer.on('tlsClientError', () => undefined);
  await new Promise<void>((resolve) => controlServer.listen(0, '127.0.0.1', resolve));
  return {
    port: (controlServer.address() as AddressInfo).port,
    stored,
    close: async () => {
      await new Promise((resolve) => controlServer.close(resolve));
      await new Promise((resolve) => dataServer.close(resolve));
    },
  };
}

describe('Bambu FTPS upload: the data connection is pinned like the control connection', () => {
  let dir: string;
  let localPath: string;
  let printer: { cert: string; key: string };
  let impostor: { cert: string; key: string };

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'farmhand-ftps-'));
    localPath = join(dir, 'plate.3mf');
    await writeFile(localPath, Buffer.from('PK fake project bytes'));
    printer = await certificate(SERIAL);
    // Same CN: only the pin tells them apart.
    impostor = await certificate(SERIAL);
  }, 60_000);
  afterAll(() => rm(dir, { recursive: true, force: true }));

  const upload = (port: number, pins: CertificatePins) =>
    uploadOverFtps({
      host: '127.0.0.1',
      port,
      serial: SERIAL,
      accessCode: '12345678',
      pins,
      localPath,
      remoteName: 'plate.3mf',
      timeoutMs: 10_000,
    });

  it('uploads when the data connection presents the pinned certificate', async () => {
    const server = await ftpsServer(printer, printer);
    try {
      const pins = memoryPins();
      await upload(server.port, pins);
      expect(server.stored.map((bytes) => bytes.toString())).toEqual(['PK fake project bytes']);
      expect(pins.entries.get(SERIAL)).toMatch(/^[0-9a-f]{64}$/);
    } finally {
      await server.close();
    }
  });

  it('a data-connection hijack with another certificate aborts the upload and receives no byte of the file', async () => {
    const server = await ftpsServer(printer, impostor);
    try {
      await expect(upload(server.port, memoryPins())).rejects.toMatchObject({
        name: 'BambuCertificateError',
        reason: 'pin_mismatch',
      });
      expect(server.stored.filter((bytes) => bytes.length > 0)).toEqual([]);
    } finally {
      await server.close();
    }
  });
});
