import { createECDH } from 'node:crypto';
import type { AppConfig } from '@farmhand/core';
import { generateVAPIDKeys } from 'web-push';

/** The application server's identity towards push services (RFC 8292). The private key is never logged. */
export interface VapidKeys {
  publicKey: string;
  privateKey: string;
  subject: string;
}

export const DEFAULT_VAPID_SUBJECT = 'mailto:farmhand@localhost';

/**
 * The configured pair, or null when push is off (both keys unset; config.ts refuses half a pair). A private key that
 * does not produce the public key is refused at boot: every browser would subscribe to a key nobody signs with.
 */
export function vapidKeysFrom(
  config: Pick<AppConfig, 'VAPID_PUBLIC_KEY' | 'VAPID_PRIVATE_KEY' | 'VAPID_SUBJECT'>,
): VapidKeys | null {
  if (!config.VAPID_PUBLIC_KEY || !config.VAPID_PRIVATE_KEY) return null;
  const ecdh = createECDH('prime256v1');
  let derived: string;
  try {
    ecdh.setPrivateKey(Buffer.from(config.VAPID_PRIVATE_KEY, 'base64url'));
    derived = ecdh.getPublicKey().toString('base64url');
  } catch {
    throw new Error('VAPID_PRIVATE_KEY: not a P-256 private key (npm run vapid prints a pair)');
  }
  if (derived !== config.VAPID_PUBLIC_KEY)
    throw new Error('VAPID_PUBLIC_KEY: does not belong to VAPID_PRIVATE_KEY (npm run vapid prints a pair)');
  return {
    publicKey: config.VAPID_PUBLIC_KEY,
    privateKey: config.VAPID_PRIVATE_KEY,
    subject: config.VAPID_SUBJECT ?? DEFAULT_VAPID_SUBJECT,
  };
}

/** A fresh pair, base64url (what `npm run vapid` prints). */
export function newVapidKeys(): { publicKey: string; privateKey: string } {
  return generateVAPIDKeys();
}
