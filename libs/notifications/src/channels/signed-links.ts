import { createHmac, hkdfSync, timingSafeEqual } from 'node:crypto';

/** How long a frame link in a chat message or mail works: platforms fetch it when posting or when shown. */
export const FRAME_LINK_TTL_SECONDS = 3600;

function sign(key: Buffer, text: string): string {
  return createHmac('sha256', key).update(text).digest('base64url');
}

function same(a: string, b: string): boolean {
  const left = Buffer.from(a);
  const right = Buffer.from(b);
  return left.length === right.length && timingSafeEqual(left, right);
}

/**
 * Capability links for people and platforms that hold no session: a webcam frame for a short while (chat platforms
 * and mail clients fetch it), and a person's unsubscribe from one mail channel. HMAC-SHA256 under keys derived from
 * SECRET_KEY with their own HKDF `info`; compared in constant time. Changing SECRET_KEY voids every link.
 */
export class SignedLinks {
  private readonly frameKey: Buffer;
  private readonly unsubscribeKey: Buffer;

  constructor(
    secretKey: string,
    private readonly publicUrl: string,
  ) {
    this.frameKey = Buffer.from(hkdfSync('sha256', secretKey, 'farmhand', 'farmhand:frame-link:v1', 32));
    this.unsubscribeKey = Buffer.from(hkdfSync('sha256', secretKey, 'farmhand', 'farmhand:unsubscribe:v1', 32));
  }

  frameUrl(orgId: string, frameId: string, now = Date.now()): string {
    const expires = Math.floor(now / 1000) + FRAME_LINK_TTL_SECONDS;
    const signature = sign(this.frameKey, `${orgId}.${frameId}.${expires}`);
    const query = new URLSearchParams({ org: orgId, expires: String(expires), signature });
    return `${this.publicUrl}/api/notification-frames/${frameId}?${query.toString()}`;
  }

  /** True when the link was signed for this frame of this organization and has not expired. */
  frameAllowed(orgId: string, frameId: string, expires: string, signature: string, now = Date.now()): boolean {
    if (!/^\d{1,12}$/.test(expires) || Number(expires) * 1000 < now) return false;
    return same(sign(this.frameKey, `${orgId}.${frameId}.${expires}`), signature);
  }

  unsubscribeToken(channelId: string, address: string): string {
    const body = Buffer.from(JSON.stringify({ c: channelId, a: address })).toString('base64url');
    return `${body}.${sign(this.unsubscribeKey, body)}`;
  }

  unsubscribeUrl(channelId: string, address: string): string {
    return `${this.publicUrl}/api/notifications/unsubscribe/${this.unsubscribeToken(channelId, address)}`;
  }

  /** A member's unsubscribe from their personal mails of one organization (notification preferences). */
  personalUnsubscribeUrl(orgId: string, userId: string): string {
    const body = Buffer.from(JSON.stringify({ o: orgId, u: userId })).toString('base64url');
    return `${this.publicUrl}/api/notifications/unsubscribe/${body}.${sign(this.unsubscribeKey, body)}`;
  }

  /** The channel and address a token names, or null when it was not signed here. */
  readUnsubscribeToken(token: string): { channelId: string; address: string } | null {
    const parsed = this.readSigned(token);
    return typeof parsed?.c === 'string' && typeof parsed.a === 'string'
      ? { channelId: parsed.c, address: parsed.a }
      : null;
  }

  /** The organization and member a personal unsubscribe token names, or null when it was not signed here. */
  readPersonalUnsubscribeToken(token: string): { orgId: string; userId: string } | null {
    const parsed = this.readSigned(token);
    return typeof parsed?.o === 'string' && typeof parsed.u === 'string' ? { orgId: parsed.o, userId: parsed.u } : null;
  }

  private readSigned(token: string): Record<string, unknown> | null {
    const [body, signature, extra] = token.split('.');
    if (!body || !signature || extra !== undefined || !same(sign(this.unsubscribeKey, body), signature)) return null;
    try {
      const parsed: unknown = JSON.parse(Buffer.from(body, 'base64url').toString('utf8'));
      return parsed && typeof parsed === 'object' ? (parsed as Record<string, unknown>) : null;
    } catch {
      return null;
    }
  }
}
