import type { GcodeThumbnail, ThumbnailFormat } from './gcode-analysis';

export interface ThumbnailLimits {
  /** Decoded bytes kept over all thumbnails of one file; a block that would pass it is skipped. */
  maxTotalBytes: number;
  maxCount: number;
}

export const DEFAULT_THUMBNAIL_LIMITS: ThumbnailLimits = { maxTotalBytes: 4 * 1024 * 1024, maxCount: 16 };

const MAX_DIMENSION = 4096;
const BEGIN = /^thumbnail(?:_(png|jpg|qoi))?\s+begin\s+(\d{1,5})\s*[x ]\s*(\d{1,5})(?:\s+(\d{1,10}))?/i;
const END = /^thumbnail(?:_(?:png|jpg|qoi))?\s+end\b/i;
const BASE64 = /^[A-Za-z0-9+/=]*$/;

interface OpenBlock {
  format: ThumbnailFormat;
  width: number;
  height: number;
  parts: string[];
  base64Length: number;
  budget: number;
  overBudget: boolean;
}

/**
 * Collects the thumbnails PrusaSlicer, OrcaSlicer, Bambu Studio and Cura's thumbnail script embed as comment
 * blocks: `; thumbnail begin 300x300 12345`, `; thumbnail_JPG begin ...`, `; thumbnail_QOI begin ...`, base64
 * lines, then the matching `end`. Broken blocks (no end, bad base64, wrong magic bytes) are dropped silently:
 * a missing preview never refuses a print.
 */
export class ThumbnailCollector {
  private readonly thumbnails: GcodeThumbnail[] = [];
  private totalBytes = 0;
  private block: OpenBlock | null = null;

  constructor(private readonly limits: ThumbnailLimits = DEFAULT_THUMBNAIL_LIMITS) {}

  get active(): boolean {
    return this.block !== null;
  }

  /** `text` is the comment after ';' and leading blanks. Returns true when it opened a block. */
  begin(text: string): boolean {
    const match = BEGIN.exec(text);
    if (!match) return false;
    const width = Number(match[2]);
    const height = Number(match[3]);
    const budget = this.limits.maxTotalBytes - this.totalBytes;
    this.block = {
      format: (match[1]?.toLowerCase() as ThumbnailFormat | undefined) ?? 'png',
      width,
      height,
      parts: [],
      base64Length: 0,
      budget,
      overBudget: this.thumbnails.length >= this.limits.maxCount || budget <= 0,
    };
    return true;
  }

  /** A comment line inside an open block: base64 data or the end marker. */
  line(text: string): void {
    const block = this.block;
    if (!block) return;
    if (END.test(text)) {
      this.block = null;
      if (!block.overBudget) this.finish(block);
      return;
    }
    if (block.overBudget) return;
    const data = text.trim();
    if (!BASE64.test(data)) {
      this.block = null;
      return;
    }
    block.base64Length += data.length;
    if ((block.base64Length * 3) / 4 > block.budget) {
      block.overBudget = true;
      block.parts = [];
      return;
    }
    block.parts.push(data);
  }

  /** A non-comment line arrived inside a block: the block is broken. */
  interrupt(): void {
    this.block = null;
  }

  result(): GcodeThumbnail[] {
    return this.thumbnails;
  }

  private finish(block: OpenBlock): void {
    const data = Buffer.from(block.parts.join(''), 'base64');
    if (data.length === 0 || data.length > block.budget) return;
    const size = measure(block.format, data);
    if (!size) return;
    const width = size[0] || block.width;
    const height = size[1] || block.height;
    if (width <= 0 || height <= 0 || width > MAX_DIMENSION || height > MAX_DIMENSION) return;
    this.thumbnails.push({ format: block.format, width, height, data });
    this.totalBytes += data.length;
  }
}

/**
 * Checks the magic bytes of the decoded image and reads its real size where the header is fixed (PNG, QOI).
 * Returns null when the bytes are not the announced format; [0, 0] when the size is not read (JPEG).
 */
function measure(format: ThumbnailFormat, data: Buffer): [number, number] | null {
  switch (format) {
    case 'png':
      if (data.length < 24 || data.readUInt32BE(0) !== 0x89504e47 || data.toString('latin1', 12, 16) !== 'IHDR') {
        return null;
      }
      return [data.readUInt32BE(16), data.readUInt32BE(20)];
    case 'qoi':
      if (data.length < 14 || data.toString('latin1', 0, 4) !== 'qoif') return null;
      return [data.readUInt32BE(4), data.readUInt32BE(8)];
    case 'jpg':
      if (data.length < 4 || data[0] !== 0xff || data[1] !== 0xd8 || data[2] !== 0xff) return null;
      return [0, 0];
  }
}
