import { generateRequestDetails } from 'web-push';
import type { SendResult, WebhookSender } from '../delivery/webhook-sender';
import type { VapidKeys } from './vapid-keys';

/** What the service worker (apps/web/public/sw.js) shows: JSON, encrypted for one browser. */
export interface PushMessage {
  event: string;
  title: string;
  body: string;
  url: string;
  frameUrl?: string;
}

export interface PushTarget {
  endpoint: string;
  p256dh: string;
  auth: string;
}

/** Push services accept 4096 bytes of ciphertext; the text is cut well below that (JSON escaping can grow it). */
export const MAX_TITLE_LENGTH = 120;
export const MAX_BODY_LENGTH = 1000;
export const MAX_PUSH_URL_LENGTH = 1000;

/**
 * Encrypts a message for one subscription (RFC 8291, aes128gcm) and signs the request with VAPID (RFC 8292) through
 * `web-push`, then POSTs it with the webhook sender, so the endpoint gets the same SSRF guard as a webhook: every
 * address the host resolves to is checked and the connection goes to the checked one, no redirects, 10 s cap.
 */
export class PushSender {
  constructor(
    private readonly keys: VapidKeys,
    private readonly http: WebhookSender,
  ) {}

  get publicKey(): string {
    return this.keys.publicKey;
  }

  send(target: PushTarget, message: PushMessage, options: { ttlSeconds: number; urgency: 'high' | 'normal' }) {
    const payload = JSON.stringify({
      event: message.event,
      title: message.title.slice(0, MAX_TITLE_LENGTH),
      body: message.body.slice(0, MAX_BODY_LENGTH),
      url: message.url.slice(0, MAX_PUSH_URL_LENGTH),
      ...(message.frameUrl ? { frameUrl: message.frameUrl.slice(0, MAX_PUSH_URL_LENGTH) } : {}),
    });
    let details: ReturnType<typeof generateRequestDetails>;
    try {
      details = generateRequestDetails(
        { endpoint: target.endpoint, keys: { p256dh: target.p256dh, auth: target.auth } },
        payload,
        {
          vapidDetails: this.keys,
          TTL: options.ttlSeconds,
          urgency: options.urgency,
          contentEncoding: 'aes128gcm',
        },
      );
    } catch (error) {
      const result: SendResult = {
        ok: false,
        status: null,
        error: `the message could not be encrypted for this subscription: ${(error as Error).message}`,
        permanent: true,
      };
      return Promise.resolve(result);
    }
    const headers: Record<string, string> = {};
    for (const [name, value] of Object.entries(details.headers))
      if (name.toLowerCase() !== 'content-length') headers[name] = String(value);
    headers['User-Agent'] = 'Farmhand-Push';
    return this.http.post(details.endpoint, headers, details.body as Buffer);
  }
}
