import sharp from 'sharp';
import { z } from 'zod';
import type { ModelInput } from './model-manifest';

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
    let frameWidth: number;
    let frameHeight: number;
    try {
      const metadata = await sharp(image, sharpOptions).metadata();
      if (!this.options.allowedFormats.includes(metadata.format)) {
        throw new FrameRejectedError('FRAME_FORMAT_NOT_ALLOWED', `format ${metadata.format} is not accepted`);
      }
      frameWidth = metadata.autoOrient.width;
      frameHeight = metadata.autoOrient.height;
      if (frameWidth * frameHeight > this.options.limitInputPixels) {
        throw new FrameRejectedError('FRAME_TOO_LARGE', `image has ${frameWidth}x${frameHeight} pixels`);
      }
    } catch (error) {
      throw this.rejection(error);
    }

    const region = regionInPixels(roi.data, frameWidth, frameHeight);
    const placed = this.placement(region.width, region.height);
    let pipeline = sharp(image, sharpOptions).timeout({ seconds: this.options.timeoutSeconds });
    if (region.width !== frameWidth || region.height !== frameHeight) pipeline = pipeline.extract(region);
    pipeline = pipeline.resize(placed.width, placed.height, { fit: 'fill', kernel: this.input.kernel });
    if (placed.width !== this.width || placed.height !== this.height) {
      const [r, g, b] = this.input.letterboxColor;
      pipeline = pipeline.extend({
        top: placed.top,
        left: placed.left,
        bottom: this.height - placed.height - placed.top,
        right: this.width - placed.width - placed.left,
        background: { r, g, b, alpha: 1 },
      });
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
    const { width, height, channels } = raw.info;
    if (width !== this.width || height !== this.height || channels !== 3 || raw.data.length !== this.frameLength) {
      throw new FrameRejectedError(
        'FRAME_UNREADABLE',
        `decoded to ${width}x${height}x${channels}, expected ${this.width}x${this.height}x3`,
      );
    }
    this.writeChw(raw.data, target, offset);
    return { frameWidth, frameHeight, region, placed, inputWidth: this.width, inputHeight: this.height };
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

  private writeChw(pixels: Buffer, target: Float32Array, offset: number): void {
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
