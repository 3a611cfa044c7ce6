import type { DashboardPrinter } from '@farmhand/dashboard-messages';
import { useState } from 'react';
import { useBedClear, type BedClearOutcome } from '../lib/bed-clear';
import { plural } from '../lib/format';
import { Button, Dialog, Notice } from './ui';

type Target = Pick<DashboardPrinter, 'id' | 'name' | 'live'>;

function outcomeText(outcome: BedClearOutcome): string {
  if (!outcome.ok) return `not cleared: ${outcome.message}`;
  return `bed clear${outcome.outcome ? `, print ${outcome.outcome}` : ''}${outcome.requeued ? ', copy requeued' : ''}`;
}

/**
 * "Mark N beds clear": every finished print counts as good unless marked bad (bad ones optionally requeued); plates
 * that failed or cancelled prints left are only confirmed empty. The outcome of each printer shows when all have
 * answered. One printer (the card's or the printer page's "Clear bed") reads the same.
 */
export function BedClearDialog({
  printers,
  onClose,
  onDone,
}: {
  printers: Target[];
  onClose: () => void;
  /** Told once every printer answered, with those that were cleared. */
  onDone?: (cleared: string[]) => void;
}) {
  const [targets] = useState(printers);
  const [bad, setBad] = useState<Set<string>>(new Set());
  const [requeue, setRequeue] = useState(true);
  const clear = useBedClear();
  const outcomes = clear.data;
  const finished = targets.filter((printer) => printer.live.bedToClear === 'finished');
  const one = targets.length === 1 ? targets[0]! : null;
  const title = one ? `Clear the bed of ${one.name}` : `Mark ${plural(targets.length, 'bed')} clear`;

  const toggleBad = (id: string) =>
    setBad((current) => {
      const next = new Set(current);
      if (next.has(id)) next.delete(id);
      else next.add(id);
      return next;
    });

  const submit = () =>
    clear.mutate(
      targets.map((printer) => {
        const isFinished = printer.live.bedToClear === 'finished';
        return {
          printer,
          outcome: isFinished ? (bad.has(printer.id) ? 'bad' : 'good') : null,
          requeue: isFinished && bad.has(printer.id) && requeue,
        };
      }),
      { onSuccess: (result) => onDone?.(result.filter((outcome) => outcome.ok).map((outcome) => outcome.printerId)) },
    );

  const failed = outcomes?.filter((outcome) => !outcome.ok).length ?? 0;
  return (
    <Dialog
      title={title}
      open
      onClose={onClose}
      footer={
        outcomes ? (
          <Button variant="primary" onClick={onClose}>
            Done
          </Button>
        ) : (
          <>
            <Button onClick={onClose}>Cancel</Button>
            <Button variant="primary" busy={clear.isPending} disabled={!targets.length} onClick={submit}>
              {one ? 'Bed is clear' : `Mark ${plural(targets.length, 'bed')} clear`}
            </Button>
          </>
        )
      }
    >
      {outcomes ? (
        <>
          <Notice tone={failed ? 'warning' : 'success'}>
            {plural(outcomes.length - failed, 'bed')} marked clear{failed ? `; ${failed} not` : ''}
          </Notice>
          <ul className="outcome-list" aria-label="Outcome per printer">
            {outcomes.map((outcome) => (
              <li key={outcome.printerId} className={outcome.ok ? 'outcome-ok' : 'outcome-failed'}>
                <strong>{outcome.name}</strong>: {outcomeText(outcome)}
              </li>
            ))}
          </ul>
        </>
      ) : targets.length === 0 ? (
        <p>None of the selected printers has a bed to clear.</p>
      ) : (
        <>
          <p>
            Take the prints off the plates.
            {finished.length > 0 && ' Finished prints count as good unless you mark them bad.'}
          </p>
          <ul className="bed-list" aria-label="Beds to clear">
            {targets.map((printer) => (
              <li key={printer.id} className="bed-row">
                <span className="bed-name">
                  <strong>{printer.name}</strong>
                  <span className="muted small">
                    {printer.live.bedToClear === 'finished'
                      ? `finished print${printer.live.job ? `: ${printer.live.job}` : ''}`
                      : 'left by a failed or cancelled print'}
                  </span>
                </span>
                {printer.live.bedToClear === 'finished' && (
                  <label className="checkbox bed-bad">
                    <input type="checkbox" checked={bad.has(printer.id)} onChange={() => toggleBad(printer.id)} />
                    Bad<span className="visually-hidden"> print on {printer.name}</span>
                  </label>
                )}
              </li>
            ))}
          </ul>
          {finished.length > 0 && (
            <label className="checkbox">
              <input
                type="checkbox"
                checked={requeue}
                disabled={bad.size === 0}
                onChange={(event) => setRequeue(event.target.checked)}
              />
              Requeue the bad prints
            </label>
          )}
          {clear.error && <Notice tone="error">{clear.error.message}</Notice>}
        </>
      )}
    </Dialog>
  );
}
