import { useState, type FormEvent } from 'react';
import { FeedbackNotice, useFeedback } from '../../components/feedback';
import { QueryState } from '../../components/query-state';
import { Button, SelectInput, Section, TextInput } from '../../components/ui';
import { canOnPrinter } from '../../lib/ability';
import type { Printer, SpoolView } from '../../lib/api/views';
import { useOrg } from '../../lib/session';
import { useSpoolChange, useSpools, useSpoolsOn } from '../spools/spools.queries';

const spoolName = (spool: SpoolView) =>
  [spool.material, spool.colorName, spool.vendor && `(${spool.vendor})`].filter(Boolean).join(' ');

/**
 * What is loaded on this printer, slot by slot (slot 0 for a single extruder, 1… for AMS/MMU slots), with loading
 * and unloading for those who may change the printer. The same routes as the Spools page and the label's QR code.
 */
export function SpoolsSection({ printer }: { printer: Printer }) {
  const { ability } = useOrg();
  const spools = useSpools();
  const onPrinter = useSpoolsOn(printer.id);
  const feedback = useFeedback();
  const change = useSpoolChange(feedback);
  const mayLoad = ability.can('load', 'Spool') && canOnPrinter(ability, 'update', printer);
  const [spoolId, setSpoolId] = useState('');
  const [slot, setSlot] = useState('0');

  return (
    <Section title="Spools">
      <FeedbackNotice feedback={feedback} inline={['slot', 'printerId']} />
      <QueryState query={spools}>
        {({ items }) => {
          const loaded = [...(onPrinter.data?.items ?? [])].sort((a, b) => (a.slot ?? 0) - (b.slot ?? 0));
          const loadable = items.filter((spool) => spool.printerId !== printer.id && !spool.archivedAt);
          const submit = (event: FormEvent) => {
            event.preventDefault();
            const spool = items.find((item) => item.id === spoolId);
            if (!spool) return;
            change.mutate({ action: 'load', spool, printerId: printer.id, slot: Number(slot) });
            setSpoolId('');
          };
          return (
            <>
              {loaded.length === 0 ? (
                <p className="muted">No spool loaded.</p>
              ) : (
                <table className="table table-dense" aria-label="Loaded spools">
                  <thead>
                    <tr>
                      <th scope="col">Slot</th>
                      <th scope="col">Spool</th>
                      <th scope="col">Left</th>
                      <th scope="col">
                        <span className="visually-hidden">Actions</span>
                      </th>
                    </tr>
                  </thead>
                  <tbody>
                    {loaded.map((spool) => (
                      <tr key={spool.id}>
                        <td className="numeric">{spool.slot}</td>
                        <td>
                          <span
                            className="swatch"
                            aria-hidden="true"
                            style={{
                              background: spool.colorHex ?? 'transparent',
                              display: 'inline-block',
                              width: 12,
                              height: 12,
                              marginRight: 6,
                            }}
                          />
                          {spoolName(spool)}
                        </td>
                        <td>
                          <span className={`status ${spool.lowStock ? 'status-bad' : 'status-ok'}`}>
                            {Math.round(spool.remainingGrams)} g
                          </span>
                        </td>
                        <td className="row-actions">
                          {mayLoad && (
                            <Button
                              aria-label={`Unload slot ${spool.slot}`}
                              onClick={() => change.mutate({ action: 'unload', spool })}
                            >
                              Unload
                            </Button>
                          )}
                        </td>
                      </tr>
                    ))}
                  </tbody>
                </table>
              )}
              {mayLoad && (
                <form className="form" onSubmit={submit} noValidate aria-label="Load a spool on this printer">
                  <div className="form-grid form-grid-3">
                    <SelectInput label="Spool" value={spoolId} onChange={(event) => setSpoolId(event.target.value)}>
                      <option value="">Choose a spool</option>
                      {loadable.map((spool) => (
                        <option key={spool.id} value={spool.id}>
                          {spoolName(spool)}, {Math.round(spool.remainingGrams)} g
                          {spool.printerId ? ' (on another printer)' : ''}
                        </option>
                      ))}
                    </SelectInput>
                    <TextInput
                      label="Slot (0 without an AMS/MMU)"
                      inputMode="numeric"
                      value={slot}
                      onChange={(event) => setSlot(event.target.value)}
                      error={feedback.fieldError('slot')}
                    />
                  </div>
                  <div>
                    <Button type="submit" variant="primary" busy={change.isPending} disabled={!spoolId}>
                      Load spool
                    </Button>
                  </div>
                </form>
              )}
            </>
          );
        }}
      </QueryState>
    </Section>
  );
}
