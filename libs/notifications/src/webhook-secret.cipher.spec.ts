import { WebhookSecretCipher, newWebhookSecret } from './webhook-secret.cipher';

const KEY = 'test-secret-key-that-is-long-enough-0123456789';
const WEBHOOK = '4a5b7e0e-3f5c-4b7a-9a39-0d1b2c3d4e5f';

describe('webhook secret encryption', () => {
  it('round-trips, and the stored form does not contain the secret', () => {
    const cipher = new WebhookSecretCipher(KEY);
    const secret = newWebhookSecret();
    const stored = cipher.encrypt(secret, WEBHOOK);
    expect(stored).not.toContain(secret.slice(6));
    expect(stored).toMatch(/^v1\.[\w-]+\.[\w-]+\.[\w-]+$/);
    expect(cipher.decrypt(stored, WEBHOOK)).toBe(secret);
  });

  it('uses a fresh nonce each time', () => {
    const cipher = new WebhookSecretCipher(KEY);
    expect(cipher.encrypt('same', WEBHOOK)).not.toBe(cipher.encrypt('same', WEBHOOK));
  });

  it('refuses a ciphertext moved to another webhook, tampered with, or read under another SECRET_KEY', () => {
    const cipher = new WebhookSecretCipher(KEY);
    const stored = cipher.encrypt(newWebhookSecret(), WEBHOOK);
    expect(() => cipher.decrypt(stored, '00000000-0000-4000-8000-000000000000')).toThrow();
    const parts = stored.split('.');
    const flipped = Buffer.from(parts[3]!, 'base64url');
    flipped[0] = flipped[0]! ^ 1;
    expect(() => cipher.decrypt([...parts.slice(0, 3), flipped.toString('base64url')].join('.'), WEBHOOK)).toThrow();
    expect(() => new WebhookSecretCipher(`${KEY}-other`).decrypt(stored, WEBHOOK)).toThrow();
    expect(() => cipher.decrypt('plaintext-secret', WEBHOOK)).toThrow();
  });

  it('makes secrets recognisable and random', () => {
    const a = newWebhookSecret();
    expect(a).toMatch(/^whsec_[\w-]{43}$/);
    expect(newWebhookSecret()).not.toBe(a);
  });
});
