import { OFFLINE_LIVE } from '@farmhand/dashboard-messages';
import { useState, type FormEvent } from 'react';
import { ProgressBar, StateBadge } from '../components/printer-card';
import { TemperatureChart, useTemperatureHistory } from '../components/temperature-chart';
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
import { api, ApiError, messageOf } from '../lib/api';
import { useFleets } from '../lib/fleets';
import { formatAgo, formatDate, formatDuration, formatTemperature } from '../lib/format';
import { useLive, useRefetchOnOrgEvents } from '../lib/live';
import { useLatestFrame } from '../lib/snapshot';
import { AlertTable, useAlerts } from './alerts';
import { ACTION_LABELS, BULK_ACTIONS, actionApplies, runAction, type BulkAction } from '../lib/printer-actions';
import { Link } from '../lib/router';
import { useOrg } from '../lib/session';
import type { AttemptHistoryRow, Printer, PrinterCredential, RegionOfInterest } from '../lib/types';
import { useResource } from '../lib/use-resource';

function numberOrNull(value: string): number | null {
  const trimmed = value.trim();
  return trimmed === '' ? null : Number(trimmed);
}

function CapabilitiesForm({ printer, onSaved }: { printer: Printer; onSaved: (printer: Printer) => void }) {
  const { org, ability } = useOrg();
  const fleets = useFleets();
  const [draft, setDraft] = useState({
    name: printer.name,
    fleetId: printer.fleetId,
    model: printer.model,
    buildX: printer.buildX?.toString() ?? '',
    buildY: printer.buildY?.toString() ?? '',
    buildZ: printer.buildZ?.toString() ?? '',
    nozzleDiameter: printer.nozzleDiameter?.toString() ?? '',
    material: printer.material ?? '',
    tags: printer.tags.join(', '),
    autoEject: printer.autoEject,
  });
  const [error, setError] = useState<{ message: string; field?: string } | null>(null);
  const [saved, setSaved] = useState(false);
  const [busy, setBusy] = useState(false);
  const editable = canOnPrinter(ability, 'update', printer);
  const set = (field: keyof typeof draft) => (event: { target: { value: string } }) => {
    setSaved(false);
    setDraft((current) => ({ ...current, [field]: event.target.value }));
  };
  const fieldError = (field: string) => (error?.field === field ? error.message : null);
  // A printer may only move into fleets the user could also manage it in.
  const targetFleets = fleets.list.filter((fleet) =>
    canOnPrinter(ability, 'update', { orgId: org.id, fleetId: fleet.id }),
  );

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setBusy(true);
    setError(null);
    try {
      const updated = await api.patch<Printer>(`/api/orgs/${org.id}/printers/${printer.id}`, {
        name: draft.name,
        fleetId: draft.fleetId,
        model: draft.model,
        buildX: numberOrNull(draft.buildX),
        buildY: numberOrNull(draft.buildY),
        buildZ: numberOrNull(draft.buildZ),
        nozzleDiameter: numberOrNull(draft.nozzleDiameter),
        material: draft.material.trim() || null,
        tags: draft.tags
          .split(',')
          .map((tag) => tag.trim())
          .filter(Boolean),
        autoEject: draft.autoEject,
      });
      setSaved(true);
      onSaved(updated);
    } catch (failure) {
      setError({ message: messageOf(failure), field: failure instanceof ApiError ? failure.field : undefined });
    } finally {
      setBusy(false);
    }
  };

  return (
    <form className="form" onSubmit={(event) => void submit(event)} noValidate>
      {error && !error.field && <Notice tone="error">{error.message}</Notice>}
      {saved && <Notice tone="success">Saved</Notice>}
      <fieldset className="fieldset-plain" disabled={!editable}>
        <div className="form-grid form-grid-3">
          <TextInput label="Name" value={draft.name} onChange={set('name')} error={fieldError('name')} />
          <SelectInput label="Fleet" value={draft.fleetId} onChange={set('fleetId')} error={fieldError('fleetId')}>
            {(targetFleets.some((fleet) => fleet.id === printer.fleetId)
              ? targetFleets
              : [...targetFleets, ...fleets.list.filter((f) => f.id === printer.fleetId)]
            ).map((fleet) => (
              <option key={fleet.id} value={fleet.id}>
                {fleet.name}
              </option>
            ))}
          </SelectInput>
          <TextInput label="Model" value={draft.model} onChange={set('model')} error={fieldError('model')} />
          <TextInput
            label="Build X (mm)"
            inputMode="decimal"
            value={draft.buildX}
            onChange={set('buildX')}
            error={fieldError('buildX')}
          />
          <TextInput
            label="Build Y (mm)"
            inputMode="decimal"
            value={draft.buildY}
            onChange={set('buildY')}
            error={fieldError('buildY')}
          />
          <TextInput
            label="Build Z (mm)"
            inputMode="decimal"
            value={draft.buildZ}
            onChange={set('buildZ')}
            error={fieldError('buildZ')}
          />
          <TextInput
            label="Nozzle diameter (mm)"
            inputMode="decimal"
            value={draft.nozzleDiameter}
            onChange={set('nozzleDiameter')}
            error={fieldError('nozzleDiameter')}
          />
          <TextInput
            label="Material"
            value={draft.material}
            onChange={set('material')}
            placeholder="PLA"
            error={fieldError('material')}
          />
          <TextInput
            label="Tags"
            hint="Comma separated"
            value={draft.tags}
            onChange={set('tags')}
            error={fieldError('tags')}
          />
          <div className="checks span-rest">
            <label className="checkbox">
              <input
                type="checkbox"
                checked={draft.autoEject}
                onChange={(e) => setDraft((c) => ({ ...c, autoEject: e.target.checked }))}
              />
              Bed is cleared automatically (no confirmation between prints)
            </label>
          </div>
        </div>
      </fieldset>
      {editable && (
        <div>
          <Button type="submit" variant="primary" busy={busy}>
            Save changes
          </Button>
        </div>
      )}
    </form>
  );
}

function DetectionSection({ printer, onSaved }: { printer: Printer; onSaved: (printer: Printer) => void }) {
  const { org, ability } = useOrg();
  const roi = printer.detection.regionOfInterest ?? null;
  const [draft, setDraft] = useState({
    sensitivity: printer.detection.sensitivity ?? 1,
    autoPause: printer.detection.autoPause ?? false,
    frameIntervalSeconds: String(printer.detection.frameIntervalSeconds ?? 10),
    roi: roi ? [roi.x, roi.y, roi.width, roi.height].map(String) : ['', '', '', ''],
  });
  const [error, setError] = useState<{ message: string; field?: string } | null>(null);
  const [saved, setSaved] = useState(false);
  const [busy, setBusy] = useState(false);
  const editable = canOnPrinter(ability, 'update', printer);
  const roiLabels = ['Left (0–1)', 'Top (0–1)', 'Width (0.05–1)', 'Height (0.05–1)'];

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setBusy(true);
    setError(null);
    setSaved(false);
    const roiFilled = draft.roi.some((value) => value.trim() !== '');
    const regionOfInterest: RegionOfInterest | null = roiFilled
      ? {
          x: Number(draft.roi[0] || 0),
          y: Number(draft.roi[1] || 0),
          width: Number(draft.roi[2] || 1),
          height: Number(draft.roi[3] || 1),
        }
      : null;
    try {
      const updated = await api.patch<Printer>(`/api/orgs/${org.id}/printers/${printer.id}`, {
        detection: {
          sensitivity: draft.sensitivity,
          autoPause: draft.autoPause,
          frameIntervalSeconds: Number(draft.frameIntervalSeconds),
          regionOfInterest,
        },
      });
      setSaved(true);
      onSaved(updated);
    } catch (failure) {
      setError({ message: messageOf(failure), field: failure instanceof ApiError ? failure.field : undefined });
    } finally {
      setBusy(false);
    }
  };

  return (
    <Section title="Failure detection">
      <form className="form" onSubmit={(event) => void submit(event)} noValidate>
        {error && <Notice tone="error">{error.message}</Notice>}
        {saved && <Notice tone="success">Detection settings saved</Notice>}
        <fieldset className="fieldset-plain" disabled={!editable}>
          <div className="field">
            <label htmlFor={`sensitivity-${printer.id}`}>
              Sensitivity: <span className="numeric">{draft.sensitivity.toFixed(2)}</span>
            </label>
            <input
              id={`sensitivity-${printer.id}`}
              className="range"
              type="range"
              min={0.8}
              max={1.2}
              step={0.05}
              value={draft.sensitivity}
              aria-describedby={`sensitivity-hint-${printer.id}`}
              onChange={(event) => setDraft((current) => ({ ...current, sensitivity: Number(event.target.value) }))}
            />
            <p className="field-hint" id={`sensitivity-hint-${printer.id}`}>
              0.8: fewer alerts · 1.0: balanced · 1.2: more alerts
            </p>
          </div>
          <label className="checkbox">
            <input
              type="checkbox"
              checked={draft.autoPause}
              onChange={(event) => setDraft((current) => ({ ...current, autoPause: event.target.checked }))}
            />
            Pause automatically when a failure is detected
          </label>
          <div className="form-grid form-grid-3">
            <TextInput
              label="Seconds between frames"
              type="number"
              min={2}
              max={600}
              value={draft.frameIntervalSeconds}
              onChange={(event) => setDraft((current) => ({ ...current, frameIntervalSeconds: event.target.value }))}
            />
          </div>
          <fieldset className="fieldset">
            <legend>Region of interest</legend>
            <p className="field-hint">Fractions of the frame; leave all empty to score the whole frame.</p>
            <div className="form-grid roi-grid">
              {roiLabels.map((label, index) => (
                <TextInput
                  key={label}
                  label={label}
                  inputMode="decimal"
                  value={draft.roi[index]}
                  onChange={(event) =>
                    setDraft((current) => ({
                      ...current,
                      roi: current.roi.map((value, at) => (at === index ? event.target.value : value)),
                    }))
                  }
                />
              ))}
            </div>
          </fieldset>
        </fieldset>
        {editable && (
          <div>
            <Button type="submit" variant="primary" busy={busy}>
              Save detection settings
            </Button>
          </div>
        )}
      </form>
    </Section>
  );
}

function HistorySection({ printer }: { printer: Printer }) {
  const { org } = useOrg();
  const history = useResource(`history:${printer.id}`, () =>
    api.get<{
      summary: { attempts: number; good: number; bad: number; failed: number };
      attempts: AttemptHistoryRow[];
    }>(`/api/orgs/${org.id}/printers/${printer.id}/history?limit=20`),
  );
  useRefetchOnOrgEvents(history.reload, (event) => event.kind === 'queue' && event.printerId === printer.id);
  return (
    <Section title="History">
      {history.error && <Notice tone="error">{history.error}</Notice>}
      {!history.data ? (
        !history.error && <Spinner />
      ) : history.data.attempts.length === 0 ? (
        <p className="muted">No prints in the last 30 days.</p>
      ) : (
        <>
          <p className="muted small">
            Last 30 days: {history.data.summary.attempts} prints, {history.data.summary.good} good,{' '}
            {history.data.summary.bad} bad, {history.data.summary.failed} failed.
          </p>
          <div className="table-wrap">
            <table className="table table-dense">
              <thead>
                <tr>
                  <th scope="col">Job</th>
                  <th scope="col">State</th>
                  <th scope="col">Outcome</th>
                  <th scope="col">Started</th>
                  <th scope="col">Duration</th>
                </tr>
              </thead>
              <tbody>
                {history.data.attempts.map((attempt) => (
                  <tr key={attempt.id}>
                    <td>
                      {attempt.jobName} <span className="muted">#{attempt.copyNumber}</span>
                    </td>
                    <td>
                      {attempt.state.replace(/_/g, ' ')}
                      {attempt.failureReason && <div className="small text-bad">{attempt.failureReason}</div>}
                    </td>
                    <td>{attempt.outcome ?? '—'}</td>
                    <td>{formatDate(attempt.startedAt ?? attempt.assignedAt)}</td>
                    <td className="numeric">{formatDuration(attempt.durationSeconds)}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        </>
      )}
    </Section>
  );
}

function PrinterAlerts({ printer }: { printer: Printer }) {
  const alerts = useAlerts({ printerId: printer.id, limit: 20 });
  return (
    <Section title="Alerts">
      {alerts.error && <Notice tone="error">{alerts.error}</Notice>}
      {alerts.data ? (
        <AlertTable alerts={alerts.data.items} onChanged={alerts.reload} showPrinter={false} />
      ) : (
        !alerts.error && <Spinner />
      )}
    </Section>
  );
}

function Snapshot({ printer, snapshotAt }: { printer: Printer; snapshotAt: string | null }) {
  const { org } = useOrg();
  const frame = useLatestFrame(org.id, printer.id, snapshotAt, true);
  return (
    <figure className="snapshot">
      {frame ? (
        <>
          <img src={frame.url} alt={`Latest webcam snapshot of ${printer.name}`} />
          {frame.takenAt && <figcaption className="snapshot-time">{formatAgo(frame.takenAt)}</figcaption>}
        </>
      ) : (
        <span className="muted">No snapshot yet</span>
      )}
    </figure>
  );
}

function CredentialsSection({ printer }: { printer: Printer }) {
  const { org, ability } = useOrg();
  const credentials = useResource(`credentials:${printer.id}`, () =>
    api.get<PrinterCredential[]>(`/api/orgs/${org.id}/printers/${printer.id}/credentials`),
  );
  const [issued, setIssued] = useState<{ credential: string; previousValidUntil: string } | null>(null);
  const [confirm, setConfirm] = useState<'rotate' | 'revoke' | null>(null);
  const [notice, setNotice] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const mayRotate = canOnPrinter(ability, 'rotate', printer);
  const mayRevoke = canOnPrinter(ability, 'revoke', printer);

  const run = async () => {
    const action = confirm;
    setBusy(true);
    setError(null);
    try {
      if (action === 'rotate') {
        setIssued(await api.post(`/api/orgs/${org.id}/printers/${printer.id}/credentials/rotate`));
      } else if (action === 'revoke') {
        const result = await api.post<{ revoked: number }>(
          `/api/orgs/${org.id}/printers/${printer.id}/credentials/revoke`,
        );
        setIssued(null);
        setNotice(`Revoked ${result.revoked} credential${result.revoked === 1 ? '' : 's'}; the agent is disconnected.`);
      }
      await credentials.reload();
    } catch (failure) {
      setError(messageOf(failure));
    } finally {
      setConfirm(null);
      setBusy(false);
    }
  };

  return (
    <Section
      title="Agent credentials"
      actions={
        <div className="section-actions">
          {mayRotate && <Button onClick={() => setConfirm('rotate')}>Rotate</Button>}
          {mayRevoke && (
            <Button variant="danger" onClick={() => setConfirm('revoke')} disabled={!credentials.data?.length}>
              Revoke all
            </Button>
          )}
        </div>
      }
    >
      {error && <Notice tone="error">{error}</Notice>}
      {notice && <Notice tone="success">{notice}</Notice>}
      {issued && (
        <Notice tone="success">
          <SecretOnce
            label="New agent credential"
            value={issued.credential}
            note={`Shown only now. Put it in the agent's configuration; the previous one keeps working until ${formatDate(issued.previousValidUntil)}.`}
          />
        </Notice>
      )}
      {credentials.loading && !credentials.data ? (
        <Spinner />
      ) : credentials.data && credentials.data.length ? (
        <table className="table table-dense">
          <thead>
            <tr>
              <th scope="col">Credential</th>
              <th scope="col">Issued</th>
              <th scope="col">Last used</th>
              <th scope="col">Valid until</th>
            </tr>
          </thead>
          <tbody>
            {credentials.data.map((credential) => (
              <tr key={credential.id}>
                <td className="mono">{credential.id.slice(0, 8)}…</td>
                <td>{formatDate(credential.createdAt)}</td>
                <td>{formatAgo(credential.lastUsedAt)}</td>
                <td>{credential.expiresAt ? formatDate(credential.expiresAt) : 'Until rotated'}</td>
              </tr>
            ))}
          </tbody>
        </table>
      ) : (
        <p className="muted">No usable credential: the agent cannot connect until it is enrolled again.</p>
      )}
      <ConfirmDialog
        open={confirm !== null}
        title={
          confirm === 'rotate'
            ? `Rotate the credential of ${printer.name}?`
            : `Revoke every credential of ${printer.name}?`
        }
        confirmLabel={confirm === 'rotate' ? 'Rotate credential' : 'Revoke now'}
        tone={confirm === 'revoke' ? 'danger' : 'primary'}
        busy={busy}
        onConfirm={() => void run()}
        onCancel={() => setConfirm(null)}
      >
        {confirm === 'rotate'
          ? 'A new credential is issued and shown once; the current one keeps working for a short grace period.'
          : 'The agent is disconnected at once and cannot reconnect until the printer is enrolled again.'}
      </ConfirmDialog>
    </Section>
  );
}

function Controls({ printer }: { printer: Printer }) {
  const { org, ability } = useOrg();
  const { byId } = useLive();
  const live = byId.get(printer.id)?.live ?? OFFLINE_LIVE;
  const [pending, setPending] = useState<BulkAction | null>(null);
  const [message, setMessage] = useState<{ tone: 'success' | 'error'; text: string } | null>(null);
  const [busy, setBusy] = useState(false);
  const allowed = BULK_ACTIONS.filter((action) => canOnPrinter(ability, action, printer));
  if (!allowed.length) return null;

  const run = async () => {
    if (!pending) return;
    setBusy(true);
    try {
      await runAction(org.id, printer.id, pending);
      setMessage({ tone: 'success', text: `${ACTION_LABELS[pending].past} ${printer.name}` });
    } catch (failure) {
      setMessage({ tone: 'error', text: messageOf(failure) });
    } finally {
      setBusy(false);
      setPending(null);
    }
  };

  return (
    <Section title="Controls">
      {message && <Notice tone={message.tone}>{message.text}</Notice>}
      <div className="control-row">
        {allowed.map((action) => (
          <Button
            key={action}
            variant={action === 'cancel' ? 'danger' : 'secondary'}
            disabled={!actionApplies(action, { live })}
            onClick={() => setPending(action)}
          >
            {action === 'cancel' ? 'Cancel print' : ACTION_LABELS[action].verb}
          </Button>
        ))}
        {!live.online && <span className="muted">The printer's agent is not connected.</span>}
      </div>
      <ConfirmDialog
        open={pending !== null}
        title={pending ? `${ACTION_LABELS[pending].verb} ${printer.name}?` : ''}
        confirmLabel={pending === 'cancel' ? 'Cancel print' : (pending && ACTION_LABELS[pending].verb) || ''}
        tone={pending === 'cancel' ? 'danger' : 'primary'}
        busy={busy}
        onConfirm={() => void run()}
        onCancel={() => setPending(null)}
      >
        {pending === 'cancel'
          ? 'The current print stops and cannot be resumed.'
          : 'The command is sent to the printer now.'}
      </ConfirmDialog>
    </Section>
  );
}

export function PrinterDetailPage({ printerId }: { printerId: string }) {
  const { org, ability } = useOrg();
  const fleets = useFleets();
  const { byId } = useLive();
  const printer = useResource(`${org.id}:${printerId}`, () =>
    api.get<Printer>(`/api/orgs/${org.id}/printers/${printerId}`),
  );
  const live = byId.get(printerId)?.live ?? OFFLINE_LIVE;
  const temperatures = useTemperatureHistory(printerId, live);

  if (printer.loading && !printer.data) return <Spinner />;
  if (!printer.data)
    return (
      <div className="page page-narrow">
        <Notice tone="error">{printer.error ?? 'Printer not found'}</Notice>
        <Link to={`/orgs/${org.id}/printers`}>Back to printers</Link>
      </div>
    );
  const row = printer.data;
  const active = live.state === 'printing' || live.state === 'paused' || live.state === 'pausing';

  return (
    <div className="page">
      <nav className="breadcrumbs" aria-label="Breadcrumb">
        <Link to={`/orgs/${org.id}/printers`}>Printers</Link> <span aria-hidden="true">/</span>{' '}
        <Link to={`/orgs/${org.id}/printers?fleet=${row.fleetId}`}>{fleets.nameOf(row.fleetId)}</Link>
      </nav>
      <PageHeader
        title={row.name}
        badge={<StateBadge live={live} />}
        subtitle={[
          fleets.nameOf(row.fleetId),
          row.model,
          row.serial && `S/N ${row.serial}`,
          live.online ? 'agent connected' : `last seen ${formatAgo(row.lastSeenAt)}`,
        ]
          .filter(Boolean)
          .join(' · ')}
      />
      <div className="detail-grid">
        <Section title="Now">
          <div className="now">
            <Snapshot printer={row} snapshotAt={live.snapshotAt} />
            <dl className="facts">
              <dt>Job</dt>
              <dd>{active || live.job ? (live.job ?? 'Unnamed job') : live.online ? 'Idle' : '—'}</dd>
              <dt>Progress</dt>
              <dd>
                {live.progress === null ? '—' : `${live.progress.toFixed(1)}%`}
                {active && <ProgressBar value={live.progress} label="Print progress" />}
              </dd>
              <dt>Time left</dt>
              <dd>{formatDuration(live.timeLeft)}</dd>
              <dt>Nozzle</dt>
              <dd>{formatTemperature(live.toolActual, live.toolTarget)}</dd>
              <dt>Bed</dt>
              <dd>{formatTemperature(live.bedActual, live.bedTarget)}</dd>
              <dt>Failure risk</dt>
              <dd>{live.failureScore === null ? 'Not scored' : `${Math.round(live.failureScore * 100)}%`}</dd>
              {live.error && (
                <>
                  <dt>Error</dt>
                  <dd className="text-bad">{live.error}</dd>
                </>
              )}
            </dl>
          </div>
        </Section>
        <Controls printer={row} />
      </div>
      <Section title="Temperatures">
        <TemperatureChart samples={temperatures} />
      </Section>
      <HistorySection printer={row} />
      {ability.can('read', 'Alert') && <PrinterAlerts printer={row} />}
      <Section title="Capabilities">
        <CapabilitiesForm printer={row} onSaved={(updated) => printer.set(updated)} />
      </Section>
      <DetectionSection printer={row} onSaved={(updated) => printer.set(updated)} />
      {(canOnPrinter(ability, 'rotate', row) || canOnPrinter(ability, 'revoke', row)) && (
        <CredentialsSection printer={row} />
      )}
    </div>
  );
}
