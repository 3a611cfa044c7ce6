import { useState, type FormEvent } from 'react';
import { FeedbackNotice, useFeedback } from '../../components/feedback';
import { Button, SelectInput, TextInput } from '../../components/ui';
import { canOnPrinter } from '../../lib/ability';
import { useFleets } from '../../lib/fleets';
import { useOrg } from '../../lib/session';
import type { Printer } from '../../lib/api/views';
import { useUpdatePrinter } from './printer.queries';

const numberOrNull = (value: string): number | null => (value.trim() === '' ? null : Number(value.trim()));

const FIELDS = ['name', 'fleetId', 'model', 'buildX', 'buildY', 'buildZ', 'nozzleDiameter', 'material', 'tags'];

export function CapabilitiesForm({ printer }: { printer: Printer }) {
  const { org, ability } = useOrg();
  const fleets = useFleets();
  const feedback = useFeedback();
  const update = useUpdatePrinter(printer, feedback, 'Saved');
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
  const editable = canOnPrinter(ability, 'update', printer);
  const set = (field: keyof typeof draft) => (event: { target: { value: string } }) => {
    if (feedback.current?.tone === 'success') feedback.clear();
    setDraft((current) => ({ ...current, [field]: event.target.value }));
  };
  // A printer may only move into fleets the user could also manage it in.
  const targetFleets = fleets.list.filter((fleet) =>
    canOnPrinter(ability, 'update', { orgId: org.id, fleetId: fleet.id }),
  );

  const submit = (event: FormEvent) => {
    event.preventDefault();
    update.mutate({
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
  };

  return (
    <form className="form" onSubmit={submit} noValidate>
      <FeedbackNotice feedback={feedback} inline={FIELDS} />
      {!editable && <p className="readonly-note">Read only: your role can see these settings but not change them.</p>}
      <fieldset className="fieldset-plain" disabled={!editable}>
        <div className="form-grid form-grid-3">
          <TextInput label="Name" value={draft.name} onChange={set('name')} error={feedback.fieldError('name')} />
          <SelectInput
            label="Fleet"
            value={draft.fleetId}
            onChange={set('fleetId')}
            error={feedback.fieldError('fleetId')}
          >
            {(targetFleets.some((fleet) => fleet.id === printer.fleetId)
              ? targetFleets
              : [...targetFleets, ...fleets.list.filter((f) => f.id === printer.fleetId)]
            ).map((fleet) => (
              <option key={fleet.id} value={fleet.id}>
                {fleet.name}
              </option>
            ))}
          </SelectInput>
          <TextInput label="Model" value={draft.model} onChange={set('model')} error={feedback.fieldError('model')} />
          <TextInput
            label="Build X (mm)"
            inputMode="decimal"
            value={draft.buildX}
            onChange={set('buildX')}
            error={feedback.fieldError('buildX')}
          />
          <TextInput
            label="Build Y (mm)"
            inputMode="decimal"
            value={draft.buildY}
            onChange={set('buildY')}
            error={feedback.fieldError('buildY')}
          />
          <TextInput
            label="Build Z (mm)"
            inputMode="decimal"
            value={draft.buildZ}
            onChange={set('buildZ')}
            error={feedback.fieldError('buildZ')}
          />
          <TextInput
            label="Nozzle diameter (mm)"
            inputMode="decimal"
            value={draft.nozzleDiameter}
            onChange={set('nozzleDiameter')}
            error={feedback.fieldError('nozzleDiameter')}
          />
          <TextInput
            label="Material"
            value={draft.material}
            onChange={set('material')}
            placeholder="PLA"
            error={feedback.fieldError('material')}
          />
          <TextInput
            label="Tags"
            hint="Comma separated"
            value={draft.tags}
            onChange={set('tags')}
            error={feedback.fieldError('tags')}
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
          <Button type="submit" variant="primary" busy={update.isPending}>
            Save changes
          </Button>
        </div>
      )}
    </form>
  );
}
