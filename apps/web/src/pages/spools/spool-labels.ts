import { escapeHtml } from '@farmhand/enrollment-qr-sheet';
import { toString as qrToString } from 'qrcode';
import type { SpoolView } from '../../lib/api/views';

/** The address a spool's label encodes: the dashboard's spools page with that spool's "load" form open. */
export function spoolLoadUrl(origin: string, orgId: string, spoolId: string): string {
  return `${origin}/orgs/${orgId}/spools?load=${encodeURIComponent(spoolId)}`;
}

/**
 * A printable page of spool labels: a QR code (the load address) with material, colour and vendor. Every value is
 * escaped and a CSP meta tag forbids scripts, so a hostile spool name stays text when the page is opened.
 */
export async function spoolLabelsPage(origin: string, orgId: string, spools: SpoolView[]): Promise<string> {
  const cards = await Promise.all(
    spools.map(async (spool) => {
      const svg = await qrToString(spoolLoadUrl(origin, orgId, spool.id), {
        type: 'svg',
        errorCorrectionLevel: 'M',
        margin: 1,
      });
      const title = `${spool.material}${spool.colorName ? ` ${spool.colorName}` : ''}`;
      const swatch =
        spool.colorHex && /^#[0-9a-f]{6}$/i.test(spool.colorHex)
          ? `<span class="swatch" style="background:${spool.colorHex}"></span>`
          : '';
      return [
        '<article class="label">',
        `<div class="qr">${svg.replace(/^<svg /, `<svg role="img" aria-label="${escapeHtml(`Load ${title}`)}" `)}</div>`,
        `<div><h2>${swatch}${escapeHtml(title)}</h2>`,
        `<p>${escapeHtml(spool.vendor ?? '')} ${spool.diameterMm} mm · ${spool.initialGrams} g</p>`,
        spool.lot ? `<p>Lot ${escapeHtml(spool.lot)}</p>` : '',
        `<p class="id">${spool.id.slice(0, 8)}</p></div>`,
        '</article>',
      ].join('');
    }),
  );
  return [
    '<!doctype html><html lang="en"><head><meta charset="utf-8">',
    `<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'">`,
    '<title>Spool labels</title>',
    '<style>body{font-family:sans-serif;margin:8mm}.labels{display:grid;grid-template-columns:repeat(3,1fr);gap:4mm}',
    '.label{display:flex;gap:3mm;border:1px dashed #999;padding:3mm;break-inside:avoid}.qr svg{width:28mm;height:28mm}',
    'h2{font-size:12pt;margin:0 0 2mm}p{margin:0;font-size:9pt}.id{font-family:monospace;color:#555}',
    '.swatch{display:inline-block;width:10pt;height:10pt;border:1px solid #333;margin-right:4pt}</style>',
    '</head><body><main class="labels">',
    ...cards,
    '</main></body></html>',
    '',
  ].join('\n');
}
