import { useQuery } from '@tanstack/react-query';
import { useState } from 'react';
import { FeedbackNotice, useFeedback } from '../../components/feedback';
import { ProgressBar } from '../../components/printer-card';
import { Button, Notice, Section, Spinner } from '../../components/ui';
import { client, query, unwrap } from '../../lib/api';
import type { ImportCommit, ImportDryRun, Schema } from '../../lib/api/views';
import { credentialsCsv, newUuid, qrSheetHtml } from '../../lib/enrollment-export';
import { plural } from '../../lib/format';
import { useApiMutation } from '../../lib/mutations';
import { queryKeys } from '../../lib/query-keys';
import { useOrg } from '../../lib/session';
import { downloadText, uploadWithProgress } from '../../lib/upload';
import { DryRunTable } from './dry-run-table';

const TEMPLATE = [
  'name,fleet,model,serial,octoprint_url,tags,nozzle_diameter,build_x,build_y,build_z,material',
  'Prusa-01,Hall A,Prusa MK4,SN-0001,http://192.168.1.21:5000,enclosure|hardened,0.4,250,210,220,PLA',
].join('\r\n');

/** Progress of a commit in flight as the server reports it: checking is the first half, writing the second. */
function progressOf(state: Schema<'ImportProgressDto'> | undefined, rows: number): { percent: number; text: string } {
  if (!state) return { percent: 0, text: 'Uploading' };
  const total = state.rowsTotal ?? rows;
  const done = state.phase === 'writing' ? state.rowsWritten : state.rowsParsed;
  return {
    percent: state.phase === 'writing' && total ? 50 + (done / total) * 50 : total ? (done / total) * 50 : 0,
    text: `${state.phase === 'writing' ? 'Writing' : 'Checking'} ${done} of ${total} rows`,
  };
}

/**
 * A CSV of printers: a dry run of every row, then one commit that answers with every printer's token once; the
 * credentials CSV and the QR sheet are both made from that answer.
 */
export function ImportSection() {
  const { org } = useOrg();
  const feedback = useFeedback();
  const [file, setFile] = useState<File | null>(null);
  const [importId, setImportId] = useState<string | null>(null);
  const base = `/api/orgs/${org.id}/enrollment/imports`;

  const dryRun = useApiMutation({
    mutationFn: (chosen: File) =>
      uploadWithProgress<ImportDryRun>(`${base}${query({ mode: 'dry-run' })}`, chosen, 'text/csv', () => undefined)
        .done,
    feedback,
  });
  const commit = useApiMutation({
    mutationFn: ({ chosen, id }: { chosen: File; id: string }) =>
      uploadWithProgress<ImportCommit>(
        `${base}${query({ mode: 'commit', format: 'json', importId: id })}`,
        chosen,
        'text/csv',
        () => undefined,
      ).done,
    feedback,
  });
  // The commit answers once everything is written; its progress is read from the server meanwhile.
  const progress = useQuery({
    queryKey: queryKeys.org(org.id).enrollmentImport(importId ?? ''),
    queryFn: () =>
      unwrap(
        client.GET('/api/orgs/{orgId}/enrollment/imports/{importId}', {
          params: { path: { orgId: org.id, importId: importId ?? '' } },
        }),
      ),
    enabled: importId !== null && commit.isPending,
    refetchInterval: 400,
    retry: false,
  });

  const report = commit.isSuccess ? null : dryRun.data;
  const committed = commit.data;
  const shown = committed
    ? { percent: 100, text: `Wrote ${plural(committed.printers.length, 'printer')}` }
    : commit.isPending
      ? progressOf(progress.data, report?.summary.rows ?? 0)
      : null;
  const busy = dryRun.isPending || commit.isPending;

  const choose = (chosen: File | null) => {
    setFile(chosen);
    commit.reset();
    if (chosen) dryRun.mutate(chosen);
  };
  const startCommit = () => {
    if (!file) return;
    const id = newUuid();
    setImportId(id);
    commit.mutate({ chosen: file, id });
  };

  const stamp = new Date().toISOString().slice(0, 10);
  const downloadSheet = async () => {
    if (!committed) return;
    downloadText(`farmhand-enrollment-${stamp}.html`, await qrSheetHtml(committed.printers, org.name), 'text/html');
  };

  return (
    <Section
      title="Import printers from a CSV"
      actions={
        <Button
          variant="ghost"
          onClick={() => downloadText('farmhand-printers-template.csv', `${TEMPLATE}\r\n`, 'text/csv')}
        >
          Download template
        </Button>
      }
    >
      <p className="muted">
        One row per printer. A dry run checks every row against your fleets and printers and writes nothing; the commit
        then creates or updates them all at once and issues one single-use enrollment token per printer.
      </p>
      <div className="field">
        <label htmlFor="enrollment-csv">Printers CSV</label>
        <input
          id="enrollment-csv"
          className="input"
          type="file"
          accept=".csv,text/csv"
          disabled={busy}
          onChange={(event) => choose(event.target.files?.[0] ?? null)}
        />
      </div>
      {dryRun.isPending && <Spinner label="Checking every row" />}
      <FeedbackNotice feedback={feedback} />
      {report && file && <DryRunTable report={report} fileName={file.name} fileSize={file.size} />}
      {report && (
        <div className="control-row">
          <Button variant="primary" disabled={!report.valid || busy} busy={commit.isPending} onClick={startCommit}>
            Commit {plural(report.summary.valid, 'printer')}
          </Button>
          {!report.valid && <span className="text-bad">Fix the errors above and upload the file again.</span>}
        </div>
      )}
      {shown && (
        <div className="upload-progress" aria-live="polite">
          <span>{shown.text}</span>
          <ProgressBar value={shown.percent} label="Import progress" />
        </div>
      )}
      {committed && (
        <Notice tone="success">
          <p className="strong">
            Enrolled {plural(committed.created, 'new printer')}
            {committed.updated ? `, updated ${plural(committed.updated, 'printer')}` : ''}.
          </p>
          <p>
            Download the credentials now: the tokens are shown only this once. Each agent enrolls with its printer's
            token (the CSV has the command; the QR sheet is for printing and taping to the printers).
          </p>
          <div className="control-row">
            <Button
              variant="primary"
              onClick={() =>
                downloadText(`farmhand-enrollment-${stamp}.csv`, credentialsCsv(committed.printers), 'text/csv')
              }
            >
              Download credentials CSV
            </Button>
            <Button onClick={() => void downloadSheet()}>Download QR sheet</Button>
          </div>
        </Notice>
      )}
    </Section>
  );
}
