import { useState, type FormEvent } from 'react';
import { FeedbackNotice, useFeedback } from '../../components/feedback';
import { Button, TextInput } from '../../components/ui';
import { useCreateSpool } from './spools.queries';

const EMPTY = {
  material: 'PLA',
  colorName: '',
  colorHex: '#000000',
  vendor: '',
  initialGrams: '1000',
  cost: '',
  lot: '',
};

export function CreateSpoolForm() {
  const feedback = useFeedback();
  const [draft, setDraft] = useState(EMPTY);
  const create = useCreateSpool(feedback, () => setDraft(EMPTY));
  const set = (field: keyof typeof EMPTY) => (event: { target: { value: string } }) =>
    setDraft((current) => ({ ...current, [field]: event.target.value }));

  const submit = (event: FormEvent) => {
    event.preventDefault();
    create.mutate({
      material: draft.material.trim(),
      initialGrams: Number(draft.initialGrams),
      diameterMm: 1.75,
      lowStockGrams: 100,
      colorHex: draft.colorHex,
      ...(draft.colorName.trim() ? { colorName: draft.colorName.trim() } : {}),
      ...(draft.vendor.trim() ? { vendor: draft.vendor.trim() } : {}),
      ...(draft.lot.trim() ? { lot: draft.lot.trim() } : {}),
      ...(draft.cost.trim() ? { costCents: Math.round(Number(draft.cost) * 100) } : {}),
    });
  };

  return (
    <form className="form" onSubmit={submit} noValidate>
      <FeedbackNotice
        feedback={feedback}
        inline={['material', 'colorName', 'colorHex', 'vendor', 'initialGrams', 'costCents', 'lot']}
      />
      <div className="form-grid form-grid-3">
        <TextInput
          label="Material"
          value={draft.material}
          onChange={set('material')}
          error={feedback.fieldError('material')}
        />
        <TextInput
          label="Colour name"
          value={draft.colorName}
          onChange={set('colorName')}
          error={feedback.fieldError('colorName')}
        />
        <TextInput
          label="Colour"
          type="color"
          value={draft.colorHex}
          onChange={set('colorHex')}
          error={feedback.fieldError('colorHex')}
        />
        <TextInput label="Vendor" value={draft.vendor} onChange={set('vendor')} error={feedback.fieldError('vendor')} />
        <TextInput
          label="Filament weight (g)"
          inputMode="decimal"
          value={draft.initialGrams}
          onChange={set('initialGrams')}
          error={feedback.fieldError('initialGrams')}
        />
        <TextInput
          label="Cost"
          inputMode="decimal"
          value={draft.cost}
          onChange={set('cost')}
          error={feedback.fieldError('costCents')}
        />
        <TextInput label="Lot" value={draft.lot} onChange={set('lot')} error={feedback.fieldError('lot')} />
      </div>
      <div>
        <Button type="submit" variant="primary" busy={create.isPending} disabled={!draft.material.trim()}>
          Add spool
        </Button>
      </div>
    </form>
  );
}
