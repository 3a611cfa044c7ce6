import { csvRecord } from '@farmhand/enrollment-csv-cell';
import { toString as qrToString } from 'qrcode';

/** One printer of a committed CSV import, as the commit answers it with `format=json` (the token in clear, once). */
export interface CommittedPrinter {
  row: number;
  printerId: string;
  action: 'create' | 'update';
  name: string;
  serial: string | null;
  fleet: string;
  token: string;
  expiresAt: string;
  octoprintUrl: string | null;
  agentCommand: string;
}

export interface CommitAnswer {
  importId: string;
  created: number;
  updated: number;
  printers: CommittedPrinter[];
}

/**
 * The credentials CSV, with the server's columns and cell escaping (libs/enrollment/src/export, formula injection
 * neutralised): one commit answers JSON, so the CSV and the QR sheet are both made from that one answer instead of
 * committing twice (a second commit would revoke the first sheet's tokens).
 */
export function credentialsCsv(printers: readonly CommittedPrinter[]): string {
  const lines = [csvRecord(['name', 'serial', 'fleet', 'token', 'expires_at', 'agent_command'])];
  for (const printer of printers) {
    lines.push(
      csvRecord([printer.name, printer.serial, printer.fleet, printer.token, printer.expiresAt, printer.agentCommand]),
    );
  }
  return `\ufeff${lines.join('\r\n')}\r\n`;
}

const HTML_ENTITIES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };
const escapeHtml = (value: string) => value.replace(/[&<>"']/g, (character) => HTML_ENTITIES[character]!);

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

/**
 * The printable QR sheet, the same page the server renders for `format=html`: one card per printer with a QR code of
 * its token and its agent command, every value escaped, and a CSP that forbids scripts when the file is opened.
 */
export async function qrSheetHtml(printers: readonly CommittedPrinter[], organizationName: string): Promise<string> {
  const cards: string[] = [];
  for (const printer of printers) {
    const svg = await qrToString(printer.token, { type: 'svg', errorCorrectionLevel: 'M', margin: 2 });
    const labelled = svg.replace(
      /^<svg /,
      `<svg role="img" aria-label="${escapeHtml(`Enrollment token QR code for ${printer.name}`)}" `,
    );
    const expires = `${printer.expiresAt.slice(0, 16).replace('T', ' ')} UTC`;
    cards.push(
      [
        '<article class="card">',
        `<div class="qr">${labelled}</div>`,
        '<div class="meta">',
        `<h2>${escapeHtml(printer.name)}</h2>`,
        '<dl>',
        `<dt>Fleet</dt><dd>${escapeHtml(printer.fleet)}</dd>`,
        `<dt>Serial</dt><dd>${printer.serial ? escapeHtml(printer.serial) : '&mdash;'}</dd>`,
        `<dt>Expires</dt><dd>${escapeHtml(expires)}</dd>`,
        '</dl>',
        `<code>${escapeHtml(printer.agentCommand)}</code>`,
        '</div>',
        '</article>',
      ].join(''),
    );
  }
  const title = `Farmhand enrollment - ${organizationName}`;
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
    `<p class="warning">Each QR code is a secret, single-use enrollment token for one printer. Keep this page like a key and destroy it once the printers are online. ${printers.length} printer${printers.length === 1 ? '' : 's'}.</p>`,
    '</header>',
    '<main class="cards">',
    ...cards,
    '</main>',
    '</body>',
    '</html>',
    '',
  ].join('\n');
}

/** A v4 UUID also on plain-http LAN deployments, where `crypto.randomUUID` is missing (not a secure context). */
export function newUuid(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(16));
  bytes[6] = (bytes[6]! & 0x0f) | 0x40;
  bytes[8] = (bytes[8]! & 0x3f) | 0x80;
  const hex = [...bytes].map((byte) => byte.toString(16).padStart(2, '0')).join('');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}
