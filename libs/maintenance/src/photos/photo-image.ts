import { DomainException } from '@farmhand/core';
import sharp from 'sharp';

export const MAX_PHOTO_BYTES = 15 * 1024 * 1024;
/** A 48-megapixel phone photo passes; a decompression bomb (a small file that decodes to gigapixels) does not. */
export const MAX_PHOTO_PIXELS = 50_000_000;
export const MAX_PHOTO_EDGE = 2048;
export const PHOTO_TYPES = ['image/jpeg', 'image/png', 'image/webp'] as const;

const FORMAT_OF: Record<(typeof PHOTO_TYPES)[number], string> = {
  'image/jpeg': 'jpeg',
  'image/png': 'png',
  'image/webp': 'webp',
};

/**
 * Decodes an uploaded photo and re-encodes it as a JPEG at most 2048 px on its long edge: what is stored is pixels
 * Farmhand wrote, not the upload (no EXIF, GPS, ICC or comments survive: sharp writes no metadata unless asked; the
 * EXIF orientation is applied first). The declared type must match the bytes; the pixel count is capped before
 * decoding (`limitInputPixels`) so a bomb is refused from its header.
 */
export async function reencodePhoto(
  bytes: Buffer,
  declaredType: string,
): Promise<{ jpeg: Buffer; width: number; height: number }> {
  const expected = FORMAT_OF[declaredType as keyof typeof FORMAT_OF];
  if (!expected)
    throw new DomainException('unsupported_media_type', 'photo_type', 'Send a JPEG, PNG or WebP photo', 'photo');
  let format: string | undefined;
  try {
    ({ format } = await sharp(bytes, { limitInputPixels: MAX_PHOTO_PIXELS }).metadata());
  } catch (error) {
    throw unreadable(error);
  }
  if (format !== expected)
    throw DomainException.invalid('photo_type_mismatch', `The photo is not a ${declaredType} image`, 'photo');
  try {
    const { data, info } = await sharp(bytes, { limitInputPixels: MAX_PHOTO_PIXELS, failOn: 'error' })
      .rotate()
      .resize({ width: MAX_PHOTO_EDGE, height: MAX_PHOTO_EDGE, fit: 'inside', withoutEnlargement: true })
      .jpeg({ quality: 85, mozjpeg: false })
      .toBuffer({ resolveWithObject: true });
    return { jpeg: data, width: info.width, height: info.height };
  } catch (error) {
    throw unreadable(error);
  }
}

function unreadable(error: unknown): DomainException {
  if (error instanceof Error && /pixel limit/i.test(error.message))
    return new DomainException(
      'too_large',
      'photo_too_many_pixels',
      `The photo has more than ${MAX_PHOTO_PIXELS} pixels`,
      'photo',
    );
  return DomainException.invalid('photo_unreadable', 'The photo cannot be read as an image', 'photo');
}
