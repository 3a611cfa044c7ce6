import sharp from 'sharp';
import { z } from 'zod';
import { readJpegHeader } from './jpeg-header';
import type { ModelInput, TilesConfig } from './model-manifest';

/** A region of the frame given as fractions of its width and height, e.g. the printer's bed. */
export interface RegionOfInterest {
  x: number;
  y: number;
  w: number;
  h: number;
}

const EPSILON = 1e-6;

export const regionOfInterestSchema = z
  .strictObject({
    x: z.number().min(0).max(1),
    y: z.number().min(0).max(1),
    w: z.number().gt(0).max(1),
    h: z.number().gt(0).max(1),
  })
  .refine((r) => r.x + r.w <= 1 + EPSILON && r.y + r.h <= 1 + EPSILON, 'the region must lie inside the frame');

export const FULL_FRAME: RegionOfInterest = { x: 0, y: 0, w: 1, h: 1 };

export interface PreprocessOptions {
  /** sharp refuses images with more pixels than this before decoding them (decompression bombs). */
  limitInputPixels: number;
  /** Refuse encoded images larger than this many bytes. */
  maxInputBytes: number;
  /** sharp's failOn: 'error' rejects truncated and corrupt JPEGs but tolerates the benign warnings of webcams. */
  failOn: 'none' | 'truncated' | 'error' | 'warning';
  /** Formats accepted after sniffing the bytes (never SVG or PDF: they are programs, not frames). */
  allowedFormats: readonly string[];
  /** sharp gives up on one image after this many seconds. */
  timeoutSeconds: number;
}

export const DEFAULT_PREPROCESS_OPTIONS: PreprocessOptions = {
  limitInputPixels: 40_000_000,
  maxInputBytes: 8 * 1024 * 1024,
  failOn: 'error',
  allowedFormats: ['jpeg', 'png', 'webp'],
  timeoutSeconds: 10,
};

export type FrameRejectionCode = 'FRAME_TOO_LARGE' | 'FRAME_FORMAT_NOT_ALLOWED' | 'FRAME_UNREADABLE' | 'REGION_INVALID';

export class FrameRejectedError extends Error {
  constructor(
    readonly code: FrameRejectionCode,
    message: string,
  ) {
    super(message);
    this.name = 'FrameRejectedError';
  }
}

/** Where the model input came from, to map boxes back onto the frame. */
export interface FrameGeometry {
  frameWidth: number;
  frameHeight: number;
  /** The cropped region, in pixels of the (EXIF-oriented) frame. */
  region: { left: number; top: number; width: number; height: number };
  /** Where the region landed inside the model input, in pixels of the input. */
  placed: { left: number; top: number; width: number; height: number };
  inputWidth: number;
  inputHeight: number;
}

/** A box as fractions: of the model input before mapping, of the whole frame after. */
export interface Box {
  x1: number;
  y1: number;
  x2: number;
  y2: number;
}

/** A tile as fractions of the scored region (the region of interest, or the whole frame). */
export interface TileBox {
  x: number;
  y: number;
  w: number;
  h: number;
}

/** Size of the region, resized, from which the grid tiles are cut at the model's input size. */
export function tiledSize(side: number, cells: number, overlap: number): number {
  return Math.round(side * (cells - (cells - 1) * overlap));
}

function tileOffsets(big: number, side: number, cells: number): number[] {
  return Array.from({ length: cells }, (_, k) => (cells > 1 ? Math.round((k * (big - side)) / (cells - 1)) : 0));
}

/**
 * The tiles a model scores, in the order of its rows in the batch: the whole region first (when included), then
 * the grid row by row. No tiles configured = one whole-region tile.
 */
export function tileLayout(tiles: TilesConfig | undefined, width = 224, height = 224): TileBox[] {
  if (!tiles) return [{ x: 0, y: 0, w: 1, h: 1 }];
  const [cols, rows] = tiles.grid;
  const bigWidth = tiledSize(width, cols, tiles.overlap);
  const bigHeight = tiledSize(height, rows, tiles.overlap);
  const boxes: TileBox[] = tiles.includeWhole ? [{ x: 0, y: 0, w: 1, h: 1 }] : [];
  for (const top of tileOffsets(bigHeight, height, rows)) {
    for (const left of tileOffsets(bigWidth, width, cols)) {
      boxes.push({ x: left / bigWidth, y: top / bigHeight, w: width / bigWidth, h: height / bigHeight });
    }
  }
  return boxes;
}

function regionInPixels(roi: RegionOfInterest, width: number, height: number): FrameGeometry['region'] {
  const left = Math.min(width - 1, Math.max(0, Math.floor(roi.x * width)));
  const top = Math.min(height - 1, Math.max(0, Math.floor(roi.y * height)));
  const right = Math.min(width, Math.max(left + 1, Math.ceil((roi.x + roi.w) * width - EPSILON)));
  const bottom = Math.min(height, Math.max(top + 1, Math.ceil((roi.y + roi.h) * height - EPSILON)));
  return { left, top, width: right - left, height: bottom - top };
}

/**
 * Turns encoded frames into the model's input: EXIF orientation, crop to the region of interest, resize or
 * letterbox, RGB, CHW float32 with the manifest's normalization, written straight into a slot of the caller's
 * batch tensor (the only copy after sharp's own output buffer).
 */
export class FramePreprocessor {
  readonly width: number;
  readonly height: number;
  /** Floats per frame: 3 x H x W. */
  readonly frameLength: number;
  private readonly options: PreprocessOptions;
  /** pixel (0..255) -> normalized value, per channel: 3 x 256 entries. */
  private readonly table: Float32Array;
  /** The tiled path's row buffers and their views, reused from frame to frame (see writeTiles). */
  private rows: { width: number; buffer: Float32Array; views: Float32Array[] } | undefined;

  constructor(
    private readonly input: ModelInput,
    options: Partial<PreprocessOptions> = {},
  ) {
    this.options = { ...DEFAULT_PREPROCESS_OPTIONS, ...options };
    if (!(this.options.limitInputPixels > 0)) throw new Error('limitInputPixels must be a positive number');
    this.height = input.shape[2];
    this.width = input.shape[3];
    this.frameLength = 3 * this.width * this.height;
    const { scale, mean, std } = input.normalization;
    this.table = new Float32Array(3 * 256);
    for (let c = 0; c < 3; c++) {
      for (let v = 0; v < 256; v++) this.table[c * 256 + v] = (v * scale - mean[c]) / std[c];
    }
  }

  /**
   * Preprocesses one encoded image into `target` at frame index `slot`. Throws FrameRejectedError for anything
   * that is not an acceptable image; never leaves a partial write that matters (the slot is simply not used).
   */
  async preprocessInto(
    image: Uint8Array,
    target: Float32Array,
    slot: number,
    regionOfInterest: RegionOfInterest = FULL_FRAME,
  ): Promise<FrameGeometry> {
    const offset = slot * this.frameLength;
    if (offset + this.frameLength > target.length) throw new RangeError(`slot ${slot} is outside the batch tensor`);
    const { pixels, pixelsWidth, pixelsHeight, geometry } = await this.decodeRegion(image, regionOfInterest, (region) =>
      this.placement(region.width, region.height),
    );
    const placed = this.placement(geometry.region.width, geometry.region.height);
    if (placed.width === this.width && placed.height === this.height) {
      if (pixelsWidth === this.width && pixelsHeight === this.height) this.writeChw(pixels, target, offset);
      else this.writeChwResampled(pixels, pixelsWidth, pixelsHeight, target, offset);
    } else if (pixelsWidth !== placed.width || pixelsHeight !== placed.height) {
      throw new Error('a letterboxed region is never decoded below its placed size');
    } else {
      const plane = this.width * this.height;
      const [r, g, b] = this.input.letterboxColor;
      target.fill(this.table[r], offset, offset + plane);
      target.fill(this.table[256 + g], offset + plane, offset + 2 * plane);
      target.fill(this.table[512 + b], offset + 2 * plane, offset + 3 * plane);
      this.writeChwPlaced(pixels, placed, target, offset);
    }
    return { ...geometry, placed, inputWidth: this.width, inputHeight: this.height };
  }

  /**
   * Preprocesses one encoded image into tileLayout(tiles).length consecutive slots of `target`, starting at
   * `firstSlot`: one decode of the region at the grid's size, the tiles cut from it, the whole region resampled
   * from it (bilinear). Only for 'resize' inputs (the manifest enforces it).
   */
  async preprocessTilesInto(
    image: Uint8Array,
    target: Float32Array,
    firstSlot: number,
    tiles: TilesConfig,
    regionOfInterest: RegionOfInterest = FULL_FRAME,
  ): Promise<FrameGeometry> {
    const count = tileLayout(tiles).length;
    if ((firstSlot + count) * this.frameLength > target.length) {
      throw new RangeError(`slots ${firstSlot}..${firstSlot + count - 1} are outside the batch tensor`);
    }
    const [cols, rows] = tiles.grid;
    const bigWidth = tiledSize(this.width, cols, tiles.overlap);
    const bigHeight = tiledSize(this.height, rows, tiles.overlap);
    const decoded = await this.decodeRegion(image, regionOfInterest, () => ({
      width: bigWidth,
      height: bigHeight,
    }));
    const { geometry } = decoded;
    let pixels = decoded.pixels;
    if (decoded.pixelsWidth !== bigWidth || decoded.pixelsHeight !== bigHeight) {
      pixels = resampleBilinear(pixels, decoded.pixelsWidth, decoded.pixelsHeight, bigWidth, bigHeight);
    }
    this.writeTiles(pixels, bigWidth, bigHeight, tiles, target, firstSlot * this.frameLength);
    return {
      ...geometry,
      placed: { left: 0, top: 0, width: this.width, height: this.height },
      inputWidth: this.width,
      inputHeight: this.height,
    };
  }

  /** Maps a box in fractions of the model input to fractions of the whole frame, clipped to the region. */
  toFrameBox(box: Box, geometry: FrameGeometry): Box {
    const { placed, region, frameWidth, frameHeight, inputWidth, inputHeight } = geometry;
    const mapX = (v: number) => {
      const inRegion = Math.min(1, Math.max(0, (v * inputWidth - placed.left) / placed.width));
      return (region.left + inRegion * region.width) / frameWidth;
    };
    const mapY = (v: number) => {
      const inRegion = Math.min(1, Math.max(0, (v * inputHeight - placed.top) / placed.height));
      return (region.top + inRegion * region.height) / frameHeight;
    };
    return { x1: mapX(box.x1), y1: mapY(box.y1), x2: mapX(box.x2), y2: mapY(box.y2) };
  }

  private placement(width: number, height: number): FrameGeometry['placed'] {
    if (this.input.resize === 'resize') return { left: 0, top: 0, width: this.width, height: this.height };
    const scale = Math.min(this.width / width, this.height / height);
    const placedWidth = Math.min(this.width, Math.max(1, Math.round(width * scale)));
    const placedHeight = Math.min(this.height, Math.max(1, Math.round(height * scale)));
    return {
      left: Math.floor((this.width - placedWidth) / 2),
      top: Math.floor((this.height - placedHeight) / 2),
      width: placedWidth,
      height: placedHeight,
    };
  }

  /**
   * Validates, reads the header, and decodes the region resized (stretched) to the size `sizeFor(region)` picks,
   * as RGB bytes. When the region shrinks, the whole frame is resized first and the region extracted in scaled
   * coordinates: libvips then decodes the JPEG at 1/2, 1/4 or 1/8 scale (DCT shrink-on-load), which a crop before
   * the resize would prevent. The scaled region may sit up to half a pixel off the exact crop.
   */
  private async decodeRegion(
    image: Uint8Array,
    regionOfInterest: RegionOfInterest,
    sizeFor: (region: FrameGeometry['region']) => { width: number; height: number },
  ): Promise<{
    pixels: Uint8Array;
    /** The decoded size: (width, height) from sizeFor, or less on one axis when shrink-on-load rounded it down. */
    pixelsWidth: number;
    pixelsHeight: number;
    geometry: Pick<FrameGeometry, 'frameWidth' | 'frameHeight' | 'region'>;
  }> {
    const roi = regionOfInterestSchema.safeParse(regionOfInterest);
    if (!roi.success)
      throw new FrameRejectedError('REGION_INVALID', `invalid region of interest: ${roi.error.message}`);
    if (image.byteLength > this.options.maxInputBytes) {
      throw new FrameRejectedError(
        'FRAME_TOO_LARGE',
        `image has ${image.byteLength} bytes, limit ${this.options.maxInputBytes}`,
      );
    }
    const sharpOptions: sharp.SharpOptions = {
      limitInputPixels: this.options.limitInputPixels,
      failOn: this.options.failOn,
      autoOrient: true,
    };
    const { format, width: frameWidth, height: frameHeight } = await this.frameInfo(image, sharpOptions);
    const region = regionInPixels(roi.data, frameWidth, frameHeight);
    const { width, height } = sizeFor(region);
    const whole = region.width === frameWidth && region.height === frameHeight;
    const scaleX = width / region.width;
    const scaleY = height / region.height;
    // The size sharp decodes the region to; below (width, height) on one axis only when JPEG shrink-on-load needs it.
    let outWidth = width;
    let outHeight = height;
    let pipeline = sharp(image, sharpOptions).timeout({ seconds: this.options.timeoutSeconds });
    if (scaleX <= 1 && scaleY <= 1) {
      let scaledWidth = Math.max(width, Math.round(frameWidth * scaleX));
      let scaledHeight = Math.max(height, Math.round(frameHeight * scaleY));
      const factor =
        format === 'jpeg' && this.input.resize === 'resize' ? dctShrinkFactor(Math.min(1 / scaleX, 1 / scaleY)) : 0;
      if (factor > 0) {
        // sharp decodes at 1/s only when both axes shrink by at least s + 1 (it halves s below that for libjpeg's
        // rounding): cap each axis at frame / (s + 1); the axis that falls short is resampled up afterwards.
        scaledWidth = Math.min(scaledWidth, Math.floor(frameWidth / factor));
        scaledHeight = Math.min(scaledHeight, Math.floor(frameHeight / factor));
        outWidth = Math.min(width, Math.max(1, Math.round(region.width * (scaledWidth / frameWidth))));
        outHeight = Math.min(height, Math.max(1, Math.round(region.height * (scaledHeight / frameHeight))));
      }
      pipeline = pipeline.resize(scaledWidth, scaledHeight, {
        fit: 'fill',
        kernel: this.input.kernel,
        fastShrinkOnLoad: true,
      });
      if (!whole || scaledWidth !== outWidth || scaledHeight !== outHeight) {
        pipeline = pipeline.extract({
          left: Math.min(scaledWidth - outWidth, Math.round(region.left * (scaledWidth / frameWidth))),
          top: Math.min(scaledHeight - outHeight, Math.round(region.top * (scaledHeight / frameHeight))),
          width: outWidth,
          height: outHeight,
        });
      }
    } else if (whole) {
      pipeline = pipeline.resize(width, height, { fit: 'fill', kernel: this.input.kernel });
    } else {
      pipeline = pipeline.extract(region).resize(width, height, { fit: 'fill', kernel: this.input.kernel });
    }
    let raw: { data: Buffer; info: sharp.OutputInfo };
    try {
      raw = await pipeline
        .removeAlpha()
        .toColourspace('srgb')
        .raw({ depth: 'uchar' })
        .toBuffer({ resolveWithObject: true });
    } catch (error) {
      throw this.rejection(error);
    }
    if (raw.info.width !== outWidth || raw.info.height !== outHeight || raw.info.channels !== 3) {
      throw new FrameRejectedError(
        'FRAME_UNREADABLE',
        `decoded to ${raw.info.width}x${raw.info.height}x${raw.info.channels}, expected ${outWidth}x${outHeight}x3`,
      );
    }
    return {
      pixels: raw.data,
      pixelsWidth: outWidth,
      pixelsHeight: outHeight,
      geometry: { frameWidth, frameHeight, region },
    };
  }

  /**
   * Every tile of the grid image, and the whole region, straight from its RGB bytes into the batch tensor: each grid
   * row is normalized once into a small float buffer that stays in cache and copied into the tiles that hold it; the
   * whole region of an exact 2x grid (the default model's) averages each pair of those rows, 2x2 blocks, in the
   * same order of additions as before. The buffers are reused across frames: this runs synchronously, so frames
   * prepared concurrently never share them.
   */
  private writeTiles(
    pixels: Uint8Array,
    gridWidth: number,
    gridHeight: number,
    tiles: TilesConfig,
    target: Float32Array,
    offset: number,
  ): void {
    const [cols, rows] = tiles.grid;
    const { width, height, frameLength, table } = this;
    const plane = width * height;
    const lefts = tileOffsets(gridWidth, width, cols);
    const tops = tileOffsets(gridHeight, height, rows);
    const halve = tiles.includeWhole && gridWidth === 2 * width && gridHeight === 2 * height;
    if (tiles.includeWhole && !halve) this.writeChwResampled(pixels, gridWidth, gridHeight, target, offset);
    const firstTile = offset + (tiles.includeWhole ? frameLength : 0);
    const { buffer, views } = this.rowBuffers(gridWidth, lefts);
    // Two sets of three channel rows (even grid rows in set 0, odd in set 1), each view = one tile's columns.
    for (let y = 0; y < gridHeight; y++) {
      const set = y & 1;
      const base = set * 3 * gridWidth;
      for (let x = 0, p = y * gridWidth * 3, i = base; x < gridWidth; x++, p += 3, i++) {
        buffer[i] = table[pixels[p]];
        buffer[i + gridWidth] = table[256 + pixels[p + 1]];
        buffer[i + 2 * gridWidth] = table[512 + pixels[p + 2]];
      }
      for (let r = 0; r < rows; r++) {
        const ty = y - tops[r];
        if (ty < 0 || ty >= height) continue;
        for (let q = 0; q < cols; q++) {
          const to = firstTile + (r * cols + q) * frameLength + ty * width;
          for (let c = 0; c < 3; c++) target.set(views[(set * 3 + c) * cols + q], to + c * plane);
        }
      }
      if (halve && set === 1) {
        const row = offset + (y >> 1) * width;
        for (let c = 0; c < 3; c++) {
          let upper = c * gridWidth;
          let lower = upper + 3 * gridWidth;
          const out = row + c * plane;
          for (let x = 0; x < width; x++, upper += 2, lower += 2) {
            target[out + x] = (buffer[upper] + buffer[upper + 1] + buffer[lower] + buffer[lower + 1]) * 0.25;
          }
        }
      }
    }
  }

  private rowBuffers(gridWidth: number, lefts: readonly number[]): { buffer: Float32Array; views: Float32Array[] } {
    if (this.rows?.width !== gridWidth || this.rows.views.length !== 6 * lefts.length) {
      const buffer = new Float32Array(6 * gridWidth);
      const views = Array.from({ length: 6 }, (_, row) =>
        lefts.map((left) => buffer.subarray(row * gridWidth + left, row * gridWidth + left + this.width)),
      ).flat();
      this.rows = { width: gridWidth, buffer, views };
    }
    return this.rows;
  }

  /**
   * The format and (oriented) size of a frame, checked against the allowed formats and the pixel limit: a JPEG's
   * from its markers (no sharp call), anything else or an unusual JPEG from sharp's metadata().
   */
  private async frameInfo(
    image: Uint8Array,
    sharpOptions: sharp.SharpOptions,
  ): Promise<{ format: string; width: number; height: number }> {
    try {
      const header = this.options.allowedFormats.includes('jpeg') ? readJpegHeader(image) : undefined;
      let info: { format: string; width: number; height: number };
      if (header) {
        info = { format: 'jpeg', width: header.width, height: header.height };
      } else {
        const metadata = await sharp(image, sharpOptions).metadata();
        if (!this.options.allowedFormats.includes(metadata.format)) {
          throw new FrameRejectedError('FRAME_FORMAT_NOT_ALLOWED', `format ${metadata.format} is not accepted`);
        }
        info = { format: metadata.format, width: metadata.autoOrient.width, height: metadata.autoOrient.height };
      }
      if (info.width * info.height > this.options.limitInputPixels) {
        throw new FrameRejectedError('FRAME_TOO_LARGE', `image has ${info.width}x${info.height} pixels`);
      }
      return info;
    } catch (error) {
      throw this.rejection(error);
    }
  }

  /** Writes a placed.width x placed.height RGB image at placed.(left, top) of the input (letterbox). */
  private writeChwPlaced(
    pixels: Uint8Array,
    placed: FrameGeometry['placed'],
    target: Float32Array,
    offset: number,
  ): void {
    const plane = this.width * this.height;
    const table = this.table;
    for (let y = 0; y < placed.height; y++) {
      let p = y * placed.width * 3;
      const row = offset + (placed.top + y) * this.width + placed.left;
      for (let x = 0; x < placed.width; x++, p += 3) {
        target[row + x] = table[pixels[p]];
        target[row + plane + x] = table[256 + pixels[p + 1]];
        target[row + 2 * plane + x] = table[512 + pixels[p + 2]];
      }
    }
  }

  /**
   * Bilinear resampling of an RGB image (pixel centres aligned, as resampleBilinear) to the input size, normalized
   * and written as CHW in one pass, without rounding to bytes in between.
   */
  private writeChwResampled(
    pixels: Uint8Array,
    sourceWidth: number,
    sourceHeight: number,
    target: Float32Array,
    offset: number,
  ): void {
    const plane = this.width * this.height;
    const { scale, mean, std } = this.input.normalization;
    const gainR = scale / std[0];
    const gainG = scale / std[1];
    const gainB = scale / std[2];
    const biasR = -mean[0] / std[0];
    const biasG = -mean[1] / std[1];
    const biasB = -mean[2] / std[2];
    if (sourceWidth === this.width) {
      this.writeChwResampledRows(pixels, sourceHeight, target, offset, [gainR, gainG, gainB], [biasR, biasG, biasB]);
      return;
    }
    const left = new Int32Array(this.width);
    const right = new Int32Array(this.width);
    const weight = new Float32Array(this.width);
    const sx = sourceWidth / this.width;
    for (let x = 0; x < this.width; x++) {
      const fx = Math.min(sourceWidth - 1, Math.max(0, (x + 0.5) * sx - 0.5));
      const x0 = Math.floor(fx);
      left[x] = x0 * 3;
      right[x] = Math.min(sourceWidth - 1, x0 + 1) * 3;
      weight[x] = fx - x0;
    }
    const sy = sourceHeight / this.height;
    for (let y = 0; y < this.height; y++) {
      const fy = Math.min(sourceHeight - 1, Math.max(0, (y + 0.5) * sy - 0.5));
      const y0 = Math.floor(fy);
      const wy = fy - y0;
      const upper = y0 * sourceWidth * 3;
      const lower = Math.min(sourceHeight - 1, y0 + 1) * sourceWidth * 3;
      const row = offset + y * this.width;
      for (let x = 0; x < this.width; x++) {
        const wx = weight[x];
        const a = upper + left[x];
        const b = upper + right[x];
        const c = lower + left[x];
        const d = lower + right[x];
        let top = pixels[a] + (pixels[b] - pixels[a]) * wx;
        let bottom = pixels[c] + (pixels[d] - pixels[c]) * wx;
        target[row + x] = (top + (bottom - top) * wy) * gainR + biasR;
        top = pixels[a + 1] + (pixels[b + 1] - pixels[a + 1]) * wx;
        bottom = pixels[c + 1] + (pixels[d + 1] - pixels[c + 1]) * wx;
        target[row + plane + x] = (top + (bottom - top) * wy) * gainG + biasG;
        top = pixels[a + 2] + (pixels[b + 2] - pixels[a + 2]) * wx;
        bottom = pixels[c + 2] + (pixels[d + 2] - pixels[c + 2]) * wx;
        target[row + 2 * plane + x] = (top + (bottom - top) * wy) * gainB + biasB;
      }
    }
  }

  /** writeChwResampled when only the rows differ (shrink-on-load rounded the vertical reduction up): 2 taps. */
  private writeChwResampledRows(
    pixels: Uint8Array,
    sourceHeight: number,
    target: Float32Array,
    offset: number,
    gain: readonly number[],
    bias: readonly number[],
  ): void {
    const plane = this.width * this.height;
    const stride = this.width * 3;
    const sy = sourceHeight / this.height;
    const [gainR, gainG, gainB] = gain;
    const [biasR, biasG, biasB] = bias;
    for (let y = 0; y < this.height; y++) {
      const fy = Math.min(sourceHeight - 1, Math.max(0, (y + 0.5) * sy - 0.5));
      const y0 = Math.floor(fy);
      const wy = fy - y0;
      let upper = y0 * stride;
      let lower = Math.min(sourceHeight - 1, y0 + 1) * stride;
      const row = offset + y * this.width;
      const end = row + this.width;
      for (let i = row; i < end; i++, upper += 3, lower += 3) {
        const r = pixels[upper];
        const g = pixels[upper + 1];
        const b = pixels[upper + 2];
        target[i] = (r + (pixels[lower] - r) * wy) * gainR + biasR;
        target[i + plane] = (g + (pixels[lower + 1] - g) * wy) * gainG + biasG;
        target[i + 2 * plane] = (b + (pixels[lower + 2] - b) * wy) * gainB + biasB;
      }
    }
  }

  private writeChw(pixels: Uint8Array, target: Float32Array, offset: number): void {
    const plane = this.width * this.height;
    const table = this.table;
    const red = offset;
    const green = offset + plane;
    const blue = offset + 2 * plane;
    for (let i = 0, p = 0; i < plane; i++, p += 3) {
      target[red + i] = table[pixels[p]];
      target[green + i] = table[256 + pixels[p + 1]];
      target[blue + i] = table[512 + pixels[p + 2]];
    }
  }

  private rejection(error: unknown): FrameRejectedError {
    if (error instanceof FrameRejectedError) return error;
    const message = error instanceof Error ? error.message : String(error);
    if (/pixel limit/i.test(message)) return new FrameRejectedError('FRAME_TOO_LARGE', message);
    return new FrameRejectedError('FRAME_UNREADABLE', message);
  }
}

/**
 * A reduction of a JPEG by `shrink` on its less-reduced axis: the divisor s + 1 (3, 5 or 9) that lets sharp decode
 * at 1/s (2, 4, 8) by DCT scaling, when reaching it costs that axis at most a tenth of its resolution (upsampled
 * back afterwards); 0 when sharp already picks the largest such s itself or no s is within reach.
 */
export function dctShrinkFactor(shrink: number): number {
  for (const s of [8, 4, 2]) {
    if (shrink >= s + 1) return 0;
    if (shrink >= MIN_RESOLUTION_KEPT * (s + 1)) return s + 1;
  }
  return 0;
}

/** The least fraction of its resolution the short axis keeps when the reduction is rounded up for DCT scaling. */
const MIN_RESOLUTION_KEPT = 0.9;

/** Bilinear resampling of RGB bytes (pixel centres aligned; a 2x reduction averages 2x2 blocks exactly). */
export function resampleBilinear(
  pixels: Uint8Array,
  width: number,
  height: number,
  outWidth: number,
  outHeight: number,
): Uint8Array {
  const out = new Uint8Array(outWidth * outHeight * 3);
  const sx = width / outWidth;
  const sy = height / outHeight;
  for (let y = 0; y < outHeight; y++) {
    const fy = Math.min(height - 1, Math.max(0, (y + 0.5) * sy - 0.5));
    const y0 = Math.floor(fy);
    const y1 = Math.min(height - 1, y0 + 1);
    const wy = fy - y0;
    for (let x = 0; x < outWidth; x++) {
      const fx = Math.min(width - 1, Math.max(0, (x + 0.5) * sx - 0.5));
      const x0 = Math.floor(fx);
      const x1 = Math.min(width - 1, x0 + 1);
      const wx = fx - x0;
      const a = (y0 * width + x0) * 3;
      const b = (y0 * width + x1) * 3;
      const c = (y1 * width + x0) * 3;
      const d = (y1 * width + x1) * 3;
      const o = (y * outWidth + x) * 3;
      for (let k = 0; k < 3; k++) {
        const top = pixels[a + k] + (pixels[b + k] - pixels[a + k]) * wx;
        const bottom = pixels[c + k] + (pixels[d + k] - pixels[c + k]) * wx;
        out[o + k] = Math.round(top + (bottom - top) * wy);
      }
    }
  }
  return out;
}
