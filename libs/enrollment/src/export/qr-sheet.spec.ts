import { toString as qrToString } from 'qrcode';
import { issueEnrollmentToken } from '../codes/secret-token';
import type { PrinterCredentialExport } from './credentials-csv';
import { renderEnrollmentQrSheet } from './qr-sheet';

const OPTIONS = { serverUrl: 'https://farm.example.com', organizationName: 'Acme & Sons' };

function credential(overrides: Partial<PrinterCredentialExport> = {}): PrinterCredentialExport {
  return {
    name: 'Prusa-01',
    serial: 'SN-001',
    fleet: 'Workshop A',
    token: issueEnrollmentToken().token,
    expiresAt: new Date('2030-01-02T03:04:05.000Z'),
    ...overrides,
  };
}

function darkModules(svg: string): string {
  const match = /<path stroke="#000000" d="([^"]+)"/.exec(svg);
  if (match === null) throw new Error('no QR modules in the SVG');
  return match[1];
}

describe('renderEnrollmentQrSheet', () => {
  it('renders one card per printer with name, fleet, serial, expiry and the agent command', async () => {
    const entries = [credential(), credential({ name: 'Prusa-02', serial: null })];

    const html = await renderEnrollmentQrSheet(entries, OPTIONS);

    expect(html.match(/<article class="card">/g)).toHaveLength(2);
    expect(html.match(/<svg /g)).toHaveLength(2);
    expect(html).toContain('<h2>Prusa-02</h2>');
    expect(html).toContain('<dt>Fleet</dt><dd>Workshop A</dd>');
    expect(html).toContain('<dt>Serial</dt><dd>SN-001</dd>');
    expect(html).toContain('<dt>Serial</dt><dd>&mdash;</dd>');
    expect(html).toContain('<dt>Expires</dt><dd>2030-01-02 03:04 UTC</dd>');
    expect(html).toContain(
      `<code>curl -fsSL https://farm.example.com/agent/install.sh | sh -s -- enroll --server https://farm.example.com --token ${entries[0].token}</code>`,
    );
    expect(html).toContain('<title>Farmhand enrollment - Acme &amp; Sons</title>');
  });

  it("encodes each printer's own token in its QR code", async () => {
    const entries = [credential(), credential({ name: 'Prusa-02' })];

    const html = await renderEnrollmentQrSheet(entries, OPTIONS);

    const cards = html.split('<article class="card">').slice(1);
    for (const [index, entry] of entries.entries()) {
      const expected = await qrToString(entry.token, { type: 'svg', errorCorrectionLevel: 'M', margin: 2 });
      expect(darkModules(cards[index])).toBe(darkModules(expected));
    }
  });

  it('escapes hostile names so they stay text', async () => {
    const html = await renderEnrollmentQrSheet(
      [
        credential({
          name: '<img src=x onerror=alert(1)>',
          fleet: '"><script>alert(2)</script>',
          serial: "' onmouseover='x",
        }),
      ],
      OPTIONS,
    );

    expect(html).not.toContain('<img');
    expect(html).not.toContain('<script>');
    expect(html).toContain('&lt;img src=x onerror=alert(1)&gt;');
    expect(html).toContain('&quot;&gt;&lt;script&gt;alert(2)&lt;/script&gt;');
    expect(html).toContain('&#39; onmouseover=&#39;x');
    expect(html).toContain('aria-label="Enrollment token QR code for &lt;img src=x onerror=alert(1)&gt;"');
  });

  it('forbids scripts and remote loads, and prints cleanly', async () => {
    const html = await renderEnrollmentQrSheet([credential()], OPTIONS);

    expect(html).toContain(`content="default-src 'none'; style-src 'unsafe-inline'"`);
    expect(html).toMatch(/@media print\{/);
    expect(html).toContain('break-inside:avoid');
    expect(html).not.toMatch(/https?:\/\/(?!farm\.example\.com|www\.w3\.org)/);
  });
});
