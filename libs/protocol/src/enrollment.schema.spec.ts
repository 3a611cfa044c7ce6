import { pairingStartResponseSchema, redeemResponseSchema } from './index';

describe('enrollment contract', () => {
  it('accepts a redeem answer with and without the optional fields', () => {
    const minimal = { printerId: 'prn_1', credential: 'fh_agent_' + 'x'.repeat(43) };
    expect(redeemResponseSchema.safeParse(minimal).success).toBe(true);
    const full = { ...minimal, server: 'https://farm.example', octoprintUrl: 'http://octopi.local' };
    expect(redeemResponseSchema.safeParse(full).success).toBe(true);
  });

  it('rejects a pairing answer that points the user at a javascript: URL', () => {
    const answer = {
      deviceCode: 'd'.repeat(43),
      userCode: 'ABCDE-FGHJK',
      verificationUri: 'javascript:alert(1)',
      expiresIn: 600,
      interval: 5,
    };
    expect(pairingStartResponseSchema.safeParse(answer).success).toBe(false);
    expect(
      pairingStartResponseSchema.safeParse({ ...answer, verificationUri: 'https://farm.example/pair' }).success,
    ).toBe(true);
  });
});
