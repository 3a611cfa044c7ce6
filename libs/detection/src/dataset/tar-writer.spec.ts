import { execFileSync } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough, Readable } from 'node:stream';
import { TarWriter, ustarHeader } from './tar-writer';

async function archive(build: (tar: TarWriter) => Promise<void>): Promise<Buffer> {
  const out = new PassThrough();
  const chunks: Buffer[] = [];
  out.on('data', (chunk: Buffer) => chunks.push(chunk));
  const tar = new TarWriter(out);
  await build(tar);
  out.end();
  return Buffer.concat(chunks);
}

describe('TarWriter (ustar)', () => {
  it('writes an archive that GNU tar lists and extracts byte for byte', async () => {
    const image = Buffer.from(Array.from({ length: 1_300 }, (_, i) => i % 251));
    const csv = 'frame_id,label\nabc,ok\n';
    const bytes = await archive(async (tar) => {
      await tar.addStream('images/a.jpg', image.length, Readable.from([image.subarray(0, 700), image.subarray(700)]));
      await tar.addBuffer('labels.csv', Buffer.from(csv));
      await tar.finish();
    });
    expect(bytes.length % 512).toBe(0);
    const dir = await mkdtemp(join(tmpdir(), 'tar-writer-'));
    try {
      await writeFile(join(dir, 'out.tar'), bytes);
      expect(execFileSync('tar', ['-tf', 'out.tar'], { cwd: dir }).toString().trim().split('\n')).toEqual([
        'images/a.jpg',
        'labels.csv',
      ]);
      execFileSync('tar', ['-xf', 'out.tar'], { cwd: dir });
      expect(await readFile(join(dir, 'images/a.jpg'))).toEqual(image);
      expect(await readFile(join(dir, 'labels.csv'), 'utf8')).toBe(csv);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('fails an entry whose stream yields fewer bytes than its header promised', async () => {
    await expect(archive((tar) => tar.addStream('short.bin', 10, Readable.from([Buffer.alloc(4)])))).rejects.toThrow(
      /expected 10 bytes, read 4/,
    );
  });

  it('refuses names that would not survive a header (too long, spaces, path tricks stay the caller job)', () => {
    expect(() => ustarHeader('x'.repeat(101), 1, new Date())).toThrow();
    expect(() => ustarHeader('with space.jpg', 1, new Date())).toThrow();
  });
});
