import { setImmediate as nextTurn } from 'node:timers/promises';
import { agentEnrollCommand } from './agent-command';
import type { AgentCommandOptions } from './agent-command';
import type { PrinterCredentialExport } from './credentials-csv';
import { qrSheetCard, qrSheetPage } from './qr-sheet-page';

export { escapeHtml } from './qr-sheet-page';

export interface QrSheetOptions extends AgentCommandOptions {
  /** Shown in the page title and heading. */
  organizationName?: string;
}

const CARDS_PER_TURN = 50;

/**
 * A self-contained printable HTML page, one card per printer: name, fleet, serial, expiry, a QR code of the
 * enrollment token (inline SVG) and the agent command (page and escaping in `qr-sheet-page.ts`).
 */
export async function renderEnrollmentQrSheet(
  entries: readonly PrinterCredentialExport[],
  options: QrSheetOptions,
): Promise<string> {
  const cards: string[] = [];
  for (let index = 0; index < entries.length; index++) {
    const entry = entries[index]!;
    cards.push(
      await qrSheetCard({
        name: entry.name,
        fleet: entry.fleet,
        serial: entry.serial,
        token: entry.token,
        expiresAt: entry.expiresAt.toISOString(),
        agentCommand: agentEnrollCommand(entry.token, options, entry.octoprintUrl),
      }),
    );
    // Hundreds of QR codes take a while; let the event loop breathe.
    if ((index + 1) % CARDS_PER_TURN === 0) await nextTurn();
  }
  return qrSheetPage(options.organizationName, cards);
}
