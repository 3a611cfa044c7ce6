import crypto from 'node:crypto';
import { constantTimeEqual, randomString, sha256Hex } from './secret-hash';

describe('constantTimeEqual', () => {
  afterEach(() => jest.restoreAllMocks());

  it('compares equal-length inputs with crypto.timingSafeEqual', () => {
    const timingSafeEqual = jest.spyOn(crypto, 'timingSafeEqual');

    expect(constantTimeEqual('a'.repeat(64), 'a'.repeat(64))).toBe(true);
    expect(constantTimeEqual('a'.repeat(64), `${'a'.repeat(63)}b`)).toBe(false);
    expect(timingSafeEqual).toHaveBeenCalledTimes(2);
  });

  it('answers false for different lengths after the same single call', () => {
    const timingSafeEqual = jest.spyOn(crypto, 'timingSafeEqual');

    expect(constantTimeEqual('abc', 'abcd')).toBe(false);
    expect(constantTimeEqual('', 'a')).toBe(false);
    expect(timingSafeEqual).toHaveBeenCalledTimes(2);
  });
});

describe('sha256Hex', () => {
  it('matches the FIPS 180-2 test vector', () => {
    expect(sha256Hex('abc')).toBe('ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad');
  });
});

describe('randomString', () => {
  it('has no modulo bias over a 62-symbol alphabet', () => {
    // 256 % 62 = 8: with plain modulo the first 8 symbols would come up 25% more often than the others.
    const alphabet = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';
    const counts = new Map<string, number>();
    for (const character of randomString(alphabet, 248_000)) counts.set(character, (counts.get(character) ?? 0) + 1);

    const expected = 248_000 / 62;
    expect(counts.size).toBe(62);
    // 4,000 expected, sigma ~63: 10% is more than 6 sigma, and under the 25% that bias would add.
    for (const count of counts.values()) expect(Math.abs(count - expected)).toBeLessThan(expected * 0.1);
  });

  it('refuses a degenerate alphabet', () => {
    expect(() => randomString('a', 8)).toThrow(RangeError);
  });
});
