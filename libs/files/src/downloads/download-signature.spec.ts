import { GCODE_DOWNLOAD_PATH, signDownloadUrl, verifyDownloadSignature } from './download-signature';

const SECRET = 'a-test-secret-that-is-long-enough-000000';
const PRINTER = '5b0c3a86-3c6a-4a36-9f3f-0d8f6f0a1b2c';
const SHA = 'a'.repeat(64);
const NOW = 1_800_000_000_000;
const TEN_MINUTES = 600_000;

function parse(url: string) {
  const parsed = new URL(url);
  return {
    path: parsed.pathname,
    printerId: parsed.searchParams.get('printer'),
    sha256: parsed.pathname.split('/').pop(),
    expiresAt: parsed.searchParams.get('expires'),
    signature: parsed.searchParams.get('signature'),
  };
}

describe('signed G-code download URLs', () => {
  const url = signDownloadUrl('https://farm.example/', SECRET, {
    printerId: PRINTER,
    sha256: SHA,
    expiresAt: NOW + 60_000,
  });

  it('names the file by hash under the download path and verifies', () => {
    const grant = parse(url);
    expect(grant.path).toBe(`${GCODE_DOWNLOAD_PATH}/${SHA}`);
    expect(verifyDownloadSignature(SECRET, grant, NOW, TEN_MINUTES)).toEqual({ ok: true });
  });

  it('keeps a base path of PUBLIC_URL', () => {
    const nested = signDownloadUrl('https://example.org/farm', SECRET, {
      printerId: PRINTER,
      sha256: SHA,
      expiresAt: 1,
    });
    expect(new URL(nested).pathname).toBe(`/farm${GCODE_DOWNLOAD_PATH}/${SHA}`);
  });

  it('refuses an expired URL, and one valid for longer than allowed', () => {
    const grant = parse(url);
    expect(verifyDownloadSignature(SECRET, grant, NOW + 60_000, TEN_MINUTES)).toEqual({ ok: false, reason: 'expired' });
    expect(verifyDownloadSignature(SECRET, grant, NOW - TEN_MINUTES, TEN_MINUTES)).toEqual({
      ok: false,
      reason: 'expired',
    });
  });

  it.each([
    ['another printer', { printerId: '00000000-0000-0000-0000-000000000000' }],
    ['another file', { sha256: 'b'.repeat(64) }],
    ['a later expiry', { expiresAt: String(NOW + 120_000) }],
    ['another key', {}, 'another-secret-that-is-long-enough-0000000'],
  ])('rejects a URL replayed for %s', (_label, change, secret = SECRET) => {
    const grant = { ...parse(url), ...change };
    expect(verifyDownloadSignature(secret, grant, NOW, TEN_MINUTES)).toEqual({ ok: false, reason: 'bad_signature' });
  });

  it.each([
    { signature: 'zz' },
    { signature: null },
    { sha256: '../../etc/passwd' },
    { printerId: 'not-a-uuid' },
    { expiresAt: 'soon' },
  ])('rejects a malformed grant %j', (change) => {
    expect(verifyDownloadSignature(SECRET, { ...parse(url), ...change }, NOW, TEN_MINUTES)).toEqual({
      ok: false,
      reason: 'malformed',
    });
  });
});
