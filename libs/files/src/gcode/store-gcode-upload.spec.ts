import { createHash, randomBytes } from 'node:crypto';
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { orcaSlicerVoron, prusaSlicerMk4s } from '../../../../test/fixtures/gcode/slicer-samples';
import { LocalDiskFileStorage } from '../storage/local-disk-file-storage';
import { GcodeRejectedError } from './gcode.exception';
import { storeGcodeUpload } from './store-gcode-upload';

/** The request body as an HTTP server hands it over: a Readable of small chunks. */
function body(data: Buffer, chunkSize = 1000): Readable {
  const chunks: Buffer[] = [];
  for (let offset = 0; offset < data.length; offset += chunkSize)
    chunks.push(data.subarray(offset, offset + chunkSize));
  return Readable.from(chunks);
}

describe('storeGcodeUpload', () => {
  let dataDir: string;
  let storage: LocalDiskFileStorage;

  const storedFiles = async (): Promise<string[]> =>
    (await readdir(join(dataDir, 'gcode'), { recursive: true, withFileTypes: true }))
      .filter((entry) => entry.isFile())
      .map((entry) => entry.name);

  beforeEach(async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'farmhand-upload-'));
    storage = new LocalDiskFileStorage({ dataDir, durable: false });
  });

  afterEach(async () => {
    await rm(dataDir, { recursive: true, force: true });
  });

  it('streams the upload through the analyzer into storage under its sha256', async () => {
    const content = Buffer.from(prusaSlicerMk4s().text);

    const { analysis, duplicate } = await storeGcodeUpload(body(content), storage);

    expect(duplicate).toBe(false);
    expect(analysis.sha256).toBe(createHash('sha256').update(content).digest('hex'));
    expect(analysis.metadata.material).toBe('PETG');
    expect(await readFile(storage.pathOf(analysis.sha256))).toEqual(content);
    expect(await storedFiles()).toEqual([analysis.sha256]);
  });

  it('reports the second upload of the same bytes as a duplicate', async () => {
    const content = Buffer.from(orcaSlicerVoron().text);

    const first = await storeGcodeUpload(body(content), storage);
    const second = await storeGcodeUpload(body(content, 37), storage);

    expect(first.duplicate).toBe(false);
    expect(second.duplicate).toBe(true);
    expect(second.analysis).toEqual(first.analysis);
    expect(await storedFiles()).toEqual([first.analysis.sha256]);
  });

  it('leaves nothing behind when the upload is too large', async () => {
    const content = Buffer.from(prusaSlicerMk4s().text);

    const error = await storeGcodeUpload(body(content), storage, { maxBytes: 4000 }).catch((caught: unknown) => caught);

    expect(error).toBeInstanceOf(GcodeRejectedError);
    expect((error as GcodeRejectedError).code).toBe('file_too_large');
    expect(await storedFiles()).toEqual([]);
  });

  it('leaves nothing behind when the upload is not G-code', async () => {
    const error = await storeGcodeUpload(body(randomBytes(20_000)), storage).catch((caught: unknown) => caught);

    expect((error as GcodeRejectedError).code).toBe('not_gcode');
    expect(await storedFiles()).toEqual([]);
  });

  it('leaves nothing behind when the client goes away mid-upload', async () => {
    const content = Buffer.from(prusaSlicerMk4s().text);
    const source = new Readable({ read() {} });
    source.push(content.subarray(0, 5000));
    const upload = storeGcodeUpload(source, storage);
    setImmediate(() => source.destroy(new Error('aborted')));

    await expect(upload).rejects.toThrow('aborted');
    expect(await storedFiles()).toEqual([]);
  });
});
