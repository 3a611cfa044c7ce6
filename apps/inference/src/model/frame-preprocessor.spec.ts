import { readFile } from 'node:fs/promises';
import * as path from 'node:path';
import sharp from 'sharp';
import { renderSyntheticFrame } from '../../../../scripts/model/synthetic-frames';
import { FULL_FRAME, FramePreprocessor, FrameRejectedError } from './frame-preprocessor';
import { modelInputSchema, type ModelInput } from './model-manifest';
import { PreviousTilesPreprocessor } from './testing/previous-tiles-preprocessor';

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

  it('shrinks a large frame before cutting the region: what it sees matches crop-then-resize closely', async () => {
    // A 1280x720 JPEG with a smooth gradient and a few sharp blocks; region = the bed area of a webcam view.
    const width = 1280;
    const height = 720;
    const raw = Buffer.alloc(width * height * 3);
    for (let y = 0; y < height; y++) {
      for (let x = 0; x < width; x++) {
        const i = (y * width + x) * 3;
        const block = (Math.floor(x / 160) + Math.floor(y / 120)) % 2 === 0 ? 60 : 0;
        raw[i] = Math.round((x / width) * 190) + block;
        raw[i + 1] = Math.round((y / height) * 190) + block;
        raw[i + 2] = 120;
      }
    }
    const jpeg = await sharp(raw, { raw: { width, height, channels: 3 } })
      .jpeg({ quality: 90 })
      .toBuffer();
    const region = { x: 0.1, y: 0.12, w: 0.8, h: 0.85 };
    const pre = new FramePreprocessor(input({ shape: ['N', 3, 64, 64] }));
    const tensor = new Float32Array(pre.frameLength);
    const geometry = await pre.preprocessInto(jpeg, tensor, 0, region);
    const reference = await sharp(jpeg).extract(geometry.region).resize(64, 64, { fit: 'fill' }).raw().toBuffer();
    const [r, g, b] = planes(tensor, 0, 64, 64);
    let total = 0;
    for (let y = 0; y < 64; y++) {
      for (let x = 0; x < 64; x++) {
        const p = (y * 64 + x) * 3;
        total += Math.abs(r[y][x] * 255 - reference[p]) + Math.abs(g[y][x] * 255 - reference[p + 1]);
        total += Math.abs(b[y][x] * 255 - reference[p + 2]);
      }
    }
    // Mean absolute difference per value, in 0..255: the scaled region can sit half a pixel off the exact crop.
    expect(total / (64 * 64 * 3)).toBeLessThan(6);
  }, 30_000);

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

  it('honours the EXIF orientation of a JPEG, read from its markers without asking sharp', async () => {
    const pixels = Array.from({ length: 32 * 16 }, (_, i): [number, number, number] =>
      i % 32 < 16 ? [255, 0, 0] : [0, 0, 255],
    );
    const jpeg = await sharp(Buffer.from(pixels.flat()), { raw: { width: 32, height: 16, channels: 3 } })
      .withMetadata({ orientation: 6 })
      .jpeg({ quality: 100 })
      .toBuffer();
    const pre = new FramePreprocessor(input({ shape: ['N', 3, 2, 2] }));
    const tensor = new Float32Array(pre.frameLength);
    const geometry = await pre.preprocessInto(jpeg, tensor, 0, { x: 0, y: 0, w: 1, h: 0.5 });
    expect(geometry).toMatchObject({ frameWidth: 16, frameHeight: 32 });
    const [r, , b] = planes(tensor, 0, 2, 2);
    for (const value of r.flat()) expect(value).toBeGreaterThan(0.7);
    for (const value of b.flat()) expect(value).toBeLessThan(0.3);
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
    }, 30_000);

    it('rejects a JPEG whose header claims a decompression bomb, before decoding it', async () => {
      const jpeg = await sharp({ create: { width: 64, height: 64, channels: 3, background: '#000' } })
        .jpeg()
        .toBuffer();
      const sof = jpeg.findIndex((value, i) => value === 0xff && jpeg[i + 1] === 0xc0);
      jpeg.writeUInt16BE(60_000, sof + 5);
      jpeg.writeUInt16BE(60_000, sof + 7);
      const error = await rejectionOf(pre.preprocessInto(jpeg, tensor, 0));
      expect(error.code).toBe('FRAME_TOO_LARGE');
      expect(error.message).toMatch(/60000x60000/);
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

describe('FramePreprocessor on a real photo (JPEG shrink-on-load)', () => {
  const photoPath = path.resolve(__dirname, '../../../../../shared/fixtures/photos/spaghetti-prusa-bed.jpg');

  it('decodes a 2.74x reduction at half size and sees what an exact crop-then-resize sees', async () => {
    const photo = await readFile(photoPath);
    // 2458x1230 pixels to 224x224 (a 5.5x reduction: sharp decodes at 1/4 by itself) and to 448x448 (the default
    // model's grid, 2.74x: sharp alone would decode at full size; the preprocessor rounds the short axis up to a 3x
    // reduction so libjpeg decodes at 1/2, then resamples those 409 rows back up to 448).
    // Mean absolute difference per value, in 0..255, against an exact full-size decode (measured: 5.4 and 5.6; the
    // full-size decode of the previous path gave 4.0 at 448).
    const region = { x: 0.02, y: 0.02, w: 0.96, h: 0.96 };
    for (const side of [224, 448]) {
      const pre = new FramePreprocessor(input({ shape: ['N', 3, side, side] }));
      const tensor = new Float32Array(pre.frameLength);
      const geometry = await pre.preprocessInto(photo, tensor, 0, region);
      // The region in frame pixels is the exact one (boxes map back onto it).
      expect(geometry.region).toEqual({ left: 51, top: 25, width: 2458, height: 1230 });
      const reference = await sharp(photo)
        .extract(geometry.region)
        .resize(side, side, { fit: 'fill', kernel: 'linear', fastShrinkOnLoad: false })
        .raw()
        .toBuffer();
      const [r, g, b] = planes(tensor, 0, side, side);
      let total = 0;
      for (let y = 0; y < side; y++) {
        for (let x = 0; x < side; x++) {
          const p = (y * side + x) * 3;
          total += Math.abs(r[y][x] * 255 - reference[p]) + Math.abs(g[y][x] * 255 - reference[p + 1]);
          total += Math.abs(b[y][x] * 255 - reference[p + 2]);
        }
      }
      expect(total / (side * side * 3)).toBeLessThan(6);
    }
  });
});

describe('FramePreprocessor tiles on a real photo', () => {
  const photoPath = path.resolve(__dirname, '../../../../../shared/fixtures/photos/spaghetti-prusa-bed.jpg');
  const tiles = { grid: [3, 3] as [number, number], overlap: 0.5, includeWhole: true };
  const side = 224;

  /**
   * The previous conversion, kept here as the reference: each tile normalized straight from the RGB bytes of the
   * grid, the whole region resampled bilinearly from those bytes (centres aligned), then normalized.
   */
  function previousTiles(
    pixels: Buffer,
    big: number,
    bigHeight = big,
    lefts = [0, (big - side) / 2, big - side],
    tops = [0, (bigHeight - side) / 2, bigHeight - side],
  ): Float32Array {
    const plane = side * side;
    const out = new Float32Array((1 + lefts.length * tops.length) * 3 * plane);
    const sample = (x: number, y: number, c: number) => pixels[(y * big + x) * 3 + c];
    const scaleX = big / side;
    const scaleY = bigHeight / side;
    for (let c = 0; c < 3; c++) {
      for (let y = 0; y < side; y++) {
        const fy = Math.min(bigHeight - 1, Math.max(0, (y + 0.5) * scaleY - 0.5));
        const y0 = Math.floor(fy);
        const y1 = Math.min(bigHeight - 1, y0 + 1);
        for (let x = 0; x < side; x++) {
          const fx = Math.min(big - 1, Math.max(0, (x + 0.5) * scaleX - 0.5));
          const x0 = Math.floor(fx);
          const x1 = Math.min(big - 1, x0 + 1);
          const top = sample(x0, y0, c) + (sample(x1, y0, c) - sample(x0, y0, c)) * (fx - x0);
          const bottom = sample(x0, y1, c) + (sample(x1, y1, c) - sample(x0, y1, c)) * (fx - x0);
          out[c * plane + y * side + x] = (top + (bottom - top) * (fy - y0)) / 255;
        }
      }
    }
    let slot = 1;
    for (const top of tops) {
      for (const left of lefts) {
        for (let c = 0; c < 3; c++) {
          for (let y = 0; y < side; y++) {
            for (let x = 0; x < side; x++) {
              out[slot * 3 * plane + c * plane + y * side + x] = sample(left + x, top + y, c) / 255;
            }
          }
        }
        slot++;
      }
    }
    return out;
  }

  function maxAbsDifference(a: Float32Array, b: Float32Array): number {
    let max = 0;
    for (let i = 0; i < a.length; i++) max = Math.max(max, Math.abs(a[i] - b[i]));
    return max;
  }

  it('writes the same tensor as the previous per-tile conversion (a photo at the grid size)', async () => {
    const photo = await sharp(await readFile(photoPath))
      .resize(448, 448, { fit: 'fill' })
      .jpeg({ quality: 85 })
      .toBuffer();
    const pre = new FramePreprocessor(input({ shape: ['N', 3, side, side] }));
    const tensor = new Float32Array(10 * pre.frameLength);
    await pre.preprocessTilesInto(photo, tensor, 0, tiles);
    const pixels = await sharp(photo).raw().toBuffer();
    // Float rounding only: the planes are normalized once and averaged, the previous code averaged bytes first.
    expect(maxAbsDifference(tensor, previousTiles(pixels, 448))).toBeLessThan(1e-6);
  }, 30_000);

  it('cuts a grid that is not an exact 2x of the tiles (2x3, overlap 0.25) and resamples the whole region', async () => {
    // 392x560 pixels: 2 columns and 3 rows of 224x224 tiles overlapping by a quarter; the whole region is a
    // bilinear resample (1.75x, 2.5x), not the 2x2 averages of the default grid.
    const grid = { grid: [2, 3] as [number, number], overlap: 0.25, includeWhole: true };
    const photo = await sharp(await readFile(photoPath))
      .resize(392, 560, { fit: 'fill' })
      .jpeg({ quality: 85 })
      .toBuffer();
    const pre = new FramePreprocessor(input({ shape: ['N', 3, side, side] }));
    const tensor = new Float32Array(7 * pre.frameLength);
    await pre.preprocessTilesInto(photo, tensor, 0, grid);
    const pixels = await sharp(photo).raw().toBuffer();
    expect(maxAbsDifference(tensor, previousTiles(pixels, 392, 560, [0, 168], [0, 168, 336]))).toBeLessThan(1e-6);
  }, 30_000);

  it('writes what the previous tiled path wrote on 720p webcam frames (real and synthetic), bit for bit', async () => {
    // testing/previous-tiles-preprocessor.ts is that path, frozen: the same sharp pipeline, the grid normalized into
    // float planes and the tiles copied out of them. The model's scores on these tensors: default-model.spec.ts.
    const real = await sharp(await readFile(photoPath))
      .resize(1280, 720, { fit: 'fill' })
      .jpeg({ quality: 80 })
      .toBuffer();
    const synthetic = await Promise.all(
      [0, 1].map(
        async (i) =>
          (await renderSyntheticFrame(9100 + i, i % 2 ? 'failure' : 'clean', { width: 1280, height: 720 })).jpeg,
      ),
    );
    const region = { x: 0.1, y: 0.12, w: 0.8, h: 0.85 };
    const pre = new FramePreprocessor(input({ shape: ['N', 3, side, side] }));
    const previous = new PreviousTilesPreprocessor(input({ shape: ['N', 3, side, side] }));
    // Two frames per tensor, the second at slot 10: each frame writes its own ten rows only.
    const current = new Float32Array(20 * pre.frameLength);
    const before = new Float32Array(20 * pre.frameLength);
    for (const frame of [real, ...synthetic]) {
      for (const [slot, roi] of [
        [0, region],
        [10, FULL_FRAME],
      ] as const) {
        const geometry = await pre.preprocessTilesInto(frame, current, slot, tiles, roi);
        expect(await previous.preprocessTilesInto(frame, before, slot, tiles, roi)).toEqual({
          frameWidth: geometry.frameWidth,
          frameHeight: geometry.frameHeight,
          region: geometry.region,
        });
      }
      let total = 0;
      for (let i = 0; i < current.length; i++) total += Math.abs(current[i] - before[i]);
      expect(total / current.length).toBe(0);
      expect(maxAbsDifference(current, before)).toBe(0);
    }
  }, 180_000);

  it('cuts the tiles of a 720p webcam frame close to an exact crop-then-resize of its bed region', async () => {
    const frame = await sharp(await readFile(photoPath))
      .resize(1280, 720, { fit: 'fill' })
      .jpeg({ quality: 80 })
      .toBuffer();
    const region = { x: 0.1, y: 0.12, w: 0.8, h: 0.85 };
    const pre = new FramePreprocessor(input({ shape: ['N', 3, side, side] }));
    const tensor = new Float32Array(10 * pre.frameLength);
    const geometry = await pre.preprocessTilesInto(frame, tensor, 0, tiles, region);
    expect(geometry.region).toEqual({ left: 128, top: 86, width: 1024, height: 613 });
    const exact = await sharp(frame)
      .extract(geometry.region)
      .resize(448, 448, { fit: 'fill', kernel: 'linear' })
      .raw()
      .toBuffer();
    const reference = previousTiles(exact, 448);
    let total = 0;
    for (let i = 0; i < tensor.length; i++) total += Math.abs(tensor[i] - reference[i]);
    // The region is cut after the resize, in scaled coordinates (up to half a pixel off): small differences on
    // edges, little on average (measured: mean 0.0105, i.e. 2.7 of 255; at most 0.18 on an edge).
    expect(total / tensor.length).toBeLessThan(0.015);
  }, 30_000);
});
