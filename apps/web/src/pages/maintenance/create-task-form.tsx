import { useState, type FormEvent } from 'react';
import { FeedbackNotice, useFeedback } from '../../components/feedback';
import { Button, SelectInput, TextInput } from '../../components/ui';
import { useCreateTask, type NewMaintenanceTask } from './maintenance.queries';

const KINDS: Record<NewMaintenanceTask['intervalKind'], string> = {
  print_hours: 'print hours',
  filament_grams: 'grams of filament',
  prints: 'prints',
  days: 'days',
};
const EMPTY = {
  name: '',
  printerModel: '',
  intervalKind: 'print_hours' as NewMaintenanceTask['intervalKind'],
  intervalValue: '200',
  hold: false,
  checklist: '',
};

/** A task for every printer of a model (the printer page's history shows each printer's log). */
export function CreateTaskForm() {
  const feedback = useFeedback();
  const [draft, setDraft] = useState(EMPTY);
  const create = useCreateTask(feedback, () => setDraft(EMPTY));
  const submit = (event: FormEvent) => {
    event.preventDefault();
    create.mutate({
      name: draft.name.trim(),
      printerModel: draft.printerModel.trim(),
      intervalKind: draft.intervalKind,
      intervalValue: Number(draft.intervalValue),
      holdWhenOverdue: draft.hold,
      checklist: draft.checklist
        .split('\n')
        .map((item) => item.trim())
        .filter(Boolean),
    });
  };
  return (
    <form className="form" onSubmit={submit} noValidate>
      <FeedbackNotice
        feedback={feedback}
        inline={['name', 'printerModel', 'printerId', 'intervalValue', 'checklist']}
      />
      <div className="form-grid form-grid-3">
        <TextInput
          label="Task"
          value={draft.name}
          onChange={(event) => setDraft({ ...draft, name: event.target.value })}
          error={feedback.fieldError('name')}
        />
        <TextInput
          label="Printer model"
          value={draft.printerModel}
          onChange={(event) => setDraft({ ...draft, printerModel: event.target.value })}
          error={feedback.fieldError('printerModel') ?? feedback.fieldError('printerId')}
        />
        <TextInput
          label="Every"
          inputMode="decimal"
          value={draft.intervalValue}
          onChange={(event) => setDraft({ ...draft, intervalValue: event.target.value })}
          error={feedback.fieldError('intervalValue')}
        />
        <SelectInput
          label="Counted in"
          value={draft.intervalKind}
          onChange={(event) =>
            setDraft({ ...draft, intervalKind: event.target.value as NewMaintenanceTask['intervalKind'] })
          }
        >
          {Object.entries(KINDS).map(([kind, label]) => (
            <option key={kind} value={kind}>
              {label}
            </option>
          ))}
        </SelectInput>
        <TextInput
          label="Checklist (one step a line)"
          value={draft.checklist}
          onChange={(event) => setDraft({ ...draft, checklist: event.target.value })}
          error={feedback.fieldError('checklist')}
        />
      </div>
      <label className="checkbox">
        <input
          type="checkbox"
          checked={draft.hold}
          onChange={(event) => setDraft({ ...draft, hold: event.target.checked })}
        />
        Hold the printer while overdue
      </label>
      <div>
        <Button
          type="submit"
          variant="primary"
          busy={create.isPending}
          disabled={!draft.name.trim() || !draft.printerModel.trim()}
        >
          Add task
        </Button>
      </div>
    </form>
  );
}
