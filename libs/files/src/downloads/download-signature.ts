import { createHmac, timingSafeEqual } from 'node:crypto';

/** Path of the agents' download route, below the api prefix. */
export const GCODE_DOWNLOAD_PATH = '/api/files/download';

export interface DownloadGrant {
  printerId: string;
  sha256: string;
  /** Unix epoch milliseconds after which the URL is refused. */
  expiresAt: number;
}

const SIGNATURE = /^[0-9a-f]{64}$/;

/** Domain-separated, so a signature made for anything else with the same key can never pass here. */
function signature(secret: string, grant: DownloadGrant): string {
  return createHmac('sha256', secret)
    .update(`farmhand:gcode-download:v1\n${grant.printerId}\n${grant.sha256}\n${grant.expiresAt}`)
    .digest('hex');
}

/**
 * A short-lived URL one printer's agent can fetch one file's bytes from, with no credential: the agent's
 * dispatcher does a plain GET (see apps/agent/src/commands/file-dispatcher.ts), and the URL alone is the secret.
 */
export function signDownloadUrl(baseUrl: string, secret: string, grant: DownloadGrant): string {
  // Relative to PUBLIC_URL's own path, so a deployment under https://host/farm/ keeps its prefix.
  const url = new URL(
    `${GCODE_DOWNLOAD_PATH.slice(1)}/${grant.sha256}`,
    baseUrl.endsWith('/') ? baseUrl : `${baseUrl}/`,
  );
  url.searchParams.set('printer', grant.printerId);
  url.searchParams.set('expires', String(grant.expiresAt));
  url.searchParams.set('signature', signature(secret, grant));
  return url.toString();
}

export type DownloadVerdict = { ok: true } | { ok: false; reason: 'malformed' | 'expired' | 'bad_signature' };

/**
 * Checks a presented grant: well-formed, not expired, not valid for longer than `maxLifetimeMs` (a forged far
 * future would need the key anyway, but a leaked URL should not live long), and signed with our key (compared in
 * constant time).
 */
export function verifyDownloadSignature(
  secret: string,
  grant: { printerId: unknown; sha256: unknown; expiresAt: unknown; signature: unknown },
  now: number,
  maxLifetimeMs: number,
): DownloadVerdict {
  const { printerId, sha256, signature: presented } = grant;
  const expiresAt = typeof grant.expiresAt === 'string' ? Number(grant.expiresAt) : grant.expiresAt;
  if (
    typeof printerId !== 'string' ||
    !/^[0-9a-f-]{36}$/i.test(printerId) ||
    typeof sha256 !== 'string' ||
    !/^[0-9a-f]{64}$/.test(sha256) ||
    typeof expiresAt !== 'number' ||
    !Number.isSafeInteger(expiresAt) ||
    typeof presented !== 'string' ||
    !SIGNATURE.test(presented)
  ) {
    return { ok: false, reason: 'malformed' };
  }
  const expected = Buffer.from(signature(secret, { printerId, sha256, expiresAt }), 'hex');
  if (!timingSafeEqual(expected, Buffer.from(presented, 'hex'))) return { ok: false, reason: 'bad_signature' };
  if (expiresAt <= now || expiresAt > now + maxLifetimeMs) return { ok: false, reason: 'expired' };
  return { ok: true };
}
