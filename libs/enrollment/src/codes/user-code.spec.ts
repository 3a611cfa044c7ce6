import {
  USER_CODE_ALPHABET,
  USER_CODE_LENGTH,
  formatUserCode,
  generateUserCode,
  hashUserCode,
  normalizeUserCode,
} from './user-code';
import { hashDeviceCode } from './device-code';

const SECRET = 'test-secret-test-secret-test-secret!!';

describe('user codes', () => {
  it('use a 32-symbol alphabet without the ambiguous letters I, L, O and U', () => {
    expect(new Set(USER_CODE_ALPHABET).size).toBe(32);
    expect(USER_CODE_ALPHABET).not.toMatch(/[ILOU]/);
    expect(USER_CODE_ALPHABET).toMatch(/^[0-9A-Z]+$/);
  });

  it('are 8 characters drawn from that alphabet', () => {
    for (let draw = 0; draw < 1_000; draw++) {
      const code = generateUserCode();
      expect(code).toHaveLength(USER_CODE_LENGTH);
      for (const character of code) expect(USER_CODE_ALPHABET).toContain(character);
    }
  });

  it('do not repeat over many draws', () => {
    // 10,000 draws from 2^40 codes: a collision by chance has probability ~4.5e-5.
    const codes = new Set(Array.from({ length: 10_000 }, generateUserCode));

    expect(codes.size).toBe(10_000);
  });

  it('use every symbol about equally often in every position', () => {
    const draws = 16_000;
    const counts = Array.from({ length: USER_CODE_LENGTH }, () => new Map<string, number>());
    for (let draw = 0; draw < draws; draw++) {
      [...generateUserCode()].forEach((character, position) => {
        counts[position].set(character, (counts[position].get(character) ?? 0) + 1);
      });
    }
    const expected = draws / USER_CODE_ALPHABET.length;
    for (const position of counts) {
      expect(position.size).toBe(32);
      // 500 expected per symbol, sigma ~22: 25% is more than 5 sigma away.
      for (const count of position.values()) expect(Math.abs(count - expected)).toBeLessThan(expected * 0.25);
    }
  });

  it('display as XXXX-XXXX', () => {
    expect(formatUserCode('BCDF2345')).toBe('BCDF-2345');
  });

  it.each([
    ['bcdf-2345', 'BCDF2345'],
    [' BCDF 2345 ', 'BCDF2345'],
    ['bc-df-23-45', 'BCDF2345'],
    ['BCDF\u20132345', 'BCDF2345'],
    ['OIL0-ABCD', '0110ABCD'],
  ])('normalise what a person typed: %j', (input, canonical) => {
    expect(normalizeUserCode(input)).toBe(canonical);
  });

  it.each([
    ['too short', 'BCDF-234'],
    ['too long', 'BCDF-23456'],
    ['a U, which Crockford leaves out', 'BCDF-234U'],
    ['punctuation', 'BCDF_2345'],
    ['a very long input', 'B'.repeat(10_000)],
    ['not a string', 12345678 as unknown as string],
  ])('reject %s', (_label, input) => {
    expect(normalizeUserCode(input)).toBeNull();
  });

  it('hash with a stable, keyed HMAC-SHA256 (vector computed with openssl)', () => {
    // printf 'farmhand:user-code:v1:ABCD1234' | openssl dgst -sha256 -hmac "$SECRET"
    expect(hashUserCode('ABCD1234', SECRET)).toBe('f0e091749ee263ed9f4daac55e5c5ef9b47064d69d00a854c929c713987b079a');
    expect(hashUserCode('ABCD1234', SECRET)).toBe(hashUserCode('ABCD1234', Buffer.from(SECRET)));
  });

  it('hash differently under another secret, and differently from a device code with the same text', () => {
    const hash = hashUserCode('ABCD1234', SECRET);

    expect(hashUserCode('ABCD1234', `${SECRET}x`)).not.toBe(hash);
    expect(hashDeviceCode('ABCD1234', SECRET)).not.toBe(hash);
  });

  it('refuse to hash under a secret shorter than 32 bytes', () => {
    expect(() => hashUserCode('ABCD1234', 'short')).toThrow(RangeError);
  });

  it('refuse to hash a code that was not normalised', () => {
    expect(() => hashUserCode('abcd-1234', SECRET)).toThrow(RangeError);
  });
});
