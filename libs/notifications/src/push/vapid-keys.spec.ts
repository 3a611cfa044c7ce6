import { generateVAPIDKeys } from 'web-push';
import { pushUrgency } from '../jobs/push.jobs';
import { DEFAULT_VAPID_SUBJECT, vapidKeysFrom } from './vapid-keys';

describe('VAPID keys from configuration', () => {
  const pair = generateVAPIDKeys();

  it('push is off without keys, and on with a matching pair (default subject)', () => {
    expect(vapidKeysFrom({})).toBeNull();
    expect(vapidKeysFrom({ VAPID_PUBLIC_KEY: pair.publicKey, VAPID_PRIVATE_KEY: pair.privateKey })).toEqual({
      publicKey: pair.publicKey,
      privateKey: pair.privateKey,
      subject: DEFAULT_VAPID_SUBJECT,
    });
  });

  it('refuses a public key that does not belong to the private key, without printing the private key', () => {
    const other = generateVAPIDKeys();
    let message = '';
    try {
      vapidKeysFrom({ VAPID_PUBLIC_KEY: other.publicKey, VAPID_PRIVATE_KEY: pair.privateKey });
    } catch (error) {
      message = (error as Error).message;
    }
    expect(message).toMatch(/^VAPID_PUBLIC_KEY: does not belong to VAPID_PRIVATE_KEY/);
    expect(message).not.toContain(pair.privateKey);
  });

  it('refuses a private key that is not a P-256 scalar', () => {
    expect(() =>
      vapidKeysFrom({ VAPID_PUBLIC_KEY: pair.publicKey, VAPID_PRIVATE_KEY: Buffer.alloc(32).toString('base64url') }),
    ).toThrow(/^VAPID_PRIVATE_KEY: not a P-256 private key/);
  });
});

describe('push urgency', () => {
  it('alerts wake the device and expire within the hour; other events may wait a day', () => {
    expect(pushUrgency('alert.raised')).toEqual({ urgency: 'high', ttlSeconds: 3600 });
    expect(pushUrgency('print.done')).toEqual({ urgency: 'normal', ttlSeconds: 24 * 3600 });
  });
});
