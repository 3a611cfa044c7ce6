import { useState, type FormEvent } from 'react';
import { FeedbackNotice, useFeedback } from '../../components/feedback';
import { Button, Dialog, SelectInput, TextInput } from '../../components/ui';
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
  /** Empty: any printer model. */
  printerModel: string;
  /** A 3MF's plate, as a string for the select; empty for other formats. */
  plate: string;
  /** Per filament id: an AMS slot (0-15), -1 for the external spool, or '' for automatic. */
  amsSlots: Record<number, string>;
}

type Plate = NonNullable<GcodeFile['metadata']['plates']>[number];

const FORMAT_LABELS: Record<string, string> = {
  gcode: 'G-code',
  bgcode: 'Binary G-code (.bgcode)',
  '3mf': 'Project 3MF',
};

/** The file's format: a 3MF or .bgcode says so, anything else is plain G-code. */
export const formatOf = (file: GcodeFile | undefined): string => FORMAT_LABELS[file?.metadata.format ?? 'gcode'];

const slicedPlates = (file: GcodeFile | undefined): Plate[] =>
  (file?.metadata.plates ?? []).filter((plate) => plate.sliced);

/** AMS slot 0-15 as the printer's screen names it: AMS 1-4, tray 1-4. */
const slotLabel = (slot: number) => `AMS ${Math.floor(slot / 4) + 1} slot ${(slot % 4) + 1}`;

/** `#rrggbbaa` (Bambu Studio) or `#rrggbb` to a CSS colour. */
const swatchColor = (color: string | null) =>
  color && /^#[0-9a-f]{6}/i.test(color) ? color.slice(0, 7) : 'transparent';

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
    printerModel: file?.metadata.printerModel ?? '',
    plate: slicedPlates(file)[0]?.index.toString() ?? '',
    amsSlots: {},
  };
}

/**
 * The AMS mapping to send: null while every filament is automatic; else one entry per filament id - 1 (ids the
 * plate does not use get -1). A partly chosen mapping is refused here, naming the field.
 */
function amsMappingOf(plate: Plate | undefined, slots: Record<number, string>): number[] | null | 'partial' {
  if (!plate) return null;
  const chosen = plate.filaments.filter((filament) => (slots[filament.id] ?? '') !== '');
  if (chosen.length === 0) return null;
  if (chosen.length < plate.filaments.length) return 'partial';
  const length = Math.max(...plate.filaments.map((filament) => filament.id));
  const mapping = Array.from({ length }, () => -1);
  for (const filament of plate.filaments) mapping[filament.id - 1] = Number(slots[filament.id]);
  return mapping;
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
  'printerModel',
  'plate',
  'amsMapping',
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
  const [mappingError, setMappingError] = useState<string | null>(null);
  const file = files.find((candidate) => candidate.id === draft.fileId);
  const plates = slicedPlates(file);
  const plate = plates.find((candidate) => candidate.index.toString() === draft.plate);

  const chooseFile = (fileId: string) => {
    const file = files.find((candidate) => candidate.id === fileId);
    setDraft((current) => ({ ...draftFor(file), copies: current.copies, priority: current.priority }));
  };

  const submit = (event: FormEvent) => {
    event.preventDefault();
    const amsMapping = amsMappingOf(plate, draft.amsSlots);
    if (amsMapping === 'partial') {
      setMappingError('amsMapping: choose a slot for every filament, or leave them all automatic');
      return;
    }
    setMappingError(null);
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
        printerModel: draft.printerModel.trim() || null,
      },
      ...(file?.metadata.format === '3mf' ? { bambu: { plate: plate?.index ?? null, amsMapping } } : {}),
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
          <div className="field" aria-label="File format">
            <span className="field-label">Format</span>
            <p className="strong">{file ? formatOf(file) : '—'}</p>
            <p className="field-hint">Sliced for: {file?.metadata.printerModel ?? 'not stated'}</p>
          </div>
          <TextInput
            label="Sliced for model"
            hint="Only printers of this model take it; empty: any model"
            value={draft.printerModel}
            onChange={set('printerModel')}
            error={fieldError('printerModel', 'requirements.printerModel')}
          />
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
        {file?.metadata.format === '3mf' && (
          <fieldset className="fieldset" aria-label="Plate and filaments">
            <legend>Plate and filaments</legend>
            <SelectInput
              label="Plate"
              hint="Only sliced plates can be printed"
              value={draft.plate}
              onChange={(event) => setDraft((current) => ({ ...current, plate: event.target.value, amsSlots: {} }))}
              error={fieldError('plate', 'bambu.plate')}
            >
              {plates.map((candidate) => (
                <option key={candidate.index} value={candidate.index}>
                  Plate {candidate.index}
                </option>
              ))}
            </SelectInput>
            {plate && (
              <ul className="plain-list" aria-label={`Filaments of plate ${plate.index}`}>
                {plate.filaments.map((filament) => (
                  <li key={filament.id}>
                    <span
                      className="swatch"
                      aria-hidden="true"
                      style={{
                        background: swatchColor(filament.color),
                        display: 'inline-block',
                        width: 12,
                        height: 12,
                        marginRight: 6,
                      }}
                    />
                    Filament {filament.id}: {filament.type ?? 'unknown material'}{' '}
                    {filament.color ? `(${swatchColor(filament.color)})` : ''}
                    <SelectInput
                      label={`AMS slot for filament ${filament.id}`}
                      value={draft.amsSlots[filament.id] ?? ''}
                      onChange={(event) =>
                        setDraft((current) => ({
                          ...current,
                          amsSlots: { ...current.amsSlots, [filament.id]: event.target.value },
                        }))
                      }
                    >
                      <option value="">Automatic</option>
                      {Array.from({ length: 16 }, (_, slot) => (
                        <option key={slot} value={slot}>
                          {slotLabel(slot)}
                        </option>
                      ))}
                      <option value="-1">External spool</option>
                    </SelectInput>
                  </li>
                ))}
              </ul>
            )}
            {(mappingError ?? fieldError('amsMapping', 'bambu.amsMapping')) && (
              <p className="field-error">{mappingError ?? fieldError('amsMapping', 'bambu.amsMapping')}</p>
            )}
          </fieldset>
        )}
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
