import { useState, type FormEvent } from 'react';
import { FeedbackNotice, useFeedback } from '../../components/feedback';
import { Button, Dialog, TextInput } from '../../components/ui';
import { FilePicker } from './file-picker';
import { useFleets } from '../../lib/fleets';
import type { GcodeFile, PrintJob } from '../../lib/api/views';
import { minimumBuildOf } from './queue-format';
import { useCreateJob } from './queue.queries';

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
  reportTags: string;
  earliestStartAt: string;
  notes: string;
  held: boolean;
}

/** The form's defaults for a file: what its G-code needs (material, nozzle, the bed its extent covers). */
function draftFor(file: GcodeFile | undefined): JobDraft {
  const build = minimumBuildOf(file);
  return {
    fileId: file?.id ?? '',
    copies: '1',
    priority: '0',
    material: file?.metadata.material ?? '',
    nozzleDiameter: file?.metadata.nozzleDiameterMm?.toString() ?? '',
    minBuildX: build.x,
    minBuildY: build.y,
    minBuildZ: build.z,
    fleetIds: [],
    tags: '',
    reportTags: '',
    earliestStartAt: '',
    notes: '',
    held: false,
  };
}

const numberOrNull = (value: string): number | null => (value.trim() === '' ? null : Number(value));

const FIELDS = [
  'fileId',
  'copies',
  'priority',
  'material',
  'nozzleDiameter',
  'requiredTags',
  'tags',
  'minBuildX',
  'minBuildY',
  'minBuildZ',
  'earliestStartAt',
  'fleetIds',
];

export function CreateJobDialog({
  files,
  initialFileId,
  onClose,
  onCreated,
}: {
  files: GcodeFile[];
  initialFileId: string | null;
  onClose: () => void;
  onCreated: (job: PrintJob) => void;
}) {
  const fleets = useFleets();
  const feedback = useFeedback();
  const create = useCreateJob(feedback, onCreated);
  const [draft, setDraft] = useState<JobDraft>(() => draftFor(files.find((file) => file.id === initialFileId)));
  const set = (field: keyof JobDraft) => (event: { target: { value: string } }) =>
    setDraft((current) => ({ ...current, [field]: event.target.value }));
  const fieldError = feedback.fieldError;

  const chooseFile = (fileId: string) => {
    const file = files.find((candidate) => candidate.id === fileId);
    setDraft((current) => ({ ...draftFor(file), copies: current.copies, priority: current.priority }));
  };

  const submit = (event: FormEvent) => {
    event.preventDefault();
    create.mutate({
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
      tags: draft.reportTags
        .split(',')
        .map((tag) => tag.trim())
        .filter(Boolean),
      earliestStartAt: draft.earliestStartAt ? new Date(draft.earliestStartAt).toISOString() : null,
      notes: draft.notes,
      held: draft.held,
    });
  };

  return (
    <Dialog title="Queue a print job" open onClose={onClose} wide>
      <form className="form" onSubmit={submit} noValidate>
        <FeedbackNotice feedback={feedback} inline={FIELDS} />
        <div className="form-grid form-grid-3">
          <FilePicker files={files} value={draft.fileId} onChange={chooseFile} error={fieldError('fileId')} />
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
            label="Report tags"
            hint="Comma separated: a class, a project, a customer (for reports)"
            value={draft.reportTags}
            onChange={set('reportTags')}
            error={fieldError('tags')}
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
          <Button type="submit" variant="primary" busy={create.isPending} disabled={!draft.fileId}>
            Queue job
          </Button>
        </div>
      </form>
    </Dialog>
  );
}
