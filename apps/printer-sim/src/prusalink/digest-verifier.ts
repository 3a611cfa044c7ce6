import { createHash, createHmac, randomBytes, timingSafeEqual } from 'node:crypto';

/**
 * The server side of HTTP Digest (RFC 7616) as a Prusa Link front needs it: challenges with an HMAC-signed,
 * time-stamped nonce (stale after `nonceLifetimeMs`), `qop=auth` (or none, as Buddy firmware answers), MD5 or SHA-256,
 * and a nonce count that must grow (a replayed `nc` is refused). Written apart from the agent's client on purpose:
 * each checks the other.
 */
export type VerifierAlgorithm = 'MD5' | 'SHA-256';

export interface DigestVerifierOptions {
  realm: string;
  username: string;
  password: string;
  algorithm: VerifierAlgorithm;
  qop: 'auth' | null;
  nonceLifetimeMs?: number;
  now?: () => number;
}

export type DigestVerdict = 'ok' | 'missing' | 'stale' | 'refused';

const MAX_TRACKED_NONCES = 10_000;

export class DigestVerifier {
  private readonly key = randomBytes(32);
  private readonly counts = new Map<string, number>();
  private readonly opaque = randomBytes(8).toString('hex');

  constructor(private readonly options: DigestVerifierOptions) {}

  /** The `WWW-Authenticate` value of a 401. */
  challenge(stale = false): string {
    const parts = [
      `realm="${this.options.realm}"`,
      `nonce="${this.newNonce()}"`,
      `algorithm=${this.options.algorithm}`,
      `opaque="${this.opaque}"`,
    ];
    if (this.options.qop) parts.push(`qop="${this.options.qop}"`);
    if (stale) parts.push('stale=true');
    return `Digest ${parts.join(', ')}`;
  }

  verify(header: string | undefined, method: string, requestUri: string): DigestVerdict {
    if (!header || !/^digest\s/i.test(header)) return 'missing';
    const params = parseParams(header.replace(/^digest\s+/i, ''));
    const { realm, username, password, algorithm, qop } = this.options;
    if (params.username !== username || params.realm !== realm || params.uri !== requestUri) return 'refused';
    if ((params.algorithm ?? 'MD5').toUpperCase() !== algorithm.toUpperCase()) return 'refused';
    if (params.opaque !== undefined && params.opaque !== this.opaque) return 'refused';
    const nonce = params.nonce ?? '';
    const age = this.nonceAge(nonce);
    if (age === null) return 'refused';
    const h = (text: string) =>
      createHash(algorithm === 'SHA-256' ? 'sha256' : 'md5')
        .update(text)
        .digest('hex');
    const ha1 = h(`${username}:${realm}:${password}`);
    const ha2 = h(`${method}:${params.uri}`);
    let expected: string;
    if (qop) {
      if (params.qop !== qop || !/^[0-9a-f]{8}$/i.test(params.nc ?? '') || !params.cnonce) return 'refused';
      expected = h(`${ha1}:${nonce}:${params.nc}:${params.cnonce}:${qop}:${ha2}`);
    } else {
      if (params.qop !== undefined) return 'refused';
      expected = h(`${ha1}:${nonce}:${ha2}`);
    }
    const given = Buffer.from(params.response ?? '', 'utf8');
    const wanted = Buffer.from(expected, 'utf8');
    if (given.length !== wanted.length || !timingSafeEqual(given, wanted)) return 'refused';
    if (age > (this.options.nonceLifetimeMs ?? 5 * 60_000)) return 'stale';
    if (qop) {
      const nc = parseInt(params.nc!, 16);
      const last = this.counts.get(nonce) ?? 0;
      if (nc <= last) return 'refused'; // a replay
      this.counts.set(nonce, nc);
      if (this.counts.size > MAX_TRACKED_NONCES) this.counts.delete(this.counts.keys().next().value!);
    }
    return 'ok';
  }

  private now(): number {
    return (this.options.now ?? Date.now)();
  }

  private newNonce(): string {
    const stamp = this.now().toString(16);
    const salt = randomBytes(8).toString('hex');
    const mac = createHmac('sha256', this.key).update(`${stamp}:${salt}`).digest('hex').slice(0, 32);
    return `${stamp}.${salt}.${mac}`;
  }

  /** Milliseconds since the nonce was issued, or null when it is not one of ours. */
  private nonceAge(nonce: string): number | null {
    const match = /^([0-9a-f]{1,16})\.([0-9a-f]{16})\.([0-9a-f]{32})$/.exec(nonce);
    if (!match) return null;
    const mac = createHmac('sha256', this.key).update(`${match[1]}:${match[2]}`).digest('hex').slice(0, 32);
    if (!timingSafeEqual(Buffer.from(mac), Buffer.from(match[3]))) return null;
    return this.now() - parseInt(match[1], 16);
  }
}

function parseParams(text: string): Record<string, string> {
  const params: Record<string, string> = {};
  const pattern = /\s*([A-Za-z0-9_-]+)\s*=\s*(?:"((?:[^"\\]|\\.)*)"|([^\s,]*))\s*,?/gy;
  let match: RegExpExecArray | null;
  while ((match = pattern.exec(text)) !== null && match[0].length > 0) {
    params[match[1].toLowerCase()] = match[2] !== undefined ? match[2].replace(/\\(.)/g, '$1') : match[3];
  }
  return params;
}
