import { toString as qrToString } from 'qrcode';

/**
 * The printable enrollment QR sheet as plain TypeScript (no Node, no Nest): the server renders it for
 * `format=html` and the dashboard bundles this file (Vite alias `@farmhand/enrollment-qr-sheet`) to build the same
 * page from one commit's JSON answer. Every value is HTML-escaped, and a CSP meta tag forbids scripts and remote
 * loads, so a hostile printer name stays text even if the page is opened from disk.
 */
export interface QrSheetCard {
  name: string;
  fleet: string;
  serial: string | null;
  token: string;
  /** ISO 8601. */
  expiresAt: string;
  agentCommand: string;
}

export async function qrSheetCard(card: QrSheetCard): Promise<string> {
  const svg = await qrToString(card.token, { type: 'svg', errorCorrectionLevel: 'M', margin: 2 });
  const labelled = svg.replace(
    /^<svg /,
    `<svg role="img" aria-label="${escapeHtml(`Enrollment token QR code for ${card.name}`)}" `,
  );
  const expires = `${card.expiresAt.slice(0, 16).replace('T', ' ')} UTC`;
  return [
    '<article class="card">',
    `<div class="qr">${labelled}</div>`,
    '<div class="meta">',
    `<h2>${escapeHtml(card.name)}</h2>`,
    '<dl>',
    `<dt>Fleet</dt><dd>${escapeHtml(card.fleet)}</dd>`,
    `<dt>Serial</dt><dd>${card.serial ? escapeHtml(card.serial) : '&mdash;'}</dd>`,
    `<dt>Expires</dt><dd>${escapeHtml(expires)}</dd>`,
    '</dl>',
    `<code>${escapeHtml(card.agentCommand)}</code>`,
    '</div>',
    '</article>',
  ].join('');
}

/** The whole page around rendered cards. */
export function qrSheetPage(organizationName: string | undefined, cards: readonly string[]): string {
  const title = `Farmhand enrollment${organizationName ? ` - ${organizationName}` : ''}`;
  return [
    '<!doctype html>',
    '<html lang="en">',
    '<head>',
    '<meta charset="utf-8">',
    `<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'">`,
    '<meta name="referrer" content="no-referrer">',
    '<meta name="viewport" content="width=device-width, initial-scale=1">',
    `<title>${escapeHtml(title)}</title>`,
    `<style>${SHEET_STYLE}</style>`,
    '</head>',
    '<body>',
    '<header>',
    `<h1>${escapeHtml(title)}</h1>`,
    `<p class="warning">Each QR code is a secret, single-use enrollment token for one printer. Keep this page like a key and destroy it once the printers are online. ${cards.length} printer${cards.length === 1 ? '' : 's'}.</p>`,
    '</header>',
    '<main class="cards">',
    ...cards,
    '</main>',
    '</body>',
    '</html>',
    '',
  ].join('\n');
}

export function escapeHtml(value: string): string {
  return value.replace(/[&<>"']/g, (character) => HTML_ENTITIES[character]!);
}

const HTML_ENTITIES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

const SHEET_STYLE = `
*{box-sizing:border-box}
body{margin:0;padding:12mm;font-family:system-ui,-apple-system,"Segoe UI",sans-serif;color:#000;background:#fff}
h1{font-size:16pt;margin:0 0 3mm}
.warning{font-size:9pt;border:1px solid #000;padding:2mm 3mm;margin:0 0 5mm}
.cards{display:grid;grid-template-columns:repeat(auto-fill,minmax(88mm,1fr));gap:5mm}
.card{display:flex;gap:4mm;padding:4mm;border:1px dashed #666;break-inside:avoid;page-break-inside:avoid}
.qr{flex:none}
.qr svg{display:block;width:34mm;height:34mm}
.meta{flex:1;min-width:0}
h2{font-size:12pt;margin:0 0 2mm;overflow-wrap:anywhere}
dl{display:grid;grid-template-columns:auto 1fr;gap:0 3mm;margin:0 0 2mm;font-size:9pt}
dt{font-weight:600}
dd{margin:0;overflow-wrap:anywhere}
code{display:block;font:7pt/1.35 ui-monospace,Menlo,Consolas,monospace;word-break:break-all}
@page{size:A4;margin:10mm}
@media print{body{padding:0}.cards{grid-template-columns:repeat(2,1fr)}}
`.trim();
