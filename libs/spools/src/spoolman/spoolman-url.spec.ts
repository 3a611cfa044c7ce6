import type { DomainException } from '@farmhand/core';
import { SpoolmanSpoolSchema } from './spoolman-client';
import { mirrorOf } from './spoolman.service';
import { validateSpoolmanUrl } from './spoolman-url';

const codeOf = (run: () => unknown) => {
  try {
    run();
    return null;
  } catch (error) {
    return (error as DomainException).code;
  }
};

describe('validateSpoolmanUrl', () => {
  it('normalizes a public URL to its root without a trailing slash or fragment', () => {
    expect(validateSpoolmanUrl('https://spoolman.example.com/base/#x', false)).toBe(
      'https://spoolman.example.com/base',
    );
  });

  it('takes a LAN address or an internal name only when the admin allows private networks', () => {
    for (const url of ['http://192.168.1.20:7912', 'http://127.0.0.1:7912', 'http://spoolman:7912', 'http://[fd00::5]'])
      expect({ url, code: codeOf(() => validateSpoolmanUrl(url, false)) }).toEqual({
        url,
        code: 'spoolman_url_private_address',
      });
    expect(validateSpoolmanUrl('http://192.168.1.20:7912', true)).toBe('http://192.168.1.20:7912');
  });

  it('refuses metadata, link-local and mapped addresses whatever the admin says (SSRF)', () => {
    for (const url of [
      'http://169.254.169.254',
      'http://[::ffff:a9fe:a9fe]',
      'http://metadata.google.internal',
      'http://0x7f.1',
      'http://[fe80::1]',
    ]) {
      const code = codeOf(() => validateSpoolmanUrl(url, true));
      expect({ url, ok: code === 'spoolman_url_forbidden_address' || url === 'http://0x7f.1' }).toEqual({
        url,
        ok: true,
      });
    }
    expect(codeOf(() => validateSpoolmanUrl('http://0x7f.1', false))).toBe('spoolman_url_private_address');
    expect(codeOf(() => validateSpoolmanUrl('https://user:pw@spoolman.example.com', true))).toBe(
      'spoolman_url_credentials',
    );
    expect(codeOf(() => validateSpoolmanUrl('file:///etc/passwd', true))).toBe('spoolman_url_invalid');
  });
});

describe('mirrorOf', () => {
  const filament = { id: 1, name: 'Black', material: 'PLA', color_hex: '1A1A1AFF', diameter: 1.75, weight: 1000 };

  it('maps Spoolman fields; remaining falls back to initial minus used', () => {
    expect(
      mirrorOf(SpoolmanSpoolSchema.parse({ id: 7, filament, used_weight: 250, location: ' Shelf ', price: 19.99 })),
    ).toEqual({
      spoolmanId: 7,
      material: 'PLA',
      colorName: 'Black',
      colorHex: '#1a1a1a',
      vendor: null,
      diameterMm: 1.75,
      initialGrams: 1000,
      remainingGrams: 750,
      costCents: 1999,
      location: 'Shelf',
      lot: null,
    });
  });

  it('a filament without material, colour or weight still mirrors', () => {
    const bare = mirrorOf(
      SpoolmanSpoolSchema.parse({ id: 8, filament: { id: 2 }, used_weight: 10, remaining_weight: 90 }),
    );
    expect(bare).toMatchObject({ material: 'unknown', colorHex: null, initialGrams: 100, remainingGrams: 90 });
  });
});
