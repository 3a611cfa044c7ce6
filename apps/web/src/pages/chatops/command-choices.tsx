import type { ChatCommand } from '../../lib/api/views';

/** Every command the contract names (a new one fails to compile here until it has a label). */
export const COMMAND_LABELS: Record<ChatCommand, string> = {
  status: 'status: printers and fleets',
  pause: 'pause <printer> (and alerts’ Pause button)',
  resume: 'resume <printer>',
  cancel: 'cancel <printer> (asks to confirm)',
  dismiss: 'alerts’ “It’s fine” button (false alarm)',
};

export function CommandChoices({
  value,
  onChange,
  error,
  legend = 'Allowed commands',
}: {
  value: ChatCommand[];
  onChange: (next: ChatCommand[]) => void;
  error?: string | null;
  legend?: string;
}) {
  return (
    <fieldset className="fieldset">
      <legend>{legend}</legend>
      {error && <p className="field-error">{error}</p>}
      <div className="checkbox-grid">
        {(Object.keys(COMMAND_LABELS) as ChatCommand[]).map((name) => (
          <label key={name} className="checkbox">
            <input
              type="checkbox"
              checked={value.includes(name)}
              onChange={(event) =>
                onChange(event.target.checked ? [...value, name] : value.filter((candidate) => candidate !== name))
              }
            />
            {COMMAND_LABELS[name]}
          </label>
        ))}
      </div>
    </fieldset>
  );
}
