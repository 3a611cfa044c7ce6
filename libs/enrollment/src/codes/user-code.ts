import { hmacSha256Hex, randomString } from './secret-hash';
import type { ServerSecret } from './secret-hash';

/**
 * Crockford's base32: digits and letters without I, L, O and U. 32 symbols give 5 bits per character, so 10
 * characters give 2^50 (1.1e15) codes. That space is what lets the server-wide lockout allow a million failures per
 * code lifetime, more than cheap accounts from many addresses can spend, while a guess stays under one in a million
 * with a thousand pairings open at once (docs/security.md). Shown as two groups of five (`ABCDE-FGHJK`); the letters
 * people confuse with digits are accepted and mapped on input (O -> 0, I and L -> 1).
 */
export const USER_CODE_ALPHABET = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';
export const USER_CODE_LENGTH = 10;
export const USER_CODE_LIFETIME_SECONDS = 10 * 60;

const CANONICAL = /^[0-9A-HJKMNP-TV-Z]{10}$/;
// Spaces, ASCII and Unicode dashes (a code copied from a chat or a PDF), all removed before matching.
const SEPARATORS = /[\s\-\u2010-\u2015\u2212]/g;
const MAX_INPUT_LENGTH = 64;

/** A fresh user code in canonical form (10 characters, no dash). */
export function generateUserCode(): string {
  return randomString(USER_CODE_ALPHABET, USER_CODE_LENGTH);
}

/** Display form: two groups of five, `ABCDE-FGHJK`, easy to read aloud and to type. */
export function formatUserCode(code: string): string {
  return `${code.slice(0, 5)}-${code.slice(5)}`;
}

/**
 * Canonical form of what a person typed, or null when it cannot be a user code: uppercased, spaces and dashes
 * removed, O read as 0 and I/L as 1. A null still counts as a failed attempt for the lockout.
 */
export function normalizeUserCode(input: string): string | null {
  if (typeof input !== 'string' || input.length > MAX_INPUT_LENGTH) return null;
  const code = input.replace(SEPARATORS, '').toUpperCase().replace(/O/g, '0').replace(/[IL]/g, '1');
  return CANONICAL.test(code) ? code : null;
}

export function isCanonicalUserCode(code: string): boolean {
  return CANONICAL.test(code);
}

/** What the database stores and looks up; `code` must be canonical (see `normalizeUserCode`). */
export function hashUserCode(code: string, secret: ServerSecret): string {
  if (!CANONICAL.test(code)) throw new RangeError('hashUserCode takes a canonical user code; normalize it first.');
  return hmacSha256Hex(secret, 'user-code', code);
}
