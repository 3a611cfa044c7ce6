import { OFFLINE_LIVE } from '@farmhand/dashboard-messages';
import { useState, type FormEvent } from 'react';
import { ProgressBar, StateBadge } from '../components/printer-card';
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
import { useLive } from '../lib/live';
import { ACTION_LABELS, BULK_ACTIONS, actionApplies, runAction, type BulkAction } from '../lib/printer-actions';
import { Link } from '../lib/router';
import { useOrg } from '../lib/session';
import type { Printer, PrinterCredential } from '../lib/types';
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
    sensitivity: String(printer.detection.sensitivity ?? 1),
    autoPause: printer.detection.autoPause ?? false,
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
        detection: { sensitivity: Number(draft.sensitivity), autoPause: draft.autoPause },
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
          <SelectInput
            label="Failure detection sensitivity"
            value={draft.sensitivity}
            onChange={set('sensitivity')}
            error={fieldError('detection')}
          >
            <option value="0.8">Fewer alerts (0.8)</option>
            <option value="0.9">0.9</option>
            <option value="1">Balanced (1.0)</option>
            <option value="1.1">1.1</option>
            <option value="1.2">More alerts (1.2)</option>
          </SelectInput>
          <div className="checks span-rest">
            <label className="checkbox">
              <input
                type="checkbox"
                checked={draft.autoPause}
                onChange={(e) => setDraft((c) => ({ ...c, autoPause: e.target.checked }))}
              />
              Pause automatically when a failure is detected
            </label>
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
            <div className="snapshot" aria-label="Latest webcam snapshot">
              <span className="muted">No snapshot yet</span>
            </div>
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
      <Section title="Capabilities">
        <CapabilitiesForm printer={row} onSaved={(updated) => printer.set(updated)} />
      </Section>
      {(canOnPrinter(ability, 'rotate', row) || canOnPrinter(ability, 'revoke', row)) && (
        <CredentialsSection printer={row} />
      )}
    </div>
  );
}
