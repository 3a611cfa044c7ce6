import { useId } from 'react';
import type { Fleet } from '../lib/api/views';

/**
 * "All fleets" or a chosen set. null means every fleet, now and future; an empty choice is not allowed by the
 * server (it would lock the member out), so the control keeps at least one fleet when limited.
 */
export function FleetLimitPicker({
  fleets,
  value,
  onChange,
  legend = 'Fleets',
  allowed,
}: {
  fleets: Fleet[];
  value: string[] | null;
  onChange: (value: string[] | null) => void;
  legend?: string;
  /** Fleets the current user may hand out; others are shown disabled. */
  allowed?: string[] | null;
}) {
  const name = useId();
  const limited = value !== null;
  const mayGrantAll = allowed === undefined || allowed === null;
  return (
    <fieldset className="fieldset">
      <legend>{legend}</legend>
      <div className="radio-row">
        <label>
          <input type="radio" name={name} checked={!limited} disabled={!mayGrantAll} onChange={() => onChange(null)} />
          All fleets
        </label>
        <label>
          <input
            type="radio"
            name={name}
            checked={limited}
            disabled={fleets.length === 0}
            onChange={() => onChange(fleets[0] ? [fleets[0].id] : [])}
          />
          Only some fleets
        </label>
      </div>
      {limited && (
        <div className="checkbox-grid">
          {fleets.map((fleet) => {
            const checked = value.includes(fleet.id);
            const grantable = mayGrantAll || allowed.includes(fleet.id);
            return (
              <label key={fleet.id}>
                <input
                  type="checkbox"
                  checked={checked}
                  disabled={!grantable || (checked && value.length === 1)}
                  onChange={() => onChange(checked ? value.filter((id) => id !== fleet.id) : [...value, fleet.id])}
                />
                {fleet.name}
              </label>
            );
          })}
        </div>
      )}
    </fieldset>
  );
}

export function fleetNames(fleetIds: string[] | null, fleets: Fleet[]): string {
  if (fleetIds === null) return 'All fleets';
  const names = fleetIds.map((id) => fleets.find((fleet) => fleet.id === id)?.name ?? 'Unknown fleet');
  return names.join(', ');
}
