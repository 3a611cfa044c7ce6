import { constantTimeEqual, randomString, sha256Hex } from './secret-hash';

/**
 * Enrollment tokens and agent credentials share one format:
 *
 *   fh_enr_<id>_<secret>     fh_agent_<id>_<secret>
 *
 * - the prefix says what it is (and lets secret scanners find a leaked one);
 * - `id`: 12 lowercase Crockford base32 characters (60 bits), not secret, stored in clear, so the server finds the row
 *   with an indexed lookup and logs/audits can name the token without revealing it;
 * - `secret`: 43 base62 characters, 43 * log2(62) = 256.03 bits from crypto randomness. Base62 has no `-` or `_`, so
 *   a double click selects the whole token in a terminal.
 *
 * The server stores SHA-256 of the whole token and compares digests with timingSafeEqual.
 */
export type SecretTokenKind = 'enrollment' | 'agent';

export const SECRET_TOKEN_PREFIXES: Readonly<Record<SecretTokenKind, string>> = {
  enrollment: 'fh_enr_',
  agent: 'fh_agent_',
};

const ID_ALPHABET = '0123456789abcdefghjkmnpqrstvwxyz';
const SECRET_ALPHABET = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';
export const SECRET_TOKEN_ID_LENGTH = 12;
export const SECRET_TOKEN_SECRET_LENGTH = 43;
const TOKEN = /^fh_(enr|agent)_([0-9a-hjkmnp-tv-z]{12})_([0-9A-Za-z]{43})$/;
const MAX_INPUT_LENGTH = 128;

export interface IssuedSecretToken {
  kind: SecretTokenKind;
  /** The full token: shown once, never stored or logged. */
  token: string;
  /** Stored in clear; the lookup key. */
  id: string;
  /** SHA-256 hex of `token`; stored. */
  hash: string;
}

export interface ParsedSecretToken {
  kind: SecretTokenKind;
  id: string;
}

export function issueEnrollmentToken(): IssuedSecretToken {
  return issue('enrollment');
}

export function issueAgentCredential(): IssuedSecretToken {
  return issue('agent');
}

function issue(kind: SecretTokenKind): IssuedSecretToken {
  const id = randomString(ID_ALPHABET, SECRET_TOKEN_ID_LENGTH);
  const token = `${SECRET_TOKEN_PREFIXES[kind]}${id}_${randomString(SECRET_ALPHABET, SECRET_TOKEN_SECRET_LENGTH)}`;
  return { kind, token, id, hash: sha256Hex(token) };
}

/**
 * Kind and id of a presented token, or null when it is not well formed (or not of `expected` kind). Surrounding
 * whitespace from copy and paste is ignored; nothing else is.
 */
export function parseSecretToken(presented: unknown, expected?: SecretTokenKind): ParsedSecretToken | null {
  if (typeof presented !== 'string' || presented.length > MAX_INPUT_LENGTH) return null;
  const match = TOKEN.exec(presented.trim());
  if (match === null) return null;
  const kind: SecretTokenKind = match[1] === 'enr' ? 'enrollment' : 'agent';
  if (expected !== undefined && kind !== expected) return null;
  return { kind, id: match[2] };
}

export function hashSecretToken(token: string): string {
  return sha256Hex(token.trim());
}

/** Whether `presented` hashes to `storedHash`, compared in constant time. */
export function verifySecretToken(presented: string, storedHash: string): boolean {
  return constantTimeEqual(hashSecretToken(presented), storedHash);
}

/** A loggable stand-in: prefix and id, never the secret (`fh_agent_7k2m9q4r8t1v_…`). */
export function redactSecretToken(presented: string): string {
  const parsed = parseSecretToken(presented);
  return parsed === null ? '[malformed token]' : `${SECRET_TOKEN_PREFIXES[parsed.kind]}${parsed.id}_…`;
}
