import { generateDeviceCode, hashDeviceCode, isWellFormedDeviceCode } from './device-code';

const SECRET = 'test-secret-test-secret-test-secret!!';

describe('device codes', () => {
  it('carry 256 random bits as unpadded base64url', () => {
    const code = generateDeviceCode();

    expect(code).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(Buffer.from(code, 'base64url')).toHaveLength(32);
    expect(isWellFormedDeviceCode(code)).toBe(true);
  });

  it('do not repeat over many draws', () => {
    expect(new Set(Array.from({ length: 10_000 }, generateDeviceCode)).size).toBe(10_000);
  });

  it.each([['short'], ['x'.repeat(44)], ['+'.repeat(43)], [42], [null]])('reject a malformed code: %j', (value) => {
    expect(isWellFormedDeviceCode(value)).toBe(false);
  });

  it('hash with a stable, keyed HMAC-SHA256 (vector computed with openssl)', () => {
    // printf 'farmhand:device-code:v1:ABCD1234' | openssl dgst -sha256 -hmac "$SECRET"
    expect(hashDeviceCode('ABCD1234', SECRET)).toBe('dffcd5d931c345d18dfee40cfa99c8b6da7025f44d93a7e6342433dafbebdee1');
  });
});
