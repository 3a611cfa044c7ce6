import sharp from 'sharp';
import { FramePreprocessor, FrameRejectedError } from './frame-preprocessor';
import { modelInputSchema, type ModelInput } from './model-manifest';

function input(overrides: Partial<Record<string, unknown>>): ModelInput {
  return modelInputSchema.parse({ name: 'x', shape: ['N', 3, 4, 4], resize: 'resize', ...overrides });
}

/** A PNG from explicit RGB pixels, row-major. */
function png(width: number, height: number, pixels: number[][]): Promise<Buffer> {
  return sharp(Buffer.from(pixels.flat()), { raw: { width, height, channels: 3 } })
    .png()
    .toBuffer();
}

function uniform(width: number, height: number, rgb: [number, number, number]): number[][] {
  return Array.from({ length: width * height }, () => rgb);
}

/** Reads back frame `slot` of a CHW tensor as [channel][y][x]. */
function planes(tensor: Float32Array, slot: number, width: number, height: number): number[][][] {
  const plane = width * height;
  return [0, 1, 2].map((c) =>
    Array.from({ length: height }, (_, y) =>
      Array.from(
        tensor.subarray(slot * 3 * plane + c * plane + y * width, slot * 3 * plane + c * plane + (y + 1) * width),
      ),
    ),
  );
}

async function rejectionOf(promise: Promise<unknown>): Promise<FrameRejectedError> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof FrameRejectedError) return error;
    throw error;
  }
  throw new Error('expected a rejection');
}

describe('FramePreprocessor', () => {
  it('turns a known image into known CHW float32 values (RGB order, scale 1/255)', async () => {
    const pixels = [
      [255, 0, 0],
      [0, 255, 0],
      [0, 0, 255],
      [10, 20, 30],
      [255, 255, 255],
      [0, 0, 0],
      [128, 64, 32],
      [1, 2, 3],
    ];
    const pre = new FramePreprocessor(input({ shape: ['N', 3, 2, 4] }));
    const tensor = new Float32Array(pre.frameLength);
    const geometry = await pre.preprocessInto(await png(4, 2, pixels), tensor, 0);
    const expected = [0, 1, 2].map((c) =>
      [0, 1].map((y) => [0, 1, 2, 3].map((x) => Math.fround(pixels[y * 4 + x][c] / 255))),
    );
    expect(planes(tensor, 0, 4, 2)).toEqual(expected);
    expect(geometry).toMatchObject({ frameWidth: 4, frameHeight: 2, region: { left: 0, top: 0, width: 4, height: 2 } });
  });

  it('applies mean/std normalization per channel', async () => {
    const pre = new FramePreprocessor(
      input({
        shape: ['N', 3, 2, 2],
        normalization: { scale: 1 / 255, mean: [0.485, 0.456, 0.406], std: [0.229, 0.224, 0.225] },
      }),
    );
    const tensor = new Float32Array(pre.frameLength);
    await pre.preprocessInto(await png(2, 2, uniform(2, 2, [200, 100, 50])), tensor, 0);
    const [r, g, b] = planes(tensor, 0, 2, 2).map((p) => p[1][1]);
    expect(r).toBeCloseTo((200 / 255 - 0.485) / 0.229, 5);
    expect(g).toBeCloseTo((100 / 255 - 0.456) / 0.224, 5);
    expect(b).toBeCloseTo((50 / 255 - 0.406) / 0.225, 5);
  });

  it('crops to the region of interest before resizing, and maps boxes back onto the frame', async () => {
    // 8x8 image, four uniform quadrants.
    const quadrant = (x: number, y: number): [number, number, number] =>
      y < 4 ? (x < 4 ? [255, 0, 0] : [0, 255, 0]) : x < 4 ? [0, 0, 255] : [255, 255, 0];
    const pixels = Array.from({ length: 64 }, (_, i) => quadrant(i % 8, Math.floor(i / 8)));
    const pre = new FramePreprocessor(input({ shape: ['N', 3, 16, 16] }));
    const tensor = new Float32Array(pre.frameLength);
    const geometry = await pre.preprocessInto(await png(8, 8, pixels), tensor, 0, { x: 0.5, y: 0, w: 0.5, h: 0.5 });
    const [r, g, b] = planes(tensor, 0, 16, 16);
    expect(new Set(r.flat())).toEqual(new Set([0]));
    expect(new Set(g.flat())).toEqual(new Set([1]));
    expect(new Set(b.flat())).toEqual(new Set([0]));
    expect(geometry.region).toEqual({ left: 4, top: 0, width: 4, height: 4 });
    expect(pre.toFrameBox({ x1: 0, y1: 0, x2: 0.5, y2: 1 }, geometry)).toEqual({ x1: 0.5, y1: 0, x2: 0.75, y2: 0.5 });
  });

  it('letterboxes into the pad colour, keeping the aspect ratio', async () => {
    const pre = new FramePreprocessor(input({ resize: 'letterbox', letterboxColor: [114, 114, 114] }));
    const tensor = new Float32Array(pre.frameLength);
    const geometry = await pre.preprocessInto(await png(8, 4, uniform(8, 4, [255, 0, 0])), tensor, 0);
    const pad = Math.fround(114 / 255);
    expect(planes(tensor, 0, 4, 4)[0]).toEqual([
      [pad, pad, pad, pad],
      [1, 1, 1, 1],
      [1, 1, 1, 1],
      [pad, pad, pad, pad],
    ]);
    expect(geometry.placed).toEqual({ left: 0, top: 1, width: 4, height: 2 });
    // The middle of the input maps to the middle of the frame; the pad rows clip to the frame's edge.
    expect(pre.toFrameBox({ x1: 0.25, y1: 0, x2: 0.75, y2: 0.5 }, geometry)).toEqual({
      x1: 0.25,
      y1: 0,
      x2: 0.75,
      y2: 0.5,
    });
  });

  it('writes only its own slot of the batch tensor', async () => {
    const pre = new FramePreprocessor(input({}));
    const tensor = new Float32Array(pre.frameLength * 3).fill(-7);
    await pre.preprocessInto(await png(4, 4, uniform(4, 4, [255, 255, 255])), tensor, 1);
    expect(new Set(tensor.subarray(0, pre.frameLength))).toEqual(new Set([-7]));
    expect(new Set(tensor.subarray(pre.frameLength, 2 * pre.frameLength))).toEqual(new Set([1]));
    expect(new Set(tensor.subarray(2 * pre.frameLength))).toEqual(new Set([-7]));
    await expect(pre.preprocessInto(await png(4, 4, uniform(4, 4, [0, 0, 0])), tensor, 3)).rejects.toThrow(RangeError);
  });

  it('honours the EXIF orientation before cropping', async () => {
    // 4x2: left half red, right half blue; orientation 6 rotates it 90 degrees clockwise, so red ends up on top.
    const pixels = Array.from({ length: 8 }, (_, i): [number, number, number] =>
      i % 4 < 2 ? [255, 0, 0] : [0, 0, 255],
    );
    const jpeg = await sharp(Buffer.from(pixels.flat()), { raw: { width: 4, height: 2, channels: 3 } })
      .withMetadata({ orientation: 6 })
      .png()
      .toBuffer();
    const pre = new FramePreprocessor(input({ shape: ['N', 3, 2, 2] }));
    const tensor = new Float32Array(pre.frameLength);
    const geometry = await pre.preprocessInto(jpeg, tensor, 0, { x: 0, y: 0, w: 1, h: 0.5 });
    expect(geometry).toMatchObject({ frameWidth: 2, frameHeight: 4 });
    const [r, , b] = planes(tensor, 0, 2, 2);
    expect(new Set(r.flat())).toEqual(new Set([1]));
    expect(new Set(b.flat())).toEqual(new Set([0]));
  });

  it('expands a greyscale image to three equal channels', async () => {
    const grey = await sharp(Buffer.alloc(16, 51), { raw: { width: 4, height: 4, channels: 1 } })
      .png()
      .toBuffer();
    const pre = new FramePreprocessor(input({}));
    const tensor = new Float32Array(pre.frameLength);
    await pre.preprocessInto(grey, tensor, 0);
    expect(new Set(tensor)).toEqual(new Set([Math.fround(51 / 255)]));
  });

  describe('rejects hostile input cleanly', () => {
    const pre = new FramePreprocessor(input({}), { limitInputPixels: 40_000_000, maxInputBytes: 1024 * 1024 });
    const tensor = new Float32Array(pre.frameLength);

    it('rejects a decompression bomb before decoding it', async () => {
      const bomb = await sharp({ create: { width: 9000, height: 9000, channels: 3, background: '#000' } })
        .png({ compressionLevel: 9 })
        .toBuffer();
      expect(bomb.byteLength).toBeLessThan(1024 * 1024);
      expect((await rejectionOf(pre.preprocessInto(bomb, tensor, 0))).code).toBe('FRAME_TOO_LARGE');
    });

    it('rejects a truncated JPEG', async () => {
      const jpeg = await sharp({ create: { width: 320, height: 240, channels: 3, background: '#a33' } })
        .jpeg()
        .toBuffer();
      const truncated = jpeg.subarray(0, Math.floor(jpeg.byteLength / 2));
      expect((await rejectionOf(pre.preprocessInto(truncated, tensor, 0))).code).toBe('FRAME_UNREADABLE');
    });

    it('rejects a non-image named .jpg', async () => {
      const text = Buffer.from('#!/bin/sh\necho this is not a frame\n');
      expect((await rejectionOf(pre.preprocessInto(text, tensor, 0))).code).toBe('FRAME_UNREADABLE');
    });

    it('rejects SVG, which is a document rather than a frame', async () => {
      const svg = Buffer.from(
        '<svg xmlns="http://www.w3.org/2000/svg" width="4" height="4"><rect width="4" height="4"/></svg>',
      );
      expect((await rejectionOf(pre.preprocessInto(svg, tensor, 0))).code).toBe('FRAME_FORMAT_NOT_ALLOWED');
    });

    it('rejects an oversized upload by byte count', async () => {
      expect((await rejectionOf(pre.preprocessInto(Buffer.alloc(2 * 1024 * 1024), tensor, 0))).code).toBe(
        'FRAME_TOO_LARGE',
      );
    });

    it('rejects a region of interest outside the frame', async () => {
      const image = await png(4, 4, uniform(4, 4, [1, 2, 3]));
      const error = await rejectionOf(pre.preprocessInto(image, tensor, 0, { x: 0.8, y: 0, w: 0.5, h: 1 }));
      expect(error.code).toBe('REGION_INVALID');
    });
  });
});
