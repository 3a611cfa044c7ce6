import { randomBytes } from 'node:crypto';
import { hmacSha256Hex } from './secret-hash';
import type { ServerSecret } from './secret-hash';

/** 256 random bits (RFC 8628 asks for at least 128), base64url without padding: 43 characters. */
export const DEVICE_CODE_BYTES = 32;
const WELL_FORMED = /^[A-Za-z0-9_-]{43}$/;

/** A fresh device code: only the agent that asked for the pairing ever sees it. */
export function generateDeviceCode(): string {
  return randomBytes(DEVICE_CODE_BYTES).toString('base64url');
}

/** Shape check before any lookup, so that junk never reaches the database. */
export function isWellFormedDeviceCode(value: unknown): value is string {
  return typeof value === 'string' && WELL_FORMED.test(value);
}

export function hashDeviceCode(code: string, secret: ServerSecret): string {
  return hmacSha256Hex(secret, 'device-code', code);
}
