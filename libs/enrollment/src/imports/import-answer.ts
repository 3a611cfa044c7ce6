import { buildCredentialsCsv } from '../export/credentials-csv';
import { agentEnrollCommand } from '../export/agent-command';
import { renderEnrollmentQrSheet } from '../export/qr-sheet';
import type { CommitResult } from './enrollment-imports.service';

export interface ImportAnswer {
  contentType: string;
  headers: Record<string, string>;
  body: string | object;
}

/**
 * A commit's answer, holding live enrollment tokens: never cached. The QR page gets a CSP that forbids scripts and
 * remote loads (a hostile printer name stays text even if the page is saved and opened from disk).
 */
export async function renderCommitAnswer(
  result: CommitResult,
  format: 'csv' | 'json' | 'html',
  serverUrl: string,
): Promise<ImportAnswer> {
  const stamp = new Date().toISOString().slice(0, 10);
  const noStore = { 'Cache-Control': 'no-store' };
  switch (format) {
    case 'csv':
      return {
        contentType: 'text/csv; charset=utf-8',
        headers: { ...noStore, 'Content-Disposition': `attachment; filename="farmhand-enrollment-${stamp}.csv"` },
        body: buildCredentialsCsv(result.printers, { serverUrl }),
      };
    case 'html':
      return {
        contentType: 'text/html; charset=utf-8',
        headers: {
          ...noStore,
          'Content-Security-Policy': "default-src 'none'; style-src 'unsafe-inline'",
          'Content-Disposition': `inline; filename="farmhand-enrollment-${stamp}.html"`,
        },
        body: await renderEnrollmentQrSheet(result.printers, {
          serverUrl,
          organizationName: result.organizationName ?? undefined,
        }),
      };
    case 'json':
      return {
        contentType: 'application/json; charset=utf-8',
        headers: noStore,
        body: {
          importId: result.importId,
          created: result.created,
          updated: result.updated,
          printers: result.printers.map((printer) => ({
            ...printer,
            agentCommand: agentEnrollCommand(printer.token, { serverUrl }, printer.octoprintUrl),
          })),
        },
      };
  }
}
