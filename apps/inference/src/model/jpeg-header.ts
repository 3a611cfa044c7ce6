/**
 * The size and EXIF orientation of a JPEG, read from its markers in JavaScript: what the preprocessor needs before
 * it picks the decode size, without a sharp metadata() call (a libvips pipeline of its own, ~0.3 ms of CPU).
 * Undefined whenever anything is unusual (not a JPEG, a marker cut short, no scan, no or two frame headers before
 * the first scan, a size of 0, more than one EXIF block, an orientation outside 1..8): the caller then asks sharp. The decode itself is
 * still sharp's, with its limits, and its output size is checked against what this header promised.
 */
export interface JpegHeader {
  /** Width and height after the EXIF orientation (as sharp's autoOrient sees the frame). */
  width: number;
  height: number;
  /** EXIF orientation 1..8 (1 when there is none). */
  orientation: number;
}

/** Frame headers (SOF0..SOF15), less DHT (C4), JPG (C8) and DAC (CC), which share the range. */
function isFrameHeader(marker: number): boolean {
  return marker >= 0xc0 && marker <= 0xcf && marker !== 0xc4 && marker !== 0xc8 && marker !== 0xcc;
}

/** The markers that carry no length: TEM and RST0..7 (SOI and EOI never occur between SOI and the frame header). */
function isStandalone(marker: number): boolean {
  return marker === 0x01 || (marker >= 0xd0 && marker <= 0xd7);
}

const EXIF_ID = [0x45, 0x78, 0x69, 0x66, 0x00, 0x00]; // "Exif\0\0"
const ORIENTATION_TAG = 0x0112;
const SHORT = 3;

export function readJpegHeader(bytes: Uint8Array): JpegHeader | undefined {
  if (bytes.length < 4 || bytes[0] !== 0xff || bytes[1] !== 0xd8 || bytes[2] !== 0xff) return undefined;
  let orientation: number | undefined;
  let exifBlocks = 0;
  let frame: { width: number; height: number } | undefined;
  let at = 2;
  while (at + 1 < bytes.length) {
    if (bytes[at] !== 0xff) return undefined;
    const marker = bytes[at + 1];
    if (marker === 0xff) {
      at += 1; // fill byte
      continue;
    }
    if (isStandalone(marker)) {
      at += 2;
      continue;
    }
    if (marker === 0xd9) return undefined; // the end before any scan
    if (at + 3 >= bytes.length) return undefined;
    const length = (bytes[at + 2] << 8) | bytes[at + 3];
    const start = at + 4;
    const end = at + 2 + length;
    if (length < 2 || end > bytes.length) return undefined;
    if (marker === 0xda) {
      // The first scan: every marker that matters (frame header, EXIF) came before it.
      if (!frame) return undefined;
      const turned = (orientation ?? 1) >= 5;
      return {
        width: turned ? frame.height : frame.width,
        height: turned ? frame.width : frame.height,
        orientation: orientation ?? 1,
      };
    }
    if (marker === 0xe1 && startsWith(bytes, start, end, EXIF_ID)) {
      exifBlocks += 1;
      if (exifBlocks > 1) return undefined;
      orientation = exifOrientation(bytes, start + EXIF_ID.length, end);
      if (orientation === undefined) return undefined;
    }
    if (isFrameHeader(marker)) {
      if (frame || length < 8) return undefined;
      const height = (bytes[start + 1] << 8) | bytes[start + 2];
      const width = (bytes[start + 3] << 8) | bytes[start + 4];
      if (width === 0 || height === 0) return undefined;
      frame = { width, height };
    }
    at = end;
  }
  return undefined;
}

function startsWith(bytes: Uint8Array, start: number, end: number, prefix: readonly number[]): boolean {
  if (end - start < prefix.length) return false;
  return prefix.every((value, i) => bytes[start + i] === value);
}

/** The orientation in IFD0 of a TIFF block at bytes[start, end): 1 when absent, undefined when malformed. */
function exifOrientation(bytes: Uint8Array, start: number, end: number): number | undefined {
  if (end - start < 8) return undefined;
  const little = bytes[start] === 0x49 && bytes[start + 1] === 0x49;
  const big = bytes[start] === 0x4d && bytes[start + 1] === 0x4d;
  if (!little && !big) return undefined;
  const u16 = (at: number) => (little ? bytes[at] | (bytes[at + 1] << 8) : (bytes[at] << 8) | bytes[at + 1]);
  const u32 = (at: number) => (little ? u16(at) + u16(at + 2) * 0x10000 : u16(at) * 0x10000 + u16(at + 2));
  if (u16(start + 2) !== 42) return undefined;
  const ifd = start + u32(start + 4);
  if (ifd + 2 > end) return undefined;
  const entries = u16(ifd);
  if (ifd + 2 + entries * 12 > end) return undefined;
  for (let k = 0; k < entries; k++) {
    const entry = ifd + 2 + k * 12;
    if (u16(entry) !== ORIENTATION_TAG) continue;
    if (u16(entry + 2) !== SHORT || u32(entry + 4) !== 1) return undefined;
    const value = u16(entry + 8);
    return value >= 1 && value <= 8 ? value : undefined;
  }
  return 1;
}
