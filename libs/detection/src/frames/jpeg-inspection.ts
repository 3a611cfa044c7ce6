import sharp from 'sharp';

export type JpegProblem = 'not_jpeg' | 'truncated' | 'too_many_pixels' | 'unreadable';

export type JpegInspection =
  { ok: true; width: number; height: number } | { ok: false; problem: JpegProblem; message: string };

const SOI = 0xd8;
const EOI = 0xd9;
const SOS = 0xda;

/**
 * Walks the JPEG's marker segments up to the start of scan and checks that the file ends with an end-of-image
 * marker. Reads bytes only: nothing is decoded, so a hostile file costs no more than its length.
 */
export function checkJpegStructure(
  bytes: Uint8Array,
): { ok: true } | { ok: false; problem: JpegProblem; message: string } {
  if (bytes.length < 4 || bytes[0] !== 0xff || bytes[1] !== SOI || bytes[2] !== 0xff) {
    return { ok: false, problem: 'not_jpeg', message: 'The frame is not a JPEG image' };
  }
  let offset = 2;
  let sawScan = false;
  while (offset + 4 <= bytes.length) {
    if (bytes[offset] !== 0xff) return { ok: false, problem: 'unreadable', message: 'The JPEG has a corrupt header' };
    const marker = bytes[offset + 1];
    if (marker === 0xff) {
      offset += 1; // fill byte
      continue;
    }
    if (marker === SOI || marker === EOI || (marker >= 0xd0 && marker <= 0xd7)) {
      return { ok: false, problem: 'unreadable', message: 'The JPEG has a marker out of place in its header' };
    }
    const length = (bytes[offset + 2] << 8) | bytes[offset + 3];
    if (length < 2 || offset + 2 + length > bytes.length) {
      return { ok: false, problem: 'truncated', message: 'The JPEG ends inside its header' };
    }
    offset += 2 + length;
    if (marker === SOS) {
      sawScan = true;
      break;
    }
  }
  if (!sawScan) return { ok: false, problem: 'truncated', message: 'The JPEG has no image data' };
  // Some encoders pad after the end-of-image marker; a truncated upload has no marker at all.
  let end = bytes.length;
  while (end > offset && (bytes[end - 1] === 0x00 || bytes[end - 1] === 0x0a || bytes[end - 1] === 0x0d)) end -= 1;
  if (end - offset < 2 || bytes[end - 2] !== 0xff || bytes[end - 1] !== EOI) {
    return { ok: false, problem: 'truncated', message: 'The JPEG is truncated (no end-of-image marker)' };
  }
  return { ok: true };
}

/**
 * What the api checks before storing a frame: a JPEG, whole, whose header declares no more than `maxPixels`. sharp
 * reads the header only (`metadata()` decodes no pixels, on libuv's pool), so a decompression bomb is refused for
 * the size it declares without ever being expanded.
 */
export async function inspectJpeg(bytes: Uint8Array, maxPixels: number): Promise<JpegInspection> {
  const structure = checkJpegStructure(bytes);
  if (!structure.ok) return structure;
  let metadata: sharp.Metadata;
  try {
    metadata = await sharp(bytes, { limitInputPixels: maxPixels, failOn: 'error' }).metadata();
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    if (/pixel limit/i.test(message)) {
      return { ok: false, problem: 'too_many_pixels', message: `The frame has more than ${maxPixels} pixels` };
    }
    return { ok: false, problem: 'unreadable', message: 'The frame is not a readable JPEG image' };
  }
  if (metadata.format !== 'jpeg') return { ok: false, problem: 'not_jpeg', message: 'The frame is not a JPEG image' };
  const width = metadata.width ?? 0;
  const height = metadata.height ?? 0;
  if (width < 1 || height < 1) return { ok: false, problem: 'unreadable', message: 'The JPEG declares no size' };
  if (width * height > maxPixels) {
    return {
      ok: false,
      problem: 'too_many_pixels',
      message: `The frame has ${width}x${height} pixels, more than the ${maxPixels} allowed`,
    };
  }
  return { ok: true, width, height };
}
