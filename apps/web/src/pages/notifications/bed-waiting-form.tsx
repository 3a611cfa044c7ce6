import { useState, type FormEvent } from 'react';
import type { Feedback } from '../../components/feedback';
import { QueryState } from '../../components/query-state';
import { Button, TextInput } from '../../components/ui';
import { useNotificationSettings, useSaveNotificationSettings } from './settings.queries';

const HINT = 'How long a finished print may sit on the bed before "Bed waiting to be cleared" is sent (1-1440).';

/** The organization's bed-waiting minutes: editable where the caller may update channels, read-only otherwise. */
export function BedWaitingSettings({ mayManage, feedback }: { mayManage: boolean; feedback: Feedback }) {
  const settings = useNotificationSettings();
  return (
    <QueryState query={settings}>
      {(saved) =>
        mayManage ? (
          <BedWaitingForm saved={saved.bedWaitingMinutes} key={saved.bedWaitingMinutes} feedback={feedback} />
        ) : (
          <p>
            A bed is reported waiting to be cleared after <strong>{saved.bedWaitingMinutes} minutes</strong>.
          </p>
        )
      }
    </QueryState>
  );
}

function BedWaitingForm({ saved, feedback }: { saved: number; feedback: Feedback }) {
  const save = useSaveNotificationSettings(feedback);
  const [draft, setDraft] = useState(String(saved));
  const submit = (event: FormEvent) => {
    event.preventDefault();
    // The server checks it (a whole 1-1440) and names the field when it is not.
    save.mutate({ bedWaitingMinutes: Number(draft) });
  };
  return (
    <form onSubmit={submit} className="stack" noValidate>
      <TextInput
        label="Bed waiting after (minutes)"
        hint={HINT}
        type="number"
        inputMode="numeric"
        min={1}
        max={1440}
        step={1}
        value={draft}
        onChange={(event) => setDraft(event.target.value)}
      />
      <div>
        <Button type="submit" variant="primary" busy={save.isPending}>
          Save bed-waiting time
        </Button>
      </div>
    </form>
  );
}
