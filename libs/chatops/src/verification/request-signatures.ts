import { createHash, createHmac, createPublicKey, timingSafeEqual, verify } from 'node:crypto';

/** Slack and Discord sign a timestamp with the body; a request older or newer than this is refused (Slack's advice). */
export const TIMESTAMP_WINDOW_SECONDS = 300;

export type Verification =
  | {
      ok: true;
      /** What identifies this very request, remembered for the window to refuse a replay. */ replayKey: string;
    }
  | { ok: false; reason: 'missing' | 'stale' | 'forged' };

type Headers = Record<string, string | string[] | undefined>;

function header(headers: Headers, name: string): string | undefined {
  const value = headers[name];
  return Array.isArray(value) ? value[0] : value;
}

function fresh(timestamp: string, nowSeconds: number): boolean {
  if (!/^\d{1,12}$/.test(timestamp)) return false;
  return Math.abs(nowSeconds - Number(timestamp)) <= TIMESTAMP_WINDOW_SECONDS;
}

/** Constant time on the digests, so neither length nor content leaks through timing. */
function sameSecret(given: string, expected: string): boolean {
  const left = createHash('sha256').update(given).digest();
  const right = createHash('sha256').update(expected).digest();
  return timingSafeEqual(left, right);
}

/** Slack: `X-Slack-Signature: v0=<hex HMAC-SHA256(signing secret, "v0:{timestamp}:{raw body}")>`. */
export function verifySlack(
  signingSecret: string,
  headers: Headers,
  rawBody: Buffer,
  nowSeconds: number,
): Verification {
  const timestamp = header(headers, 'x-slack-request-timestamp');
  const signature = header(headers, 'x-slack-signature');
  if (!timestamp || !signature) return { ok: false, reason: 'missing' };
  if (!fresh(timestamp, nowSeconds)) return { ok: false, reason: 'stale' };
  const expected = `v0=${createHmac('sha256', signingSecret)
    .update(Buffer.concat([Buffer.from(`v0:${timestamp}:`), rawBody]))
    .digest('hex')}`;
  if (!sameSecret(signature, expected)) return { ok: false, reason: 'forged' };
  return { ok: true, replayKey: `slack:${signature}` };
}

/** The DER prefix of an Ed25519 SubjectPublicKeyInfo; Discord shows the raw 32-byte key in hex. */
const ED25519_SPKI_PREFIX = Buffer.from('302a300506032b6570032100', 'hex');

export function isDiscordPublicKey(value: string): boolean {
  if (!/^[0-9a-fA-F]{64}$/.test(value)) return false;
  try {
    createPublicKey({
      key: Buffer.concat([ED25519_SPKI_PREFIX, Buffer.from(value, 'hex')]),
      format: 'der',
      type: 'spki',
    });
    return true;
  } catch {
    return false;
  }
}

/** Discord: `X-Signature-Ed25519: <hex Ed25519 signature of timestamp + raw body>`, `X-Signature-Timestamp`. */
export function verifyDiscord(
  publicKeyHex: string,
  headers: Headers,
  rawBody: Buffer,
  nowSeconds: number,
): Verification {
  const timestamp = header(headers, 'x-signature-timestamp');
  const signature = header(headers, 'x-signature-ed25519');
  if (!timestamp || !signature) return { ok: false, reason: 'missing' };
  if (!fresh(timestamp, nowSeconds)) return { ok: false, reason: 'stale' };
  if (!/^[0-9a-fA-F]{128}$/.test(signature)) return { ok: false, reason: 'forged' };
  const key = createPublicKey({
    key: Buffer.concat([ED25519_SPKI_PREFIX, Buffer.from(publicKeyHex, 'hex')]),
    format: 'der',
    type: 'spki',
  });
  const valid = verify(null, Buffer.concat([Buffer.from(timestamp), rawBody]), key, Buffer.from(signature, 'hex'));
  if (!valid) return { ok: false, reason: 'forged' };
  return { ok: true, replayKey: `discord:${signature.toLowerCase()}` };
}

/**
 * Telegram: the `secret_token` given to setWebhook comes back in `X-Telegram-Bot-Api-Secret-Token`. No timestamp and
 * no signature: the update's own `update_id` is what a replay repeats (checked by the caller once the body is read).
 */
export function verifyTelegram(secretToken: string, headers: Headers): Verification {
  const given = header(headers, 'x-telegram-bot-api-secret-token');
  if (!given) return { ok: false, reason: 'missing' };
  if (!sameSecret(given, secretToken)) return { ok: false, reason: 'forged' };
  return { ok: true, replayKey: '' };
}
