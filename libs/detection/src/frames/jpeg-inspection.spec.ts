import sharp from 'sharp';
import { checkJpegStructure, inspectJpeg } from './jpeg-inspection';

const jpeg = (width: number, height: number) =>
  sharp({ create: { width, height, channels: 3, background: { r: 90, g: 140, b: 60 } } })
    .jpeg({ quality: 80 })
    .toBuffer();

/** Rewrites the SOF header of a real JPEG to declare another size, as a decompression bomb does. */
function declareSize(bytes: Buffer, width: number, height: number): Buffer {
  const copy = Buffer.from(bytes);
  for (let offset = 2; offset + 9 < copy.length; offset += 2 + copy.readUInt16BE(offset + 2)) {
    const marker = copy[offset + 1]!;
    if (marker >= 0xc0 && marker <= 0xc3) {
      copy.writeUInt16BE(height, offset + 5);
      copy.writeUInt16BE(width, offset + 7);
      return copy;
    }
  }
  throw new Error('no SOF');
}

describe('JPEG inspection before a frame is stored', () => {
  it('accepts a whole JPEG and reports its size', async () => {
    expect(await inspectJpeg(await jpeg(640, 480), 40_000_000)).toEqual({ ok: true, width: 640, height: 480 });
  });

  it('accepts padding after the end-of-image marker', async () => {
    const padded = Buffer.concat([await jpeg(64, 48), Buffer.alloc(16, 0)]);
    expect(checkJpegStructure(padded)).toEqual({ ok: true });
  });

  it('refuses a header declaring more pixels than allowed, without decoding it', async () => {
    const bomb = declareSize(await jpeg(32, 32), 20_000, 20_000);
    const result = await inspectJpeg(bomb, 40_000_000);
    expect(result).toMatchObject({ ok: false, problem: 'too_many_pixels' });
  });

  it('refuses a JPEG cut anywhere after its header, and one cut inside the header', async () => {
    const whole = await jpeg(320, 240);
    for (const length of [whole.length - 2, Math.floor(whole.length * 0.6), 200, 40, 3]) {
      const result = checkJpegStructure(whole.subarray(0, length));
      expect(result.ok).toBe(false);
    }
    expect(checkJpegStructure(whole.subarray(0, whole.length - 2))).toMatchObject({ problem: 'truncated' });
  });

  it('refuses text, PNG and an empty body as not a JPEG', async () => {
    const png = await sharp({ create: { width: 8, height: 8, channels: 3, background: '#fff' } })
      .png()
      .toBuffer();
    for (const body of [Buffer.from('hello, I am frame.jpg'), png, Buffer.alloc(0)]) {
      expect(await inspectJpeg(body, 40_000_000)).toMatchObject({ ok: false, problem: 'not_jpeg' });
    }
  });

  it('refuses a JPEG whose header segments run past the end', async () => {
    const whole = await jpeg(64, 48);
    const broken = Buffer.from(whole);
    broken.writeUInt16BE(0xfff0, 4); // the APP0 length now claims 65 kB
    expect(checkJpegStructure(broken)).toMatchObject({ ok: false, problem: 'truncated' });
  });
});
