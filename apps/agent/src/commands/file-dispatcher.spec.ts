import { createHash } from 'node:crypto';
import { mkdtempSync, readdirSync } from 'node:fs';
import { createServer } from 'node:http';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';

import pino from 'pino';

import { OctoPrintFarm } from '../../../printer-sim/src/octoprint/octoprint-farm';
import { OctoPrintClient } from '../octoprint/octoprint.client';
import { silentLogger } from '../testing/test-helpers';
import { FileDispatcher } from './file-dispatcher';

jest.setTimeout(20_000);

const GCODE = Buffer.from(';TIME:3000\n;LAYER_COUNT:20\nM104 S205\nG28\nG1 X5 Y5 Z0.2\n'.repeat(50));
const SHA256 = createHash('sha256').update(GCODE).digest('hex');

describe('FileDispatcher', () => {
  let farm: OctoPrintFarm;
  let files: Server;
  let filesUrl: string;
  let hits = 0;
  let client: OctoPrintClient;
  let tempDir: string;
  let logText: string;
  let dispatcher: FileDispatcher;

  beforeEach(async () => {
    farm = new OctoPrintFarm({ printers: 1, timeScale: 10, apiKey: 'k' });
    await farm.start();
    hits = 0;
    files = createServer((req, res) => {
      hits += 1;
      if (req.url?.startsWith('/files/good')) return void res.end(GCODE);
      if (req.url?.startsWith('/files/long')) return void res.end(Buffer.concat([GCODE, Buffer.from('G1 X1\n')]));
      res.writeHead(404).end();
    });
    await new Promise<void>((resolve) => files.listen(0, '127.0.0.1', resolve));
    filesUrl = `http://127.0.0.1:${(files.address() as AddressInfo).port}/files`;
    client = new OctoPrintClient({ baseUrl: farm.url(0), apiKey: 'k', logger: silentLogger(), pollIntervalMs: 200 });
    await client.start();
    tempDir = mkdtempSync(join(tmpdir(), 'dispatch-spec-'));
    logText = '';
    const sink = new Writable({
      write(chunk, _encoding, done) {
        logText += chunk.toString();
        done();
      },
    });
    dispatcher = new FileDispatcher({ backend: client, logger: pino(sink), maxBytes: 1024 * 1024, tempDir });
  });

  afterEach(async () => {
    await client.stop();
    await farm.stop();
    await new Promise((resolve) => files.close(resolve));
  });

  const args = (overrides: Record<string, unknown> = {}) => ({
    url: `${filesUrl}/good?signature=top-secret`,
    sha256: SHA256,
    fileName: 'widget.gcode',
    size: GCODE.length,
    print: true,
    ...overrides,
  });

  it('downloads, verifies, uploads, selects and prints, and cleans up after itself', async () => {
    await expect(dispatcher.dispatch(args({ copyId: 'copy-1' }))).resolves.toEqual({
      path: 'widget.gcode',
      printing: true,
    });
    expect(farm.printer(0).files.get('widget.gcode')?.size).toBe(GCODE.length);
    expect(farm.printer(0).phase).toBe('printing');
    expect(client.status().job).toEqual({ fileName: 'widget.gcode', sha256: SHA256, copyId: 'copy-1' });
    expect(readdirSync(tempDir)).toEqual([]);
    expect(logText).toContain('dispatch downloaded and verified');
    expect(logText).not.toContain('top-secret');
  });

  it('can upload and select without printing', async () => {
    await expect(dispatcher.dispatch(args({ print: false }))).resolves.toEqual({
      path: 'widget.gcode',
      selected: true,
    });
    expect(farm.printer(0).selected?.path).toBe('widget.gcode');
    expect(farm.printer(0).phase).toBe('operational');
  });

  it('rejects a file whose SHA-256 does not match and uploads nothing', async () => {
    await expect(dispatcher.dispatch(args({ sha256: 'f'.repeat(64) }))).rejects.toMatchObject({
      code: 'checksum_mismatch',
    });
    expect(farm.printer(0).files.size).toBe(0);
    expect(readdirSync(tempDir)).toEqual([]);
  });

  it('stops a download that runs past the announced size', async () => {
    await expect(dispatcher.dispatch(args({ url: `${filesUrl}/long` }))).rejects.toMatchObject({ code: 'too_large' });
    expect(farm.printer(0).files.size).toBe(0);
  });

  it('reports a failed download', async () => {
    await expect(dispatcher.dispatch(args({ url: `${filesUrl}/missing` }))).rejects.toMatchObject({
      code: 'download_failed',
    });
  });

  it('refuses a file above its size limit without downloading it', async () => {
    await expect(dispatcher.dispatch(args({ size: 2 * 1024 * 1024 }))).rejects.toMatchObject({ code: 'too_large' });
    expect(hits).toBe(0);
  });

  it('refuses to dispatch while a print is running', async () => {
    await dispatcher.dispatch(args());
    await expect(dispatcher.dispatch(args({ fileName: 'second.gcode' }))).rejects.toMatchObject({
      code: 'invalid_state',
    });
    expect(hits).toBe(1);
  });
});
