import { createHash } from 'node:crypto';
import { mkdtemp, readdir, readFile, rm, utimes, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { LocalDiskFileStorage } from './local-disk-file-storage';
import { StorageError } from './storage.exception';

const sha256 = (data: Buffer | string): string => createHash('sha256').update(data).digest('hex');

async function readAll(stream: Readable): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

async function filesUnder(directory: string): Promise<string[]> {
  const entries = await readdir(directory, { recursive: true, withFileTypes: true });
  return entries
    .filter((entry) => entry.isFile())
    .map((entry) => join(entry.parentPath, entry.name).slice(directory.length + 1))
    .sort();
}

describe('LocalDiskFileStorage', () => {
  let dataDir: string;
  let storage: LocalDiskFileStorage;

  beforeEach(async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'farmhand-storage-'));
    storage = new LocalDiskFileStorage({ dataDir });
  });

  afterEach(async () => {
    await rm(dataDir, { recursive: true, force: true });
  });

  it('stores by content hash under <dataDir>/gcode/<aa>/<sha256> and reads the bytes back', async () => {
    const content = Buffer.from('G28\nG1 X10 Y10 E1\n');
    const hash = sha256(content);

    const result = await storage.put(Readable.from([content]));

    expect(result).toEqual({ sha256: hash, sizeBytes: content.length, duplicate: false });
    expect(await filesUnder(dataDir)).toEqual([join('gcode', hash.slice(0, 2), hash)]);
    expect(await readAll(await storage.openRead(hash))).toEqual(content);
    expect(await storage.exists(hash)).toBe(true);
    expect(await storage.stat(hash)).toMatchObject({ sha256: hash, sizeBytes: content.length });
  });

  it('detects a duplicate and keeps one copy', async () => {
    const content = 'G28\n';

    const first = await storage.put(Readable.from([content]));
    const second = await storage.put(Readable.from([content]));

    expect(first.duplicate).toBe(false);
    expect(second).toEqual({ ...first, duplicate: true });
    expect(await filesUnder(dataDir)).toEqual([join('gcode', first.sha256.slice(0, 2), first.sha256)]);
  });

  it('reports exactly one non-duplicate when the same content is committed concurrently', async () => {
    const content = Buffer.alloc(256 * 1024, 'G1 X1 Y1 E1\n');

    const results = await Promise.all(Array.from({ length: 6 }, () => storage.put(Readable.from([content]))));

    expect(results.filter((result) => !result.duplicate)).toHaveLength(1);
    expect(await readFile(storage.pathOf(sha256(content)))).toEqual(content);
  });

  it('refuses content that does not match the announced hash and stores nothing', async () => {
    const announced = sha256('something else');

    const error = await storage.put(Readable.from(['G28\n']), announced).catch((caught: unknown) => caught);

    expect(error).toBeInstanceOf(StorageError);
    expect((error as StorageError).code).toBe('content_hash_mismatch');
    expect(await filesUnder(dataDir)).toEqual([]);
  });

  it('shows nothing at the content address until commit, and nothing at all after discard', async () => {
    const content = Buffer.from('G28\n');
    const hash = sha256(content);
    const staged = await storage.stage();
    await pipeline(Readable.from([content]), staged.stream);

    expect(await storage.exists(hash)).toBe(false);
    expect((await filesUnder(dataDir)).map((path) => path.split(/[/\\]/).slice(0, 2).join('/'))).toEqual([
      'gcode/.staging',
    ]);

    await staged.discard();
    await staged.discard();

    expect(await storage.exists(hash)).toBe(false);
    expect(await filesUnder(dataDir)).toEqual([]);
  });

  it('refuses to commit before the staged stream has finished', async () => {
    const staged = await storage.stage();
    staged.stream.write('G28\n');

    await expect(staged.commit(sha256('G28\n'))).rejects.toThrow(/before its stream finished/);
    await staged.discard();
  });

  it('reads a byte range (both ends inclusive)', async () => {
    const { sha256: hash } = await storage.put(Readable.from(['0123456789']));

    expect((await readAll(await storage.openRead(hash, { start: 2, end: 5 }))).toString()).toBe('2345');
    await expect(storage.openRead(hash, { start: 5, end: 2 })).rejects.toThrow(RangeError);
  });

  it('reports missing files: openRead throws stored_file_not_found, stat null, delete false', async () => {
    const hash = sha256('never stored');

    await expect(storage.openRead(hash)).rejects.toMatchObject({ code: 'stored_file_not_found', kind: 'not_found' });
    expect(await storage.stat(hash)).toBeNull();
    expect(await storage.exists(hash)).toBe(false);
    expect(await storage.delete(hash)).toBe(false);
  });

  it('deletes a stored file', async () => {
    const { sha256: hash } = await storage.put(Readable.from(['G28\n']));

    expect(await storage.delete(hash)).toBe(true);
    expect(await storage.exists(hash)).toBe(false);
  });

  it.each(['../../../etc/passwd', 'ab/../../secret', 'A'.repeat(64), `${'a'.repeat(63)}/`, '', 'abc'])(
    'refuses %j as a content hash (no path built from it)',
    async (hash) => {
      await expect(storage.openRead(hash)).rejects.toMatchObject({ code: 'invalid_content_hash' });
      await expect(storage.exists(hash)).rejects.toMatchObject({ code: 'invalid_content_hash' });
      await expect(storage.delete(hash)).rejects.toMatchObject({ code: 'invalid_content_hash' });
      const staged = await storage.stage();
      await pipeline(Readable.from(['G28\n']), staged.stream);
      await expect(staged.commit(hash)).rejects.toMatchObject({ code: 'invalid_content_hash' });
      await staged.discard();
    },
  );

  it('removes staged files older than the given date, and only those', async () => {
    const staging = join(dataDir, 'gcode', '.staging');
    const old = await storage.stage();
    await pipeline(Readable.from(['old']), old.stream);
    const fresh = await storage.stage();
    await pipeline(Readable.from(['fresh']), fresh.stream);
    const hourAgo = new Date(Date.now() - 3600_000);
    for (const name of await readdir(staging)) {
      const content = await readFile(join(staging, name), 'utf8');
      if (content === 'old') await utimes(join(staging, name), hourAgo, hourAgo);
    }
    await writeFile(join(staging, 'unrelated.txt'), 'not a staged upload');

    const removed = await storage.removeStaleStaging(new Date(Date.now() - 60_000));

    expect(removed).toBe(1);
    const left = await Promise.all((await readdir(staging)).map((name) => readFile(join(staging, name), 'utf8')));
    expect(left.sort()).toEqual(['fresh', 'not a staged upload']);
    await fresh.discard();
  });
});
