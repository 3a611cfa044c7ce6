import { csvRecord } from '@farmhand/enrollment-csv-cell';
import { qrSheetCard, qrSheetPage } from '@farmhand/enrollment-qr-sheet';
import type { CommittedPrinter } from './api/views';

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

/**
 * The printable QR sheet, the same page the server renders for `format=html` (one builder, shared through the Vite
 * alias): one card per printer with a QR code of its token and its agent command.
 */
export async function qrSheetHtml(printers: readonly CommittedPrinter[], organizationName: string): Promise<string> {
  const cards: string[] = [];
  for (const printer of printers) cards.push(await qrSheetCard(printer));
  return qrSheetPage(organizationName, cards);
}

/** A v4 UUID also on plain-http LAN deployments, where `crypto.randomUUID` is missing (not a secure context). */
export function newUuid(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(16));
  bytes[6] = (bytes[6]! & 0x0f) | 0x40;
  bytes[8] = (bytes[8]! & 0x3f) | 0x80;
  const hex = [...bytes].map((byte) => byte.toString(16).padStart(2, '0')).join('');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}
