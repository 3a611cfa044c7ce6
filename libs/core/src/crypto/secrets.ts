import { createHash, createHmac, randomBytes, timingSafeEqual } from 'node:crypto';

/** URL-safe random secret of `bytes` bytes from the OS CSPRNG. */
export function randomSecret(bytes = 32): string {
  return randomBytes(bytes).toString('base64url');
}

export function sha256Hex(value: string | Buffer): string {
  return createHash('sha256').update(value).digest('hex');
}

export function hmacHex(key: string, value: string): string {
  return createHmac('sha256', key).update(value).digest('hex');
}

/** Constant-time comparison of two hex digests (false on any length mismatch). */
export function digestsEqual(a: string, b: string): boolean {
  const left = Buffer.from(a, 'hex');
  const right = Buffer.from(b, 'hex');
  return left.length === right.length && left.length > 0 && timingSafeEqual(left, right);
}

/**
 * Secrets shaped `<prefix>_<id>_<secret>`: the id (not secret) finds the row, the secret is checked against the
 * stored SHA-256 in constant time. The prefix makes a leaked secret recognisable to secret scanners.
 */
export interface SplitToken {
  id: string;
  secret: string;
}

export function composeToken(prefix: string, id: string, secret: string): string {
  return `${prefix}_${id}_${secret}`;
}

export function splitToken(prefix: string, token: string): SplitToken | null {
  if (!token.startsWith(`${prefix}_`)) return null;
  const rest = token.slice(prefix.length + 1);
  const separator = rest.indexOf('_');
  if (separator <= 0) return null;
  const id = rest.slice(0, separator);
  const secret = rest.slice(separator + 1);
  if (!/^[A-Za-z0-9-]{8,64}$/.test(id) || !/^[A-Za-z0-9_-]{20,128}$/.test(secret)) return null;
  return { id, secret };
}
