import { useState, type FormEvent } from 'react';
import { FeedbackNotice, useFeedback } from '../../components/feedback';
import { Button, Section, SelectInput, TextInput } from '../../components/ui';
import { useFleets } from '../../lib/fleets';
import {
  usePrinterDefaults,
  useSavePrinterDefaults,
  type PrinterDefaultFields,
  type PrinterDefaultsChange,
} from './settings.queries';

interface Draft {
  material: string;
  autoPause: '' | 'on' | 'off';
  sensitivity: string;
  frameIntervalSeconds: string;
  bedClearGate: '' | 'on' | 'off';
}

const toggle = (value: boolean | null): '' | 'on' | 'off' => (value === null ? '' : value ? 'on' : 'off');
const fromToggle = (value: '' | 'on' | 'off') => (value === '' ? null : value === 'on');
const numberOrNull = (value: string) => (value.trim() === '' ? null : Number(value));

function draftOf(fields: PrinterDefaultFields): Draft {
  return {
    material: fields.material ?? '',
    autoPause: toggle(fields.autoPause),
    sensitivity: fields.sensitivity === null ? '' : String(Math.round(fields.sensitivity * 100) / 100),
    frameIntervalSeconds: fields.frameIntervalSeconds === null ? '' : String(fields.frameIntervalSeconds),
    bedClearGate: toggle(fields.bedClearGate),
  };
}

function changeOf(draft: Draft): PrinterDefaultsChange {
  return {
    material: draft.material.trim() || null,
    autoPause: fromToggle(draft.autoPause),
    sensitivity: numberOrNull(draft.sensitivity),
    frameIntervalSeconds: numberOrNull(draft.frameIntervalSeconds),
    bedClearGate: fromToggle(draft.bedClearGate),
  };
}

const NONE: PrinterDefaultFields = {
  material: null,
  autoPause: null,
  sensitivity: null,
  frameIntervalSeconds: null,
  bedClearGate: null,
};

/**
 * What a newly enrolled printer starts with (pairing, token or CSV import, unless the enrollment says otherwise):
 * the organization's defaults, and a fleet's where it differs. Owners and admins edit; others read.
 */
export function PrinterDefaultsSection({ mayEdit }: { mayEdit: boolean }) {
  const defaults = usePrinterDefaults();
  const fleets = useFleets();
  const [level, setLevel] = useState('');
  if (!defaults.data) return <Section title="Defaults for new printers">{null}</Section>;
  const fields =
    level === '' ? defaults.data.organization : (defaults.data.fleets.find((fleet) => fleet.fleetId === level) ?? NONE);
  return (
    <Section title="Defaults for new printers">
      <SelectInput
        label="Applies to"
        value={level}
        onChange={(event) => setLevel(event.target.value)}
        hint="A fleet's own value wins over the organization's; left unset, the organization's applies."
      >
        <option value="">The whole organization</option>
        {fleets.list.map((fleet) => (
          <option key={fleet.id} value={fleet.id}>
            {fleet.name}
          </option>
        ))}
      </SelectInput>
      <DefaultsForm
        key={level}
        fleetId={level || null}
        fields={fields}
        inherited={level === '' ? null : defaults.data.organization}
        mayEdit={mayEdit}
      />
    </Section>
  );
}

function DefaultsForm({
  fleetId,
  fields,
  inherited,
  mayEdit,
}: {
  fleetId: string | null;
  fields: PrinterDefaultFields;
  inherited: PrinterDefaultFields | null;
  mayEdit: boolean;
}) {
  const feedback = useFeedback();
  const save = useSavePrinterDefaults(feedback);
  const [draft, setDraft] = useState(() => draftOf(fields));
  const set = (field: keyof Draft) => (event: { target: { value: string } }) =>
    setDraft((current) => ({ ...current, [field]: event.target.value }));
  const unset = inherited ? "Not set: the organization's" : 'Not set: built-in';
  const fallback = (value: string | null) => (inherited ? `${unset} (${value ?? 'built-in'})` : unset);
  const submit = (event: FormEvent) => {
    event.preventDefault();
    save.mutate({ fleetId, change: changeOf(draft) });
  };
  return (
    <form className="form form-narrow" onSubmit={submit} noValidate>
      <FeedbackNotice feedback={feedback} inline={['material', 'sensitivity', 'frameIntervalSeconds']} />
      {!mayEdit && <p className="readonly-note">Only owners and admins change these.</p>}
      <fieldset className="fieldset" disabled={!mayEdit}>
        <legend className="visually-hidden">Defaults</legend>
        <TextInput
          label="Default material"
          value={draft.material}
          maxLength={50}
          placeholder={fallback(inherited?.material ?? null)}
          onChange={set('material')}
          error={feedback.fieldError('material')}
          hint="Used when the enrollment names none."
        />
        <SelectInput label="Auto-pause on failure" value={draft.autoPause} onChange={set('autoPause')}>
          <option value="">{fallback(inherited ? toggle(inherited.autoPause) || null : null)}</option>
          <option value="on">On: pause a print the detector finds failing</option>
          <option value="off">Off: alert only</option>
        </SelectInput>
        <TextInput
          label="Detection sensitivity"
          type="number"
          min={0.8}
          max={1.2}
          step={0.05}
          value={draft.sensitivity}
          placeholder={fallback(inherited?.sensitivity?.toString() ?? null)}
          onChange={set('sensitivity')}
          error={feedback.fieldError('sensitivity')}
          hint="0.8 (fewer alerts) to 1.2 (more alerts)."
        />
        <TextInput
          label="Frame interval (seconds)"
          type="number"
          min={2}
          max={600}
          value={draft.frameIntervalSeconds}
          placeholder={fallback(inherited?.frameIntervalSeconds?.toString() ?? null)}
          onChange={set('frameIntervalSeconds')}
          error={feedback.fieldError('frameIntervalSeconds')}
        />
        <SelectInput label="Bed-clear gate" value={draft.bedClearGate} onChange={set('bedClearGate')}>
          <option value="">{fallback(inherited ? toggle(inherited.bedClearGate) || null : null)}</option>
          <option value="on">On: a person confirms the plate clear</option>
          <option value="off">Off: the printer clears its own plate</option>
        </SelectInput>
      </fieldset>
      {mayEdit && (
        <div>
          <Button type="submit" variant="primary" busy={save.isPending}>
            Save defaults
          </Button>
        </div>
      )}
    </form>
  );
}
