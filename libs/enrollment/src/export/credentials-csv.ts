import { agentEnrollCommand } from './agent-command';
import type { AgentCommandOptions } from './agent-command';
import { csvRecord } from './csv-cell';

/** One enrolled printer as the commit answers it: the token in clear, shown this once. */
export interface PrinterCredentialExport {
  name: string;
  serial: string | null;
  fleet: string;
  /** The printer's single-use enrollment token. */
  token: string;
  expiresAt: Date;
  octoprintUrl?: string | null;
  /** For a farm gateway: the printer software and its LAN address, as the CSV gave them. */
  kind?: string | null;
  address?: string | null;
}

export interface CredentialsCsvOptions extends AgentCommandOptions {
  /** Prefix a UTF-8 BOM so that Excel reads non-ASCII names correctly (default true). */
  bom?: boolean;
}

export const CREDENTIALS_CSV_COLUMNS = [
  'name',
  'serial',
  'fleet',
  'token',
  'expires_at',
  'agent_command',
  'kind',
  'address',
] as const;

/**
 * The credentials CSV: a header and one line per printer, RFC 4180 (CRLF, quotes doubled), every cell neutralised
 * against formula injection since names and serials come from an uploaded file.
 */
export function buildCredentialsCsv(
  entries: readonly PrinterCredentialExport[],
  options: CredentialsCsvOptions,
): string {
  const lines = [csvRecord(CREDENTIALS_CSV_COLUMNS)];
  for (const entry of entries) {
    lines.push(
      csvRecord([
        entry.name,
        entry.serial,
        entry.fleet,
        entry.token,
        entry.expiresAt.toISOString(),
        agentEnrollCommand(entry.token, options, entry.octoprintUrl),
        // What `farmhand-agent gateway enroll --credentials` reads; the address falls back to the OctoPrint URL.
        entry.kind ?? (entry.address || entry.octoprintUrl ? 'octoprint' : null),
        entry.address ?? entry.octoprintUrl ?? null,
      ]),
    );
  }
  return `${options.bom === false ? '' : '\ufeff'}${lines.join('\r\n')}\r\n`;
}
