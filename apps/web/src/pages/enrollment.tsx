import { useEffect, useMemo, useRef, useState, type FormEvent } from 'react';
import { ProgressBar } from '../components/printer-card';
import {
  Button,
  ConfirmDialog,
  Notice,
  PageHeader,
  SecretOnce,
  Section,
  SelectInput,
  Spinner,
  TextInput,
} from '../components/ui';
import { canOnPrinter } from '../lib/ability';
import { api, ApiError, messageOf, query } from '../lib/api';
import { credentialsCsv, newUuid, qrSheetHtml, type CommitAnswer } from '../lib/enrollment-export';
import { useFleets } from '../lib/fleets';
import { formatAgo, formatDate, plural } from '../lib/format';
import { useOrg } from '../lib/session';
import type { EnrollmentTokenView } from '../lib/types';
import { downloadText, formatBytes, uploadWithProgress } from '../lib/upload';
import { useResource } from '../lib/use-resource';

/** The fleets this user may enroll printers into (a fleet-limited admin: their own). */
function useEnrollableFleets() {
  const { org, ability } = useOrg();
  const fleets = useFleets();
  return fleets.list.filter((fleet) => canOnPrinter(ability, 'enroll', { orgId: org.id, fleetId: fleet.id }));
}

function PairingSection() {
  const { org } = useOrg();
  const fleets = useEnrollableFleets();
  const [draft, setDraft] = useState({ userCode: '', name: '', fleetId: '' });
  const [result, setResult] = useState<{ tone: 'success' | 'error'; text: string; field?: string } | null>(null);
  const [busy, setBusy] = useState<'claim' | 'deny' | null>(null);
  const fleetId = draft.fleetId || fleets[0]?.id || '';

  const run = async (action: 'claim' | 'deny', event?: FormEvent) => {
    event?.preventDefault();
    setBusy(action);
    setResult(null);
    try {
      if (action === 'claim') {
        const claimed = await api.post<{ name: string; agent: { hostname?: string } }>(
          `/api/orgs/${org.id}/enrollment/pairings/claim`,
          { userCode: draft.userCode, name: draft.name, fleetId },
        );
        setResult({
          tone: 'success',
          text: `${claimed.name} is enrolled; its agent${claimed.agent.hostname ? ` on ${claimed.agent.hostname}` : ''} receives its credential on its next poll.`,
        });
      } else {
        await api.post(`/api/orgs/${org.id}/enrollment/pairings/deny`, { userCode: draft.userCode });
        setResult({ tone: 'success', text: 'Pairing denied: the agent is told so on its next poll.' });
      }
      setDraft({ userCode: '', name: '', fleetId: draft.fleetId });
    } catch (failure) {
      setResult({
        tone: 'error',
        text: messageOf(failure),
        field: failure instanceof ApiError ? failure.field : undefined,
      });
    } finally {
      setBusy(null);
    }
  };
  const fieldError = (field: string) => (result?.tone === 'error' && result.field === field ? result.text : null);

  return (
    <Section title="Pair a printer by code">
      <p className="muted">
        An agent started with <code>farmhand-agent enroll --pair</code> shows a code like <code>WDJB-MJHT</code>. Type
        it here to enroll that printer. Wrong codes count toward a lockout.
      </p>
      {result && !fieldError(result.field ?? '') && <Notice tone={result.tone}>{result.text}</Notice>}
      <form className="form" onSubmit={(event) => void run('claim', event)} noValidate>
        <div className="form-grid form-grid-3">
          <TextInput
            label="Pairing code"
            value={draft.userCode}
            autoComplete="off"
            spellCheck={false}
            className="input mono"
            onChange={(event) => setDraft((current) => ({ ...current, userCode: event.target.value }))}
            error={fieldError('userCode')}
          />
          <TextInput
            label="Printer name"
            value={draft.name}
            onChange={(event) => setDraft((current) => ({ ...current, name: event.target.value }))}
            error={fieldError('name')}
          />
          <SelectInput
            label="Fleet"
            value={fleetId}
            onChange={(event) => setDraft((current) => ({ ...current, fleetId: event.target.value }))}
            error={fieldError('fleetId')}
          >
            {fleets.map((fleet) => (
              <option key={fleet.id} value={fleet.id}>
                {fleet.name}
              </option>
            ))}
          </SelectInput>
        </div>
        <div className="control-row">
          <Button type="submit" variant="primary" busy={busy === 'claim'} disabled={!draft.userCode.trim()}>
            Claim printer
          </Button>
          <Button
            variant="danger"
            busy={busy === 'deny'}
            disabled={!draft.userCode.trim()}
            onClick={() => void run('deny')}
          >
            Deny
          </Button>
        </div>
      </form>
    </Section>
  );
}

function TokensSection() {
  const { org, ability } = useOrg();
  const fleets = useFleets();
  const enrollable = useEnrollableFleets();
  const tokens = useResource(`tokens:${org.id}`, () =>
    api.get<{ tokens: EnrollmentTokenView[]; total: number }>(
      `/api/orgs/${org.id}/enrollment/tokens${query({ status: 'usable', source: 'admin', limit: 200 })}`,
    ),
  );
  const [draft, setDraft] = useState({ fleetId: '', uses: '1', expiresInHours: '24', printerName: '' });
  const [issued, setIssued] = useState<{ token: string; agentCommand: string } | null>(null);
  const [error, setError] = useState<{ message: string; field?: string } | null>(null);
  const [busy, setBusy] = useState(false);
  const [revoking, setRevoking] = useState<EnrollmentTokenView | null>(null);
  const fleetId = draft.fleetId || enrollable[0]?.id || '';
  const mayCreate = ability.can('create', 'EnrollmentToken') && enrollable.length > 0;
  const mayRevoke = ability.can('delete', 'EnrollmentToken');

  const create = async (event: FormEvent) => {
    event.preventDefault();
    setBusy(true);
    setError(null);
    try {
      const created = await api.post<{ token: string; agentCommand: string }>(`/api/orgs/${org.id}/enrollment/tokens`, {
        fleetId,
        uses: Number(draft.uses),
        expiresInHours: Number(draft.expiresInHours),
        ...(draft.printerName.trim() ? { printerName: draft.printerName.trim() } : {}),
      });
      setIssued({ token: created.token, agentCommand: created.agentCommand });
      await tokens.reload();
    } catch (failure) {
      setError({ message: messageOf(failure), field: failure instanceof ApiError ? failure.field : undefined });
    } finally {
      setBusy(false);
    }
  };
  const revoke = async () => {
    if (!revoking) return;
    setBusy(true);
    try {
      await api.delete(`/api/orgs/${org.id}/enrollment/tokens/${revoking.id}`);
      await tokens.reload();
    } catch (failure) {
      setError({ message: messageOf(failure) });
    } finally {
      setBusy(false);
      setRevoking(null);
    }
  };
  const fieldError = (field: string) => (error?.field === field ? error.message : null);

  return (
    <Section title="Enrollment tokens">
      <p className="muted">
        A token lets agents enroll printers into a fleet without a code: <code>farmhand-agent enroll --token …</code>.
      </p>
      {error && !error.field && <Notice tone="error">{error.message}</Notice>}
      {issued && (
        <Notice tone="success">
          <SecretOnce label="New enrollment token" value={issued.token} />
          <SecretOnce label="Agent command" value={issued.agentCommand} note="Run it beside OctoPrint." />
        </Notice>
      )}
      {mayCreate && (
        <form className="form" onSubmit={(event) => void create(event)} noValidate>
          <div className="form-grid form-grid-3">
            <SelectInput
              label="Fleet"
              value={fleetId}
              onChange={(event) => setDraft((current) => ({ ...current, fleetId: event.target.value }))}
              error={fieldError('fleetId')}
            >
              {enrollable.map((fleet) => (
                <option key={fleet.id} value={fleet.id}>
                  {fleet.name}
                </option>
              ))}
            </SelectInput>
            <TextInput
              label="Printers it may enroll"
              type="number"
              min={1}
              value={draft.uses}
              onChange={(event) => setDraft((current) => ({ ...current, uses: event.target.value }))}
              error={fieldError('uses')}
            />
            <TextInput
              label="Valid for (hours)"
              type="number"
              min={1}
              value={draft.expiresInHours}
              onChange={(event) => setDraft((current) => ({ ...current, expiresInHours: event.target.value }))}
              error={fieldError('expiresInHours')}
            />
            <TextInput
              label="Printer name (optional)"
              hint="Default: the agent's host name"
              value={draft.printerName}
              onChange={(event) => setDraft((current) => ({ ...current, printerName: event.target.value }))}
              error={fieldError('printerName')}
            />
          </div>
          <div>
            <Button type="submit" variant="primary" busy={busy}>
              Create token
            </Button>
          </div>
        </form>
      )}
      {tokens.data && tokens.data.tokens.length > 0 && (
        <div className="table-wrap">
          <table className="table table-dense">
            <caption className="visually-hidden">Usable enrollment tokens</caption>
            <thead>
              <tr>
                <th scope="col">Token</th>
                <th scope="col">Fleet</th>
                <th scope="col">Uses left</th>
                <th scope="col">Expires</th>
                <th scope="col">Last used</th>
                <th scope="col">
                  <span className="visually-hidden">Actions</span>
                </th>
              </tr>
            </thead>
            <tbody>
              {tokens.data.tokens.map((token) => (
                <tr key={token.id}>
                  <td className="mono">{token.redacted}</td>
                  <td>{fleets.nameOf(token.fleetId)}</td>
                  <td className="numeric">
                    {token.usesLeft} of {token.usesAllowed}
                  </td>
                  <td>{formatDate(token.expiresAt)}</td>
                  <td>{formatAgo(token.lastUsedAt)}</td>
                  <td className="row-actions">
                    {mayRevoke && (
                      <Button variant="ghost" onClick={() => setRevoking(token)}>
                        Revoke<span className="visually-hidden"> {token.redacted}</span>
                      </Button>
                    )}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      <ConfirmDialog
        open={revoking !== null}
        title="Revoke this enrollment token?"
        confirmLabel="Revoke token"
        tone="danger"
        busy={busy}
        onConfirm={() => void revoke()}
        onCancel={() => setRevoking(null)}
      >
        Agents that have not enrolled yet can no longer use it. Printers already enrolled keep working.
      </ConfirmDialog>
    </Section>
  );
}

interface RowError {
  row: number;
  column: string | null;
  code: string;
  message: string;
}

interface DryRunReport {
  importId: string;
  valid: boolean;
  summary: { rows: number; valid: number; invalid: number; create: number; update: number };
  fileErrors: Array<{ code: string; message: string }>;
  errors: RowError[];
  errorsOmitted: number;
  rows: Array<{
    row: number;
    name: string;
    fleet: string;
    model: string;
    serial: string | null;
    octoprintUrl: string | null;
    tags: string[];
    nozzleDiameterMm: number;
    buildVolumeMm: { x: number; y: number; z: number };
    material: string | null;
    action: 'create' | 'update';
  }>;
}

interface ImportProgress {
  phase: 'parsing' | 'checking' | 'writing' | 'done' | 'failed';
  rowsParsed: number;
  rowsWritten: number;
  rowsTotal: number | null;
}

const TEMPLATE = [
  'name,fleet,model,serial,octoprint_url,tags,nozzle_diameter,build_x,build_y,build_z,material',
  'Prusa-01,Hall A,Prusa MK4,SN-0001,http://192.168.1.21:5000,enclosure|hardened,0.4,250,210,220,PLA',
].join('\r\n');

function ImportSection() {
  const { org } = useOrg();
  const input = useRef<HTMLInputElement>(null);
  const [file, setFile] = useState<File | null>(null);
  const [report, setReport] = useState<DryRunReport | null>(null);
  const [progress, setProgress] = useState<{ percent: number; text: string } | null>(null);
  const [committed, setCommitted] = useState<CommitAnswer | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState<'dry-run' | 'commit' | null>(null);
  const poller = useRef<ReturnType<typeof setInterval> | null>(null);
  useEffect(() => () => void (poller.current && clearInterval(poller.current)), []);

  const dryRun = async (chosen: File) => {
    setBusy('dry-run');
    setError(null);
    setReport(null);
    setCommitted(null);
    try {
      const upload = uploadWithProgress<DryRunReport>(
        `/api/orgs/${org.id}/enrollment/imports${query({ mode: 'dry-run' })}`,
        chosen,
        'text/csv',
        () => undefined,
      );
      setReport(await upload.done);
    } catch (failure) {
      setError(messageOf(failure));
    } finally {
      setBusy(null);
    }
  };

  const commit = async () => {
    if (!file) return;
    const importId = newUuid();
    setBusy('commit');
    setError(null);
    setProgress({ percent: 0, text: 'Uploading' });
    // The commit answers once everything is written; its progress is read from the server meanwhile.
    poller.current = setInterval(() => {
      api
        .get<ImportProgress>(`/api/orgs/${org.id}/enrollment/imports/${importId}`)
        .then((state) => {
          const total = state.rowsTotal ?? report?.summary.rows ?? 0;
          const done = state.phase === 'writing' ? state.rowsWritten : state.rowsParsed;
          setProgress((current) =>
            current && current.percent >= 100
              ? current
              : {
                  percent:
                    state.phase === 'writing' && total ? 50 + (done / total) * 50 : total ? (done / total) * 50 : 0,
                  text: `${state.phase === 'writing' ? 'Writing' : 'Checking'} ${done} of ${total} rows`,
                },
          );
        })
        .catch(() => undefined);
    }, 400);
    try {
      const upload = uploadWithProgress<CommitAnswer>(
        `/api/orgs/${org.id}/enrollment/imports${query({ mode: 'commit', format: 'json', importId })}`,
        file,
        'text/csv',
        () => undefined,
      );
      const answer = await upload.done;
      setProgress({ percent: 100, text: `Wrote ${plural(answer.printers.length, 'printer')}` });
      setCommitted(answer);
      setReport(null);
    } catch (failure) {
      setError(messageOf(failure));
      setProgress(null);
    } finally {
      if (poller.current) clearInterval(poller.current);
      poller.current = null;
      setBusy(null);
    }
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
          ref={input}
          id="enrollment-csv"
          className="input"
          type="file"
          accept=".csv,text/csv"
          disabled={busy !== null}
          onChange={(event) => {
            const chosen = event.target.files?.[0] ?? null;
            setFile(chosen);
            if (chosen) void dryRun(chosen);
          }}
        />
      </div>
      {busy === 'dry-run' && <Spinner label="Checking every row" />}
      {error && <Notice tone="error">{error}</Notice>}
      {report && file && <DryRunTable report={report} fileName={file.name} fileSize={file.size} />}
      {report && (
        <div className="control-row">
          <Button
            variant="primary"
            disabled={!report.valid || busy !== null}
            busy={busy === 'commit'}
            onClick={() => void commit()}
          >
            Commit {plural(report.summary.valid, 'printer')}
          </Button>
          {!report.valid && <span className="text-bad">Fix the errors above and upload the file again.</span>}
        </div>
      )}
      {progress && (
        <div className="upload-progress" aria-live="polite">
          <span>{progress.text}</span>
          <ProgressBar value={progress.percent} label="Import progress" />
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

function DryRunTable({ report, fileName, fileSize }: { report: DryRunReport; fileName: string; fileSize: number }) {
  // Every row of the file, valid or not, in file order, with all of its errors.
  const lines = useMemo(() => {
    const errorsByRow = new Map<number, RowError[]>();
    for (const error of report.errors) errorsByRow.set(error.row, [...(errorsByRow.get(error.row) ?? []), error]);
    const rows = new Map(report.rows.map((row) => [row.row, row]));
    const numbers = [...new Set([...rows.keys(), ...errorsByRow.keys()])].sort((a, b) => a - b);
    return numbers.map((number) => ({ number, row: rows.get(number), errors: errorsByRow.get(number) ?? [] }));
  }, [report]);
  const { summary } = report;

  return (
    <div className="dry-run">
      <p role="status" className={report.valid ? 'text-ok' : 'text-bad'}>
        Dry run of {fileName} ({formatBytes(fileSize)}): {plural(summary.rows, 'row')}, {summary.valid} valid (
        {summary.create} new, {summary.update} updates), {summary.invalid} with errors.
        {report.valid ? ' Nothing was written yet.' : ''}
      </p>
      {report.fileErrors.map((error) => (
        <Notice key={error.code} tone="error">
          {error.message}
        </Notice>
      ))}
      {report.errorsOmitted > 0 && (
        <Notice tone="warning">{plural(report.errorsOmitted, 'more error')} not listed.</Notice>
      )}
      <div className="table-wrap dry-run-table">
        <table className="table table-dense">
          <caption className="visually-hidden">Every row of the CSV with its errors</caption>
          <thead>
            <tr>
              <th scope="col">Row</th>
              <th scope="col">Result</th>
              <th scope="col">Name</th>
              <th scope="col">Fleet</th>
              <th scope="col">Model</th>
              <th scope="col">Serial</th>
              <th scope="col">Nozzle</th>
              <th scope="col">Build volume</th>
              <th scope="col">Material</th>
              <th scope="col">Errors</th>
            </tr>
          </thead>
          <tbody>
            {lines.map(({ number, row, errors }) => (
              <tr key={number} className={errors.length ? 'row-invalid' : undefined}>
                <td className="numeric">{number}</td>
                <td>
                  {errors.length ? (
                    <span className="status status-bad">Error</span>
                  ) : (
                    <span className="status status-ok">{row?.action === 'update' ? 'Update' : 'New'}</span>
                  )}
                </td>
                <td>{row?.name ?? '—'}</td>
                <td>{row?.fleet ?? '—'}</td>
                <td>{row?.model ?? '—'}</td>
                <td className="mono">{row?.serial ?? '—'}</td>
                <td className="numeric">{row ? `${row.nozzleDiameterMm} mm` : '—'}</td>
                <td className="nowrap">
                  {row ? `${row.buildVolumeMm.x} × ${row.buildVolumeMm.y} × ${row.buildVolumeMm.z}` : '—'}
                </td>
                <td>{row?.material ?? '—'}</td>
                <td>
                  {errors.length ? (
                    <ul className="error-list">
                      {errors.map((error, index) => (
                        <li key={index}>
                          {error.column && <span className="mono">{error.column}: </span>}
                          {error.message}
                        </li>
                      ))}
                    </ul>
                  ) : (
                    <span className="muted">None</span>
                  )}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </div>
  );
}

export function EnrollmentPage() {
  const { ability } = useOrg();
  const fleets = useFleets();
  const mayEnroll = ability.can('enroll', 'Printer') && fleets.list.length > 0;

  return (
    <div className="page">
      <PageHeader title="Enroll printers" subtitle="Add printers by pairing code, enrollment token or CSV import." />
      {fleets.loading && !fleets.data ? (
        <Spinner />
      ) : !mayEnroll ? (
        <Notice tone="info">
          {fleets.list.length
            ? 'Your role does not allow enrolling printers.'
            : 'Create a fleet first: every printer belongs to one.'}
        </Notice>
      ) : (
        <>
          <ImportSection />
          <PairingSection />
          <TokensSection />
        </>
      )}
    </div>
  );
}
