import { createHash, createHmac, randomBytes, timingSafeEqual } from 'node:crypto';

/** The server secret keying code HMACs (from config): at least 32 bytes. */
export type ServerSecret = string | Uint8Array;

export const MIN_SERVER_SECRET_BYTES = 32;

/** Purposes keep one server secret from producing the same HMAC for a user code and a device code. */
export type HmacPurpose = 'user-code' | 'device-code';

/**
 * HMAC-SHA256 of `value` under the server secret, as 64 hex characters. Used for codes: a user code has only 40 bits,
 * so a plain hash in a leaked database would be reversed by trying all 2^40 codes; without the secret it cannot be.
 */
export function hmacSha256Hex(secret: ServerSecret, purpose: HmacPurpose, value: string): string {
  const key = typeof secret === 'string' ? Buffer.from(secret, 'utf8') : secret;
  if (key.byteLength < MIN_SERVER_SECRET_BYTES) {
    throw new RangeError(`The code-hashing secret must be at least ${MIN_SERVER_SECRET_BYTES} bytes long.`);
  }
  return createHmac('sha256', key).update(`farmhand:${purpose}:v1:`).update(value, 'utf8').digest('hex');
}

/**
 * SHA-256 as 64 hex characters. Enough for tokens and credentials: they carry 256 random bits, so there is nothing to
 * brute-force, and a lookup needs no secret that could be lost or rotated.
 */
export function sha256Hex(value: string): string {
  return createHash('sha256').update(value, 'utf8').digest('hex');
}

/**
 * Compares two strings (typically hex digests) in time that depends only on their lengths, which are public.
 * Different lengths compare a buffer with itself so that both paths call timingSafeEqual once.
 */
export function constantTimeEqual(a: string, b: string): boolean {
  const left = Buffer.from(a, 'utf8');
  const right = Buffer.from(b, 'utf8');
  if (left.length !== right.length) {
    timingSafeEqual(left, left);
    return false;
  }
  return timingSafeEqual(left, right);
}

/**
 * `length` characters drawn uniformly from `alphabet` with crypto randomness. Bytes at or above the largest multiple
 * of the alphabet size are rejected, so no character is more likely than another (no modulo bias).
 */
export function randomString(alphabet: string, length: number): string {
  if (alphabet.length < 2 || alphabet.length > 256) throw new RangeError('The alphabet must have 2 to 256 characters.');
  const limit = 256 - (256 % alphabet.length);
  let result = '';
  while (result.length < length) {
    for (const byte of randomBytes(length - result.length + 8)) {
      if (byte >= limit) continue;
      result += alphabet[byte % alphabet.length];
      if (result.length === length) break;
    }
  }
  return result;
}
