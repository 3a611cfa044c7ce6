import { useMemo, useRef, useState, type ChangeEvent, type FormEvent } from 'react';
import { ProgressBar } from '../components/printer-card';
import {
  Button,
  ConfirmDialog,
  Dialog,
  EmptyState,
  Notice,
  PageHeader,
  Section,
  SelectInput,
  Spinner,
  TextInput,
} from '../components/ui';
import { api, ApiError, messageOf, query } from '../lib/api';
import { useFleets } from '../lib/fleets';
import { formatDate, formatDuration, plural } from '../lib/format';
import { useLive, useRefetchOnOrgEvents } from '../lib/live';
import { useOrg } from '../lib/session';
import type { CopyState, GcodeFile, PrintJob, PrintJobDetail, PrinterReadiness } from '../lib/types';
import { formatBytes, uploadWithProgress, type UploadProgress } from '../lib/upload';
import { useResource } from '../lib/use-resource';

const COPY_STATE_LABELS: Record<CopyState, string> = {
  queued: 'Queued',
  assigned: 'Assigned',
  uploading: 'Uploading',
  printing: 'Printing',
  awaiting_bed_clear: 'Awaiting bed clear',
  done: 'Done',
  failed: 'Failed',
  cancelled: 'Cancelled',
};

const COPY_STATE_TONE: Record<CopyState, string> = {
  queued: 'status-muted',
  assigned: 'status-muted',
  uploading: 'status-warn',
  printing: 'status-ok',
  awaiting_bed_clear: 'status-warn',
  done: 'status-ok',
  failed: 'status-bad',
  cancelled: 'status-muted',
};

const JOB_STATUS_LABELS: Record<PrintJob['status'], string> = {
  queued: 'Queued',
  held: 'On hold',
  printing: 'Printing',
  finished: 'Finished',
  cancelled: 'Cancelled',
};

function extentOf(file: GcodeFile): string {
  const extent = file.metadata.extent;
  if (!extent) return '—';
  const size = (min: number, max: number) => Math.ceil((max - min) * 10) / 10;
  return `${size(extent.min.x, extent.max.x)} × ${size(extent.min.y, extent.max.y)} × ${Math.ceil(extent.max.z * 10) / 10} mm`;
}

function filamentOf(file: GcodeFile): string {
  const { filamentWeightGrams: grams, filamentLengthMm: mm } = file.metadata;
  if (grams !== null) return `${grams.toFixed(1)} g`;
  if (mm !== null) return `${(mm / 1000).toFixed(2)} m`;
  return '—';
}

/** The largest thumbnail a browser can show (QOI is not an image format browsers read). */
function thumbnailOf(orgId: string, file: GcodeFile): string | null {
  const shown = file.thumbnails
    .filter((thumbnail) => thumbnail.format !== 'qoi')
    .sort((a, b) => b.width * b.height - a.width * a.height)[0];
  return shown ? `/api/orgs/${orgId}/files/${file.id}/thumbnails/${shown.index}` : null;
}

function countsSummary(job: PrintJob): string {
  const parts = (Object.keys(COPY_STATE_LABELS) as CopyState[])
    .filter((state) => job.counts[state] > 0)
    .map((state) => `${job.counts[state]} ${COPY_STATE_LABELS[state].toLowerCase()}`);
  return parts.join(' · ') || '—';
}

function requirementsSummary(job: PrintJob, fleetName: (id: string) => string): string {
  const r = job.requirements;
  const parts = [
    r.material,
    r.nozzleDiameter !== null ? `${r.nozzleDiameter} mm nozzle` : null,
    r.minBuildX !== null || r.minBuildY !== null || r.minBuildZ !== null
      ? `bed ≥ ${r.minBuildX ?? '?'}×${r.minBuildY ?? '?'}×${r.minBuildZ ?? '?'} mm`
      : null,
    r.fleetIds.length ? `fleets: ${r.fleetIds.map(fleetName).join(', ')}` : null,
    r.requiredTags.length ? `tags: ${r.requiredTags.join(', ')}` : null,
    r.earliestStartAt ? `not before ${formatDate(r.earliestStartAt)}` : null,
  ];
  return parts.filter(Boolean).join(' · ') || 'Any printer';
}

function UploadPanel({ onUploaded }: { onUploaded: (file: GcodeFile, duplicate: boolean) => void }) {
  const { org } = useOrg();
  const input = useRef<HTMLInputElement>(null);
  const [progress, setProgress] = useState<UploadProgress | null>(null);
  const [current, setCurrent] = useState<{ name: string; abort: () => void } | null>(null);
  const [error, setError] = useState<string | null>(null);

  const upload = async (event: ChangeEvent<HTMLInputElement>) => {
    const file = event.target.files?.[0];
    if (!file) return;
    setError(null);
    setProgress({ loaded: 0, total: file.size });
    const handle = uploadWithProgress<{ file: GcodeFile; duplicate: boolean }>(
      `/api/orgs/${org.id}/files${query({ name: file.name })}`,
      file,
      'application/octet-stream',
      setProgress,
    );
    setCurrent({ name: file.name, abort: handle.abort });
    try {
      const result = await handle.done;
      onUploaded(result.file, result.duplicate);
    } catch (failure) {
      setError(messageOf(failure));
    } finally {
      setCurrent(null);
      setProgress(null);
      if (input.current) input.current.value = '';
    }
  };

  const percent = progress && progress.total ? (progress.loaded / progress.total) * 100 : 0;
  return (
    <div className="upload-panel">
      <div className="field">
        <label htmlFor="gcode-upload">Upload G-code</label>
        <input
          ref={input}
          id="gcode-upload"
          className="input"
          type="file"
          accept=".gcode,.gco,.g,.bgcode,text/x.gcode"
          disabled={current !== null}
          onChange={(event) => void upload(event)}
          aria-describedby="gcode-upload-hint"
        />
        <p className="field-hint" id="gcode-upload-hint">
          The slicer's metadata (time, filament, material, nozzle, thumbnails) is read while it uploads.
        </p>
      </div>
      {current && progress && (
        <div className="upload-progress">
          <span>
            Uploading {current.name}: {formatBytes(progress.loaded)} of {formatBytes(progress.total)} (
            {percent.toFixed(0)}%)
          </span>
          <ProgressBar value={percent} label={`Upload of ${current.name}`} />
          <Button variant="ghost" onClick={current.abort}>
            Cancel upload
          </Button>
        </div>
      )}
      {error && <Notice tone="error">{error}</Notice>}
    </div>
  );
}

interface JobDraft {
  fileId: string;
  copies: string;
  priority: string;
  material: string;
  nozzleDiameter: string;
  minBuildX: string;
  minBuildY: string;
  minBuildZ: string;
  fleetIds: string[];
  tags: string;
  earliestStartAt: string;
  notes: string;
  held: boolean;
}

function draftFor(file: GcodeFile | undefined): JobDraft {
  const extent = file?.metadata.extent;
  const span = (min: number, max: number) => String(Math.ceil((max - min) * 10) / 10);
  return {
    fileId: file?.id ?? '',
    copies: '1',
    priority: '0',
    material: file?.metadata.material ?? '',
    nozzleDiameter: file?.metadata.nozzleDiameterMm?.toString() ?? '',
    minBuildX: extent ? span(extent.min.x, extent.max.x) : '',
    minBuildY: extent ? span(extent.min.y, extent.max.y) : '',
    minBuildZ: extent ? String(Math.ceil(extent.max.z * 10) / 10) : '',
    fleetIds: [],
    tags: '',
    earliestStartAt: '',
    notes: '',
    held: false,
  };
}

const numberOrNull = (value: string): number | null => (value.trim() === '' ? null : Number(value));

function CreateJobDialog({
  files,
  initialFileId,
  open,
  onClose,
  onCreated,
}: {
  files: GcodeFile[];
  initialFileId: string | null;
  open: boolean;
  onClose: () => void;
  onCreated: (job: PrintJob) => void;
}) {
  const { org } = useOrg();
  const fleets = useFleets();
  const [draft, setDraft] = useState<JobDraft>(() => draftFor(files.find((file) => file.id === initialFileId)));
  const [error, setError] = useState<{ message: string; field?: string } | null>(null);
  const [busy, setBusy] = useState(false);
  const set = (field: keyof JobDraft) => (event: { target: { value: string } }) =>
    setDraft((current) => ({ ...current, [field]: event.target.value }));
  const fieldError = (...fields: string[]) =>
    error?.field && fields.some((field) => error.field === field || error.field?.endsWith(`.${field}`))
      ? error.message
      : null;

  const chooseFile = (fileId: string) => {
    const file = files.find((candidate) => candidate.id === fileId);
    setDraft((current) => ({ ...draftFor(file), copies: current.copies, priority: current.priority }));
  };

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setBusy(true);
    setError(null);
    try {
      const job = await api.post<PrintJob>(`/api/orgs/${org.id}/jobs`, {
        fileId: draft.fileId,
        copies: Number(draft.copies),
        priority: Number(draft.priority || 0),
        requirements: {
          material: draft.material.trim() || null,
          nozzleDiameter: numberOrNull(draft.nozzleDiameter),
          minBuildX: numberOrNull(draft.minBuildX),
          minBuildY: numberOrNull(draft.minBuildY),
          minBuildZ: numberOrNull(draft.minBuildZ),
        },
        fleetIds: draft.fleetIds,
        requiredTags: draft.tags
          .split(',')
          .map((tag) => tag.trim())
          .filter(Boolean),
        earliestStartAt: draft.earliestStartAt ? new Date(draft.earliestStartAt).toISOString() : null,
        notes: draft.notes,
        held: draft.held,
      });
      onCreated(job);
    } catch (failure) {
      setError({ message: messageOf(failure), field: failure instanceof ApiError ? failure.field : undefined });
    } finally {
      setBusy(false);
    }
  };

  return (
    <Dialog title="Queue a print job" open={open} onClose={onClose} wide>
      <form className="form" onSubmit={(event) => void submit(event)} noValidate>
        {error && !error.field && <Notice tone="error">{error.message}</Notice>}
        <div className="form-grid form-grid-3">
          <SelectInput
            label="File"
            value={draft.fileId}
            onChange={(event) => chooseFile(event.target.value)}
            error={fieldError('fileId')}
            required
          >
            <option value="">Choose a file…</option>
            {files.map((file) => (
              <option key={file.id} value={file.id}>
                {file.name}
              </option>
            ))}
          </SelectInput>
          <TextInput
            label="Copies"
            type="number"
            min={1}
            max={1000}
            value={draft.copies}
            onChange={set('copies')}
            error={fieldError('copies')}
          />
          <TextInput
            label="Priority"
            hint="-100 (last) to 100 (first)"
            type="number"
            min={-100}
            max={100}
            value={draft.priority}
            onChange={set('priority')}
            error={fieldError('priority')}
          />
          <TextInput
            label="Material"
            hint="Empty: any material"
            value={draft.material}
            onChange={set('material')}
            error={fieldError('material')}
          />
          <TextInput
            label="Nozzle (mm)"
            hint="Empty: any nozzle"
            inputMode="decimal"
            value={draft.nozzleDiameter}
            onChange={set('nozzleDiameter')}
            error={fieldError('nozzleDiameter')}
          />
          <TextInput
            label="Required tags"
            hint="Comma separated"
            value={draft.tags}
            onChange={set('tags')}
            error={fieldError('requiredTags')}
          />
          <TextInput
            label="Min build X (mm)"
            inputMode="decimal"
            value={draft.minBuildX}
            onChange={set('minBuildX')}
            error={fieldError('minBuildX')}
          />
          <TextInput
            label="Min build Y (mm)"
            inputMode="decimal"
            value={draft.minBuildY}
            onChange={set('minBuildY')}
            error={fieldError('minBuildY')}
          />
          <TextInput
            label="Min build Z (mm)"
            inputMode="decimal"
            value={draft.minBuildZ}
            onChange={set('minBuildZ')}
            error={fieldError('minBuildZ')}
          />
          <TextInput
            label="Earliest start"
            type="datetime-local"
            value={draft.earliestStartAt}
            onChange={set('earliestStartAt')}
            error={fieldError('earliestStartAt')}
          />
          <div className="field span-2">
            <label htmlFor="job-notes">Notes</label>
            <textarea
              id="job-notes"
              className="input"
              rows={2}
              maxLength={2000}
              value={draft.notes}
              onChange={set('notes')}
            />
          </div>
        </div>
        <fieldset className="fieldset">
          <legend>Fleets</legend>
          <p className="field-hint">None checked: any fleet.</p>
          {fieldError('fleetIds') && <p className="field-error">{fieldError('fleetIds')}</p>}
          <div className="checkbox-grid">
            {fleets.list.map((fleet) => (
              <label key={fleet.id} className="checkbox">
                <input
                  type="checkbox"
                  checked={draft.fleetIds.includes(fleet.id)}
                  onChange={(event) =>
                    setDraft((current) => ({
                      ...current,
                      fleetIds: event.target.checked
                        ? [...current.fleetIds, fleet.id]
                        : current.fleetIds.filter((id) => id !== fleet.id),
                    }))
                  }
                />
                {fleet.name}
              </label>
            ))}
          </div>
        </fieldset>
        <label className="checkbox">
          <input
            type="checkbox"
            checked={draft.held}
            onChange={(event) => setDraft((current) => ({ ...current, held: event.target.checked }))}
          />
          Hold: queue it without starting until released
        </label>
        <div className="dialog-footer">
          <Button onClick={onClose}>Cancel</Button>
          <Button type="submit" variant="primary" busy={busy} disabled={!draft.fileId}>
            Queue job
          </Button>
        </div>
      </form>
    </Dialog>
  );
}

function JobCopies({ jobId, version }: { jobId: string; version: number }) {
  const { org } = useOrg();
  const { byId } = useLive();
  const detail = useResource(`${jobId}:${version}`, () => api.get<PrintJobDetail>(`/api/orgs/${org.id}/jobs/${jobId}`));
  if (!detail.data) return detail.error ? <Notice tone="error">{detail.error}</Notice> : <Spinner />;
  return (
    <ol className="copy-list" aria-label="Copies">
      {detail.data.copyList.map((copy) => {
        const printer = copy.printerId ? byId.get(copy.printerId) : undefined;
        return (
          <li key={copy.id}>
            <span className="mono">#{copy.number}</span>{' '}
            <span className={`status ${COPY_STATE_TONE[copy.state]}`}>{COPY_STATE_LABELS[copy.state]}</span>
            {copy.printerId && <span className="muted"> on {printer?.name ?? 'a printer'}</span>}
            {copy.lost && <span className="text-bad"> (agent lost)</span>}
            {copy.state === 'printing' && printer && printer.live.progress !== null && (
              <span className="muted"> · {printer.live.progress.toFixed(1)}%</span>
            )}
          </li>
        );
      })}
    </ol>
  );
}

type PendingJobAction = { kind: 'cancel'; job: PrintJob } | null;

function QueueList({
  jobs,
  version,
  onChanged,
}: {
  jobs: PrintJob[];
  version: number;
  onChanged: () => Promise<void>;
}) {
  const { org, ability } = useOrg();
  const fleets = useFleets();
  const mayUpdate = ability.can('update', 'Job');
  const [expanded, setExpanded] = useState<Set<string>>(new Set());
  const [pending, setPending] = useState<PendingJobAction>(null);
  // A ref, not only state: a second key press before the re-render must not send a second move.
  const busy = useRef<string | null>(null);
  const [busyLabel, setBusyLabel] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);
  const list = useRef<HTMLOListElement>(null);

  const act = async (job: PrintJob, label: string, call: () => Promise<unknown>, focus?: string) => {
    if (busy.current) return;
    busy.current = job.id + label;
    setBusyLabel(busy.current);
    setError(null);
    try {
      await call();
      await onChanged();
    } catch (failure) {
      setError(`${job.name}: ${messageOf(failure)}`);
    } finally {
      busy.current = null;
      setBusyLabel(null);
      // Keyboard users keep their place on the job they moved (the list was re-rendered in its new order).
      // At the top or bottom that button is now disabled: the other direction takes the focus.
      if (focus)
        requestAnimationFrame(() => {
          const button = (action: string) =>
            list.current?.querySelector<HTMLButtonElement>(`[data-job="${job.id}"][data-action="${action}"]`);
          const wanted = button(focus);
          (wanted && !wanted.disabled ? wanted : button(focus === 'up' ? 'down' : 'up'))?.focus();
        });
    }
  };
  const move = (job: PrintJob, index: number, direction: 'up' | 'down') => {
    const neighbour = jobs[direction === 'up' ? index - 1 : index + 1];
    if (!neighbour) return;
    void act(
      job,
      direction,
      () =>
        api.post(
          `/api/orgs/${org.id}/jobs/${job.id}/reorder`,
          direction === 'up' ? { beforeJobId: neighbour.id } : { afterJobId: neighbour.id },
        ),
      direction,
    );
  };

  if (!jobs.length)
    return (
      <EmptyState title="The queue is empty">
        {ability.can('create', 'Job') ? 'Upload a file and queue it.' : 'Nothing is waiting to print.'}
      </EmptyState>
    );
  return (
    <>
      {error && <Notice tone="error">{error}</Notice>}
      <ol className="queue-list" ref={list} aria-label="Print queue, in the order printers take jobs">
        {jobs.map((job, index) => {
          const open = expanded.has(job.id);
          return (
            <li key={job.id} className="queue-item" aria-label={job.name}>
              <div className="queue-main">
                <span className="queue-position" aria-label={`Position ${index + 1}`}>
                  {index + 1}
                </span>
                <div className="queue-text">
                  <div className="strong">{job.name}</div>
                  <div className="muted small">
                    {plural(job.copies, 'copy', 'copies')} · priority {job.priority} ·{' '}
                    {requirementsSummary(job, fleets.nameOf)}
                  </div>
                  <div className="small">{countsSummary(job)}</div>
                  {job.notes && <div className="small muted">{job.notes}</div>}
                </div>
                <span
                  className={`status ${job.status === 'held' ? 'status-warn' : job.status === 'printing' ? 'status-ok' : 'status-muted'}`}
                >
                  {JOB_STATUS_LABELS[job.status]}
                </span>
              </div>
              <div className="queue-actions">
                <Button
                  variant="ghost"
                  aria-expanded={open}
                  onClick={() =>
                    setExpanded((current) => {
                      const next = new Set(current);
                      if (open) next.delete(job.id);
                      else next.add(job.id);
                      return next;
                    })
                  }
                >
                  {open ? 'Hide copies' : 'Copies'}
                </Button>
                {mayUpdate && (
                  <>
                    <Button
                      data-job={job.id}
                      data-action="up"
                      aria-label={`Move ${job.name} up`}
                      disabled={index === 0}
                      onClick={() => move(job, index, 'up')}
                    >
                      ↑ Up
                    </Button>
                    <Button
                      data-job={job.id}
                      data-action="down"
                      aria-label={`Move ${job.name} down`}
                      disabled={index === jobs.length - 1}
                      onClick={() => move(job, index, 'down')}
                    >
                      ↓ Down
                    </Button>
                    <Button
                      busy={busyLabel === job.id + 'hold'}
                      onClick={() =>
                        void act(job, 'hold', () =>
                          api.post(`/api/orgs/${org.id}/jobs/${job.id}/${job.held ? 'release' : 'hold'}`),
                        )
                      }
                    >
                      {job.held ? 'Release' : 'Hold'}
                    </Button>
                    <Button variant="danger" onClick={() => setPending({ kind: 'cancel', job })}>
                      Cancel job
                    </Button>
                  </>
                )}
              </div>
              {open && <JobCopies jobId={job.id} version={version} />}
            </li>
          );
        })}
      </ol>
      <ConfirmDialog
        open={pending !== null}
        title={pending ? `Cancel ${pending.job.name}?` : ''}
        confirmLabel="Cancel job"
        tone="danger"
        busy={busyLabel !== null}
        onConfirm={() => {
          const job = pending!.job;
          setPending(null);
          void act(job, 'cancel', () => api.post(`/api/orgs/${org.id}/jobs/${job.id}/cancel`));
        }}
        onCancel={() => setPending(null)}
      >
        {pending &&
          `Its ${plural(pending.job.counts.queued, 'queued copy', 'queued copies')} will not print, and copies printing now are stopped on their printers.`}
      </ConfirmDialog>
    </>
  );
}

function BedClearDialog({
  target,
  jobName,
  onClose,
  onDone,
}: {
  target: PrinterReadiness | null;
  jobName: string | null;
  onClose: () => void;
  onDone: (message: string) => void;
}) {
  const { org } = useOrg();
  const [outcome, setOutcome] = useState<'good' | 'bad' | ''>('');
  const [requeue, setRequeue] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const finished = target?.activeCopy?.state === 'awaiting_bed_clear';

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    if (!target) return;
    setBusy(true);
    setError(null);
    try {
      await api.post(`/api/orgs/${org.id}/printers/${target.printerId}/bed/clear`, {
        ...(outcome ? { outcome } : {}),
        ...(outcome === 'bad' && requeue ? { requeue: true } : {}),
      });
      onDone(
        `${target.name}: bed cleared${outcome ? `, print marked ${outcome}` : ''}${outcome === 'bad' && requeue ? ', copy requeued' : ''}`,
      );
    } catch (failure) {
      setError(messageOf(failure));
    } finally {
      setBusy(false);
    }
  };

  return (
    <Dialog title={target ? `Confirm the bed of ${target.name} is clear` : ''} open={target !== null} onClose={onClose}>
      <form className="form" onSubmit={(event) => void submit(event)}>
        {error && <Notice tone="error">{error}</Notice>}
        <p>
          {finished
            ? `The print${jobName ? ` of ${jobName}` : ''} finished. Take it off the plate, then say how it came out.`
            : 'The plate of a failed or cancelled print. Confirm it is empty before the printer takes new work.'}
        </p>
        <fieldset className="fieldset">
          <legend>Outcome{finished ? '' : ' (optional)'}</legend>
          <div className="radio-row">
            <label className="checkbox">
              <input
                type="radio"
                name="outcome"
                value="good"
                checked={outcome === 'good'}
                onChange={() => setOutcome('good')}
                required={finished}
              />
              Good
            </label>
            <label className="checkbox">
              <input
                type="radio"
                name="outcome"
                value="bad"
                checked={outcome === 'bad'}
                onChange={() => setOutcome('bad')}
              />
              Bad
            </label>
          </div>
        </fieldset>
        {finished && (
          <label className="checkbox">
            <input
              type="checkbox"
              checked={requeue}
              disabled={outcome !== 'bad'}
              onChange={(event) => setRequeue(event.target.checked)}
            />
            Requeue this copy (bad prints only)
          </label>
        )}
        <div className="dialog-footer">
          <Button onClick={onClose}>Cancel</Button>
          <Button type="submit" variant="primary" busy={busy} disabled={finished && !outcome}>
            Bed is clear
          </Button>
        </div>
      </form>
    </Dialog>
  );
}

function BedClearList({
  printers,
  jobs,
  onChanged,
}: {
  printers: PrinterReadiness[];
  jobs: PrintJob[];
  onChanged: () => Promise<void>;
}) {
  const { ability } = useOrg();
  const fleets = useFleets();
  const [target, setTarget] = useState<PrinterReadiness | null>(null);
  const [message, setMessage] = useState<string | null>(null);
  const waiting = printers.filter((printer) => printer.notReadyBecause.includes('bed_not_clear'));
  const jobName = (jobId: string | undefined) => jobs.find((job) => job.id === jobId)?.name ?? null;
  const mayClear = ability.can('update', 'Job');

  return (
    <Section title={`Awaiting bed clear (${waiting.length})`}>
      {message && <Notice tone="success">{message}</Notice>}
      {waiting.length === 0 ? (
        <p className="muted">No plate waits to be cleared.</p>
      ) : (
        <div className="table-wrap">
          <table className="table table-dense">
            <thead>
              <tr>
                <th scope="col">Printer</th>
                <th scope="col">Fleet</th>
                <th scope="col">Print</th>
                <th scope="col">
                  <span className="visually-hidden">Actions</span>
                </th>
              </tr>
            </thead>
            <tbody>
              {waiting.map((printer) => (
                <tr key={printer.printerId}>
                  <td className="strong">{printer.name}</td>
                  <td>{fleets.nameOf(printer.fleetId)}</td>
                  <td>
                    {printer.activeCopy?.state === 'awaiting_bed_clear'
                      ? `${jobName(printer.activeCopy.jobId) ?? 'Finished print'} (finished)`
                      : (printer.bed.reason ?? 'Failed or cancelled print')}
                  </td>
                  <td className="row-actions">
                    {mayClear && (
                      <Button variant="primary" onClick={() => setTarget(printer)}>
                        Confirm cleared
                        <span className="visually-hidden"> on {printer.name}</span>
                      </Button>
                    )}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      {target && (
        <BedClearDialog
          key={target.printerId}
          target={target}
          jobName={jobName(target.activeCopy?.jobId)}
          onClose={() => setTarget(null)}
          onDone={(text) => {
            setTarget(null);
            setMessage(text);
            void onChanged();
          }}
        />
      )}
    </Section>
  );
}

function Library({
  files,
  onQueue,
  onChanged,
}: {
  files: GcodeFile[];
  onQueue: (fileId: string) => void;
  onChanged: () => Promise<void>;
}) {
  const { org, ability } = useOrg();
  const [pending, setPending] = useState<GcodeFile | null>(null);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const mayQueue = ability.can('create', 'Job');
  const mayDelete = ability.can('delete', 'File');

  const remove = async () => {
    if (!pending) return;
    setBusy(true);
    setError(null);
    try {
      await api.delete(`/api/orgs/${org.id}/files/${pending.id}`);
      await onChanged();
    } catch (failure) {
      setError(`${pending.name}: ${messageOf(failure)}`);
    } finally {
      setBusy(false);
      setPending(null);
    }
  };

  if (!files.length) return <EmptyState title="No files yet" />;
  return (
    <>
      {error && <Notice tone="error">{error}</Notice>}
      <div className="table-wrap">
        <table className="table table-dense">
          <thead>
            <tr>
              <th scope="col">
                <span className="visually-hidden">Thumbnail</span>
              </th>
              <th scope="col">Name</th>
              <th scope="col">Time</th>
              <th scope="col">Filament</th>
              <th scope="col">Material</th>
              <th scope="col">Nozzle</th>
              <th scope="col">Extent</th>
              <th scope="col">Uploaded</th>
              <th scope="col">
                <span className="visually-hidden">Actions</span>
              </th>
            </tr>
          </thead>
          <tbody>
            {files.map((file) => {
              const thumbnail = thumbnailOf(org.id, file);
              return (
                <tr key={file.id}>
                  <td>
                    {thumbnail ? (
                      <img className="file-thumb" src={thumbnail} alt="" loading="lazy" width={48} height={48} />
                    ) : (
                      <span className="file-thumb file-thumb-empty" aria-hidden="true" />
                    )}
                  </td>
                  <td>
                    <div className="strong">{file.name}</div>
                    <div className="muted small">
                      {formatBytes(file.sizeBytes)}
                      {file.metadata.slicer ? ` · ${file.metadata.slicer}` : ''}
                    </div>
                  </td>
                  <td className="numeric">{formatDuration(file.metadata.estimatedTimeSeconds)}</td>
                  <td className="numeric">{filamentOf(file)}</td>
                  <td>{file.metadata.materials.join(', ') || file.metadata.material || '—'}</td>
                  <td className="numeric">
                    {file.metadata.nozzleDiameterMm === null ? '—' : `${file.metadata.nozzleDiameterMm} mm`}
                  </td>
                  <td className="nowrap">{extentOf(file)}</td>
                  <td>
                    {formatDate(file.createdAt)}
                    <div className="muted small">{file.uploadedByLabel}</div>
                  </td>
                  <td className="row-actions">
                    {mayQueue && (
                      <Button onClick={() => onQueue(file.id)}>
                        Queue<span className="visually-hidden"> {file.name}</span>
                      </Button>
                    )}
                    {mayDelete && (
                      <Button variant="ghost" onClick={() => setPending(file)}>
                        Delete<span className="visually-hidden"> {file.name}</span>
                      </Button>
                    )}
                  </td>
                </tr>
              );
            })}
          </tbody>
        </table>
      </div>
      <ConfirmDialog
        open={pending !== null}
        title={pending ? `Delete ${pending.name}?` : ''}
        confirmLabel="Delete file"
        tone="danger"
        busy={busy}
        onConfirm={() => void remove()}
        onCancel={() => setPending(null)}
      >
        The file leaves the library; past prints keep its name in their history. Files of unfinished jobs cannot be
        deleted.
      </ConfirmDialog>
    </>
  );
}

export function QueuePage() {
  const { org, ability } = useOrg();
  const files = useResource(`files:${org.id}`, () =>
    api.get<{ files: GcodeFile[]; total: number }>(`/api/orgs/${org.id}/files${query({ limit: 200 })}`),
  );
  const jobs = useResource(`jobs:${org.id}`, () =>
    api.get<{ jobs: PrintJob[]; total: number }>(`/api/orgs/${org.id}/jobs${query({ status: 'active', limit: 200 })}`),
  );
  const readiness = useResource(`readiness:${org.id}`, () =>
    api.get<{ printers: PrinterReadiness[] }>(`/api/orgs/${org.id}/queue/readiness`),
  );
  const [version, setVersion] = useState(0);
  const [creating, setCreating] = useState<{ fileId: string | null } | null>(null);
  const [notice, setNotice] = useState<string | null>(null);

  const fileList = useMemo(() => files.data?.files ?? [], [files.data]);

  const reloadQueue = async () => {
    setVersion((current) => current + 1);
    await Promise.all([jobs.reload(), readiness.reload()]);
  };
  useRefetchOnOrgEvents(reloadQueue, (event) => event.kind === 'queue');

  const mayUpload = ability.can('create', 'File');
  const mayQueue = ability.can('create', 'Job');

  return (
    <div className="page">
      <PageHeader
        title="Queue"
        subtitle="Jobs print in this order on the first ready printer that meets their requirements."
        actions={
          mayQueue && (
            <Button variant="primary" onClick={() => setCreating({ fileId: null })} disabled={!fileList.length}>
              New job
            </Button>
          )
        }
      />
      {notice && <Notice tone="success">{notice}</Notice>}
      {readiness.data && (
        <BedClearList printers={readiness.data.printers} jobs={jobs.data?.jobs ?? []} onChanged={reloadQueue} />
      )}
      <Section title={`Queue${jobs.data ? ` (${jobs.data.total})` : ''}`}>
        {jobs.error && <Notice tone="error">{jobs.error}</Notice>}
        {jobs.data ? (
          <QueueList jobs={jobs.data.jobs} version={version} onChanged={reloadQueue} />
        ) : (
          !jobs.error && <Spinner />
        )}
      </Section>
      <Section title="Library">
        {mayUpload && (
          <UploadPanel
            onUploaded={(file, duplicate) => {
              setNotice(duplicate ? `${file.name} was already in the library` : `Uploaded ${file.name}`);
              void files.reload();
            }}
          />
        )}
        {files.error && <Notice tone="error">{files.error}</Notice>}
        {files.data ? (
          <Library files={fileList} onQueue={(fileId) => setCreating({ fileId })} onChanged={files.reload} />
        ) : (
          !files.error && <Spinner />
        )}
      </Section>
      {creating && (
        <CreateJobDialog
          key={creating.fileId ?? 'new'}
          files={fileList}
          initialFileId={creating.fileId}
          open
          onClose={() => setCreating(null)}
          onCreated={(job) => {
            setCreating(null);
            setNotice(`Queued ${plural(job.copies, 'copy', 'copies')} of ${job.name}`);
            void reloadQueue();
          }}
        />
      )}
    </div>
  );
}
