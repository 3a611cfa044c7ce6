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

  it('are 10 characters drawn from that alphabet', () => {
    for (let draw = 0; draw < 1_000; draw++) {
      const code = generateUserCode();
      expect(code).toHaveLength(USER_CODE_LENGTH);
      for (const character of code) expect(USER_CODE_ALPHABET).toContain(character);
    }
  });

  it('do not repeat over many draws', () => {
    // 10,000 draws from 2^50 codes: a collision by chance has probability ~4.4e-8.
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

  it('display as two groups of five, ABCDE-FGHJK', () => {
    expect(formatUserCode('BCDF2345GH')).toBe('BCDF2-345GH');
  });

  it.each([
    ['bcdf2-345gh', 'BCDF2345GH'],
    [' BCDF2 345GH ', 'BCDF2345GH'],
    ['bc-df-23-45-gh', 'BCDF2345GH'],
    ['BCDF2\u2013345GH', 'BCDF2345GH'],
    ['OIL0A-BCDEF', '0110ABCDEF'],
  ])('normalise what a person typed: %j', (input, canonical) => {
    expect(normalizeUserCode(input)).toBe(canonical);
  });

  it.each([
    ['too short', 'BCDF2-345G'],
    ['too long', 'BCDF2-345GHJ'],
    ['the old 8-character form', 'BCDF-2345'],
    ['a U, which Crockford leaves out', 'BCDF2-345GU'],
    ['punctuation', 'BCDF2_345GH'],
    ['a very long input', 'B'.repeat(10_000)],
    ['not a string', 12345678 as unknown as string],
  ])('reject %s', (_label, input) => {
    expect(normalizeUserCode(input)).toBeNull();
  });

  it('hash with a stable, keyed HMAC-SHA256 (vector computed with openssl)', () => {
    // printf 'farmhand:user-code:v1:ABCD123456' | openssl dgst -sha256 -hmac "$SECRET"
    expect(hashUserCode('ABCD123456', SECRET)).toBe('4e773774efa219bd105e92ffc46f6b2ad0b69f15bf5e2228db873bb5a40a39cd');
    expect(hashUserCode('ABCD123456', SECRET)).toBe(hashUserCode('ABCD123456', Buffer.from(SECRET)));
  });

  it('hash differently under another secret, and differently from a device code with the same text', () => {
    const hash = hashUserCode('ABCD123456', SECRET);

    expect(hashUserCode('ABCD123456', `${SECRET}x`)).not.toBe(hash);
    expect(hashDeviceCode('ABCD123456', SECRET)).not.toBe(hash);
  });

  it('refuse to hash under a secret shorter than 32 bytes', () => {
    expect(() => hashUserCode('ABCD123456', 'short')).toThrow(RangeError);
  });

  it('refuse to hash a code that was not normalised', () => {
    expect(() => hashUserCode('abcd1-23456', SECRET)).toThrow(RangeError);
  });
});
