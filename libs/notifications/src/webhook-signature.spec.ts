import { createHmac } from 'node:crypto';
import { signWebhook, verifyWebhook } from './webhook-signature';

describe('webhook signatures', () => {
  const body = JSON.stringify({ id: 'd1', event: 'print.done', data: { ok: true } });

  it('is HMAC-SHA256 over "timestamp.body", hex, prefixed sha256=', () => {
    const expected = createHmac('sha256', 'whsec_x').update(`1700000000.${body}`).digest('hex');
    expect(signWebhook('whsec_x', 1700000000, body)).toBe(`sha256=${expected}`);
  });

  it('verifies within the tolerance and refuses a changed body, another secret or an old timestamp', () => {
    const signature = signWebhook('whsec_x', 1700000000, body);
    const headers = { signature, timestamp: '1700000000' };
    expect(verifyWebhook('whsec_x', headers, body, { now: 1700000100 })).toBe(true);
    expect(verifyWebhook('whsec_x', headers, `${body} `, { now: 1700000100 })).toBe(false);
    expect(verifyWebhook('whsec_y', headers, body, { now: 1700000100 })).toBe(false);
    expect(verifyWebhook('whsec_x', headers, body, { now: 1700000000 + 301 })).toBe(false);
    expect(verifyWebhook('whsec_x', { signature, timestamp: '1700000001' }, body, { now: 1700000001 })).toBe(false);
    expect(verifyWebhook('whsec_x', { signature: undefined, timestamp: '1700000000' }, body)).toBe(false);
  });
});
