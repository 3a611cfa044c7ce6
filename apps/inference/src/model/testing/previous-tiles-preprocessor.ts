import sharp from 'sharp';
import {
  DEFAULT_PREPROCESS_OPTIONS,
  FrameRejectedError,
  regionOfInterestSchema,
  type FrameGeometry,
  type RegionOfInterest,
} from '../frame-preprocessor';
import { readJpegHeader } from '../jpeg-header';
import type { ModelInput, TilesConfig } from '../model-manifest';

/**
 * The tiled preprocessing as it was before issue 16 point 8 (commit 54d897c), frozen as the baseline that
 * bench/preprocess-stages.ts measures in the same process and that frame-preprocessor.spec.ts pins the current path
 * against: the whole frame resized first and the region cut in scaled coordinates even when no JPEG shrink-on-load
 * follows, then the grid normalized into float planes and each tile copied out of them. JPEG frames of 'resize'
 * inputs only (the bench's and the pinning test's case); not used in production.
 */
export class PreviousTilesPreprocessor {
  readonly width: number;
  readonly height: number;
  readonly frameLength: number;
  private readonly table: Float32Array;
  private scratch: Float32Array | undefined;

  constructor(private readonly input: ModelInput) {
    this.height = input.shape[2];
    this.width = input.shape[3];
    this.frameLength = 3 * this.width * this.height;
    const { scale, mean, std } = input.normalization;
    this.table = new Float32Array(3 * 256);
    for (let c = 0; c < 3; c++) {
      for (let v = 0; v < 256; v++) this.table[c * 256 + v] = (v * scale - mean[c]) / std[c];
    }
  }

  async preprocessTilesInto(
    image: Uint8Array,
    target: Float32Array,
    firstSlot: number,
    tiles: TilesConfig,
    regionOfInterest: RegionOfInterest,
  ): Promise<Pick<FrameGeometry, 'frameWidth' | 'frameHeight' | 'region'>> {
    const [cols, rows] = tiles.grid;
    const bigWidth = Math.round(this.width * (cols - (cols - 1) * tiles.overlap));
    const bigHeight = Math.round(this.height * (rows - (rows - 1) * tiles.overlap));
    const { pixels, geometry } = await this.decodeRegion(image, regionOfInterest, bigWidth, bigHeight);
    const planes = this.gridPlanes(pixels, bigWidth, bigHeight);
    let slot = firstSlot;
    if (tiles.includeWhole) {
      this.writeWholeFromPlanes(planes, bigWidth, bigHeight, target, slot * this.frameLength);
      slot++;
    }
    for (const top of offsets(bigHeight, this.height, rows)) {
      for (const left of offsets(bigWidth, this.width, cols)) {
        this.copyWindowFromPlanes(planes, bigWidth, bigHeight, left, top, target, slot * this.frameLength);
        slot++;
      }
    }
    return geometry;
  }

  private async decodeRegion(
    image: Uint8Array,
    regionOfInterest: RegionOfInterest,
    width: number,
    height: number,
  ): Promise<{ pixels: Uint8Array; geometry: Pick<FrameGeometry, 'frameWidth' | 'frameHeight' | 'region'> }> {
    const roi = regionOfInterestSchema.parse(regionOfInterest);
    const header = readJpegHeader(image);
    if (!header) throw new FrameRejectedError('FRAME_FORMAT_NOT_ALLOWED', 'the baseline reads JPEG frames only');
    const { width: frameWidth, height: frameHeight } = header;
    const left = Math.min(frameWidth - 1, Math.max(0, Math.floor(roi.x * frameWidth)));
    const top = Math.min(frameHeight - 1, Math.max(0, Math.floor(roi.y * frameHeight)));
    const right = Math.min(frameWidth, Math.max(left + 1, Math.ceil((roi.x + roi.w) * frameWidth - 1e-6)));
    const bottom = Math.min(frameHeight, Math.max(top + 1, Math.ceil((roi.y + roi.h) * frameHeight - 1e-6)));
    const region = { left, top, width: right - left, height: bottom - top };
    const scaleX = width / region.width;
    const scaleY = height / region.height;
    if (scaleX > 1 || scaleY > 1) throw new Error('the baseline covers shrinking regions only');
    const scaledWidth = Math.max(width, Math.round(frameWidth * scaleX));
    const scaledHeight = Math.max(height, Math.round(frameHeight * scaleY));
    if (Math.min(1 / scaleX, 1 / scaleY) >= 2.7) throw new Error('the baseline covers reductions without DCT scaling');
    const options = DEFAULT_PREPROCESS_OPTIONS;
    let pipeline = sharp(image, {
      limitInputPixels: options.limitInputPixels,
      failOn: options.failOn,
      autoOrient: true,
    })
      .timeout({ seconds: options.timeoutSeconds })
      .resize(scaledWidth, scaledHeight, { fit: 'fill', kernel: this.input.kernel, fastShrinkOnLoad: true });
    const whole = region.width === frameWidth && region.height === frameHeight;
    if (!whole || scaledWidth !== width || scaledHeight !== height) {
      pipeline = pipeline.extract({
        left: Math.min(scaledWidth - width, Math.round(region.left * (scaledWidth / frameWidth))),
        top: Math.min(scaledHeight - height, Math.round(region.top * (scaledHeight / frameHeight))),
        width,
        height,
      });
    }
    const pixels = await pipeline.removeAlpha().toColourspace('srgb').raw({ depth: 'uchar' }).toBuffer();
    return { pixels, geometry: { frameWidth, frameHeight, region } };
  }

  private gridPlanes(pixels: Uint8Array, width: number, height: number): Float32Array {
    const plane = width * height;
    if (!this.scratch || this.scratch.length < 3 * plane) this.scratch = new Float32Array(3 * plane);
    const planes = this.scratch;
    const table = this.table;
    for (let i = 0, p = 0; i < plane; i++, p += 3) {
      planes[i] = table[pixels[p]];
      planes[plane + i] = table[256 + pixels[p + 1]];
      planes[2 * plane + i] = table[512 + pixels[p + 2]];
    }
    return planes;
  }

  private copyWindowFromPlanes(
    planes: Float32Array,
    stride: number,
    rows: number,
    left: number,
    top: number,
    target: Float32Array,
    offset: number,
  ): void {
    const width = this.width;
    const plane = width * this.height;
    const sourcePlane = stride * rows;
    for (let c = 0; c < 3; c++) {
      for (let y = 0; y < this.height; y++) {
        const from = c * sourcePlane + (top + y) * stride + left;
        target.set(planes.subarray(from, from + width), offset + c * plane + y * width);
      }
    }
  }

  /** The exact 2x reduction only (the default grid's case): 2x2 block averages. */
  private writeWholeFromPlanes(
    planes: Float32Array,
    sourceWidth: number,
    sourceHeight: number,
    target: Float32Array,
    offset: number,
  ): void {
    const width = this.width;
    const height = this.height;
    if (sourceWidth !== 2 * width || sourceHeight !== 2 * height) throw new Error('the baseline covers a 2x grid only');
    const plane = width * height;
    const sourcePlane = sourceWidth * sourceHeight;
    for (let c = 0; c < 3; c++) {
      for (let y = 0; y < height; y++) {
        let upper = c * sourcePlane + 2 * y * sourceWidth;
        let lower = upper + sourceWidth;
        const row = offset + c * plane + y * width;
        for (let x = 0; x < width; x++, upper += 2, lower += 2) {
          target[row + x] = (planes[upper] + planes[upper + 1] + planes[lower] + planes[lower + 1]) * 0.25;
        }
      }
    }
  }
}

function offsets(big: number, side: number, cells: number): number[] {
  return Array.from({ length: cells }, (_, k) => (cells > 1 ? Math.round((k * (big - side)) / (cells - 1)) : 0));
}
