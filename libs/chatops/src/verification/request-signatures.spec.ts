import { createHmac, generateKeyPairSync, sign } from 'node:crypto';
import { verifyDiscord, verifySlack, verifyTelegram } from './request-signatures';

const NOW = 1_800_000_000;

describe('chat request signatures', () => {
  const slackSecret = '8f742231b10e8888abcd99yyyzzz85a5';
  const body = Buffer.from('token=x&team_id=T1&command=%2Ffarmhand&text=status&user_id=U1');
  const slackHeaders = (timestamp: number, secret = slackSecret, signed = body) => ({
    'x-slack-request-timestamp': String(timestamp),
    'x-slack-signature': `v0=${createHmac('sha256', secret).update(`v0:${timestamp}:${signed.toString()}`).digest('hex')}`,
  });

  it('accepts a Slack request signed with the signing secret, keyed for replay by its signature', () => {
    const headers = slackHeaders(NOW);
    expect(verifySlack(slackSecret, headers, body, NOW)).toEqual({
      ok: true,
      replayKey: `slack:${headers['x-slack-signature']}`,
    });
  });

  it('rejects a forged Slack signature, a changed body and a stale or missing timestamp', () => {
    expect(verifySlack(slackSecret, slackHeaders(NOW, 'another-secret'), body, NOW)).toEqual({
      ok: false,
      reason: 'forged',
    });
    expect(verifySlack(slackSecret, slackHeaders(NOW, slackSecret, Buffer.from('x')), body, NOW)).toMatchObject({
      reason: 'forged',
    });
    expect(verifySlack(slackSecret, slackHeaders(NOW - 301), body, NOW)).toMatchObject({ reason: 'stale' });
    expect(verifySlack(slackSecret, slackHeaders(NOW + 301), body, NOW)).toMatchObject({ reason: 'stale' });
    expect(verifySlack(slackSecret, {}, body, NOW)).toMatchObject({ reason: 'missing' });
  });

  it('verifies Discord Ed25519 signatures over timestamp + body with the raw public key', () => {
    const { publicKey, privateKey } = generateKeyPairSync('ed25519');
    const hex = Buffer.from(publicKey.export({ format: 'jwk' }).x!, 'base64url').toString('hex');
    const payload = Buffer.from('{"type":1}');
    const signature = sign(null, Buffer.from(`${NOW}{"type":1}`), privateKey).toString('hex');
    const headers = { 'x-signature-ed25519': signature, 'x-signature-timestamp': String(NOW) };
    expect(verifyDiscord(hex, headers, payload, NOW)).toMatchObject({ ok: true });
    expect(verifyDiscord(hex, headers, Buffer.from('{"type":2}'), NOW)).toMatchObject({ reason: 'forged' });
    expect(verifyDiscord(hex, { ...headers, 'x-signature-ed25519': 'ab' }, payload, NOW)).toMatchObject({
      reason: 'forged',
    });
    expect(verifyDiscord(hex, headers, payload, NOW + 400)).toMatchObject({ reason: 'stale' });
  });

  it('compares the Telegram secret token', () => {
    expect(
      verifyTelegram('secret-token-123456', { 'x-telegram-bot-api-secret-token': 'secret-token-123456' }),
    ).toMatchObject({
      ok: true,
    });
    expect(
      verifyTelegram('secret-token-123456', { 'x-telegram-bot-api-secret-token': 'secret-token-12345' }),
    ).toMatchObject({
      reason: 'forged',
    });
    expect(verifyTelegram('secret-token-123456', {})).toMatchObject({ reason: 'missing' });
  });
});
