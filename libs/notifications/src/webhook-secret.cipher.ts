import { createCipheriv, createDecipheriv, hkdfSync, randomBytes } from 'node:crypto';
import { randomSecret } from '@farmhand/core';

const VERSION = 'v1';
const IV_BYTES = 12;
const TAG_BYTES = 16;
/** Recognisable by secret scanners, like the other Farmhand secrets. */
export const WEBHOOK_SECRET_PREFIX = 'whsec_';

export function newWebhookSecret(): string {
  return `${WEBHOOK_SECRET_PREFIX}${randomSecret(32)}`;
}

/**
 * Webhook signing secrets at rest: AES-256-GCM under a key derived from SECRET_KEY with HKDF-SHA256 (its own
 * `info`, so this key is used for nothing else). The webhook id is the additional authenticated data: a
 * ciphertext copied onto another webhook's row does not decrypt. Changing SECRET_KEY makes existing secrets
 * unreadable: their deliveries fail until the secret is rotated.
 */
export class WebhookSecretCipher {
  private readonly key: Buffer;

  /** `info` separates uses of SECRET_KEY: notification channels' secrets get their own key (channel-secret). */
  constructor(secretKey: string, info = 'farmhand:webhook-secret:v1') {
    this.key = Buffer.from(hkdfSync('sha256', secretKey, 'farmhand', info, 32));
  }

  encrypt(secret: string, webhookId: string): string {
    const iv = randomBytes(IV_BYTES);
    const cipher = createCipheriv('aes-256-gcm', this.key, iv, { authTagLength: TAG_BYTES });
    cipher.setAAD(Buffer.from(webhookId));
    const ciphertext = Buffer.concat([cipher.update(secret, 'utf8'), cipher.final()]);
    const parts = [iv, cipher.getAuthTag(), ciphertext].map((part) => part.toString('base64url'));
    return [VERSION, ...parts].join('.');
  }

  /** Throws when the value was not produced by this key for this webhook. */
  decrypt(stored: string, webhookId: string): string {
    const [version, iv, tag, ciphertext] = stored.split('.');
    if (version !== VERSION || !iv || !tag || ciphertext === undefined)
      throw new Error('unknown webhook secret format');
    const decipher = createDecipheriv('aes-256-gcm', this.key, Buffer.from(iv, 'base64url'), {
      authTagLength: TAG_BYTES,
    });
    decipher.setAAD(Buffer.from(webhookId));
    decipher.setAuthTag(Buffer.from(tag, 'base64url'));
    return Buffer.concat([decipher.update(Buffer.from(ciphertext, 'base64url')), decipher.final()]).toString('utf8');
  }
}
