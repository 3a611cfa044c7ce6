import { createHash, randomBytes } from 'node:crypto';

/**
 * HTTP Digest access authentication, client side (RFC 7616): MD5 and SHA-256 (and their `-sess` variants), `qop=auth`
 * with nonce counting, and the RFC 2069 form without `qop` that Prusa's Buddy firmware (MK4, MINI, XL) answers with.
 * No `auth-int` (it would hash every upload twice) and no `userhash`.
 */

export type DigestAlgorithm = 'MD5' | 'MD5-sess' | 'SHA-256' | 'SHA-256-sess';

export interface DigestChallenge {
  realm: string;
  nonce: string;
  opaque: string | null;
  algorithm: DigestAlgorithm;
  /** `auth` when the server offers it; null for the RFC 2069 form. */
  qop: 'auth' | null;
  stale: boolean;
}

const ALGORITHMS: readonly DigestAlgorithm[] = ['SHA-256', 'SHA-256-sess', 'MD5', 'MD5-sess'];

/** The `Digest` challenges in one or more `WWW-Authenticate` values (other schemes are skipped). */
export function parseDigestChallenges(headers: string | string[] | null | undefined): DigestChallenge[] {
  const values = Array.isArray(headers) ? headers : headers ? [headers] : [];
  const challenges: DigestChallenge[] = [];
  for (const value of values) {
    // A header may hold several challenges: split before each `<scheme> ` that is not inside quotes.
    for (const part of splitChallenges(value)) {
      const match = /^\s*digest\s+(.*)$/is.exec(part);
      if (!match) continue;
      const params = parseAuthParams(match[1]);
      const algorithm = (params.algorithm ?? 'MD5').toUpperCase();
      const known = ALGORITHMS.find((name) => name.toUpperCase() === algorithm);
      if (!known || params.realm === undefined || !params.nonce) continue;
      const qops = (params.qop ?? '').split(',').map((qop) => qop.trim().toLowerCase());
      if (params.qop !== undefined && !qops.includes('auth')) continue; // auth-int only: not supported
      challenges.push({
        realm: params.realm,
        nonce: params.nonce,
        opaque: params.opaque ?? null,
        algorithm: known,
        qop: params.qop !== undefined ? 'auth' : null,
        stale: (params.stale ?? '').toLowerCase() === 'true',
      });
    }
  }
  // The strongest first (RFC 7616 §3.7: the client uses the first it supports, servers list preferred first).
  return challenges.sort((a, b) => ALGORITHMS.indexOf(a.algorithm) - ALGORITHMS.indexOf(b.algorithm));
}

function splitChallenges(value: string): string[] {
  const parts: string[] = [];
  let quoted = false;
  let start = 0;
  for (let index = 0; index < value.length; index++) {
    const char = value[index];
    if (char === '\\' && quoted) index++;
    else if (char === '"') quoted = !quoted;
    else if (
      !quoted &&
      char === ',' &&
      /^\s*[A-Za-z][A-Za-z0-9_-]*\s+[A-Za-z0-9_-]+\s*=/.test(value.slice(index + 1))
    ) {
      parts.push(value.slice(start, index));
      start = index + 1;
    }
  }
  parts.push(value.slice(start));
  return parts;
}

/** `a=b, c="d, e"` -> `{a: 'b', c: 'd, e'}`; names lowercased, quoted-pair escapes undone. */
export function parseAuthParams(text: string): Record<string, string> {
  const params: Record<string, string> = {};
  const pattern = /\s*([A-Za-z0-9_-]+)\s*=\s*(?:"((?:[^"\\]|\\.)*)"|([^\s,]*))\s*,?/gy;
  let match: RegExpExecArray | null;
  while ((match = pattern.exec(text)) !== null && match[0].length > 0) {
    params[match[1].toLowerCase()] = match[2] !== undefined ? match[2].replace(/\\(.)/g, '$1') : match[3];
  }
  return params;
}

export function digestHash(algorithm: DigestAlgorithm, text: string): string {
  return createHash(algorithm.startsWith('SHA-256') ? 'sha256' : 'md5')
    .update(text, 'utf8')
    .digest('hex');
}

export interface DigestResponseInput {
  challenge: DigestChallenge;
  username: string;
  password: string;
  method: string;
  uri: string;
  cnonce: string;
  nc: number;
}

/** The `response` value (RFC 7616 §3.4.1), and the `nc` as sent (8 hex digits). */
export function digestResponse(input: DigestResponseInput): { response: string; nc: string } {
  const { challenge, username, password, method, uri, cnonce } = input;
  const h = (text: string) => digestHash(challenge.algorithm, text);
  let ha1 = h(`${username}:${challenge.realm}:${password}`);
  if (challenge.algorithm.endsWith('-sess')) ha1 = h(`${ha1}:${challenge.nonce}:${cnonce}`);
  const ha2 = h(`${method.toUpperCase()}:${uri}`);
  const nc = input.nc.toString(16).padStart(8, '0');
  const response =
    challenge.qop === 'auth'
      ? h(`${ha1}:${challenge.nonce}:${nc}:${cnonce}:auth:${ha2}`)
      : h(`${ha1}:${challenge.nonce}:${ha2}`);
  return { response, nc };
}

function quote(value: string): string {
  return `"${value.replace(/(["\\])/g, '\\$1')}"`;
}

/**
 * One user's Digest state against one server: the last challenge and the nonce count. `authorization()` returns the
 * header for a request (null until a challenge was seen); `accept()` takes a 401's `WWW-Authenticate` and says whether
 * retrying is worth it (a new or stale nonce: yes; the same nonce refused again: the password is wrong).
 */
export class DigestSession {
  private challenge: DigestChallenge | null = null;
  private nc = 0;

  constructor(
    private readonly username: string,
    private readonly password: string,
    private readonly cnonce: () => string = () => randomBytes(16).toString('hex'),
  ) {
    if (/["\\\r\n]/.test(username) || username.length === 0) throw new Error('the Digest user name is not usable');
  }

  get hasChallenge(): boolean {
    return this.challenge !== null;
  }

  authorization(method: string, uri: string): string | null {
    const challenge = this.challenge;
    if (!challenge) return null;
    const cnonce = this.cnonce();
    const { response, nc } = digestResponse({
      challenge,
      username: this.username,
      password: this.password,
      method,
      uri,
      cnonce,
      nc: ++this.nc,
    });
    const parts = [
      `username=${quote(this.username)}`,
      `realm=${quote(challenge.realm)}`,
      `nonce=${quote(challenge.nonce)}`,
      `uri=${quote(uri)}`,
      `algorithm=${challenge.algorithm}`,
      `response=${quote(response)}`,
    ];
    if (challenge.qop) parts.push(`qop=auth`, `nc=${nc}`, `cnonce=${quote(cnonce)}`);
    if (challenge.opaque !== null) parts.push(`opaque=${quote(challenge.opaque)}`);
    return `Digest ${parts.join(', ')}`;
  }

  /** Takes a 401's challenge; true when a retry with it may succeed. */
  accept(header: string | string[] | null | undefined): boolean {
    const next = parseDigestChallenges(header)[0];
    if (!next) return false;
    const previous = this.challenge;
    this.challenge = next;
    this.nc = 0;
    return previous === null || next.stale || previous.nonce !== next.nonce;
  }
}
