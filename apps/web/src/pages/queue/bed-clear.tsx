import { useState, type FormEvent } from 'react';
import { FeedbackNotice, useFeedback, type Feedback } from '../../components/feedback';
import { Button, Dialog, Section } from '../../components/ui';
import { useFleets } from '../../lib/fleets';
import { reasonLabel } from '../../lib/format';
import { useOrg } from '../../lib/session';
import type { PrintJob, PrinterReadiness } from '../../lib/api/views';
import { useClearBed } from './queue.queries';

function BedClearDialog({
  target,
  jobName,
  onClose,
  done,
}: {
  target: PrinterReadiness;
  jobName: string | null;
  onClose: () => void;
  /** The list's notice, told once the bed is cleared (the dialog is gone by then). */
  done: Feedback;
}) {
  const feedback = useFeedback();
  const [outcome, setOutcome] = useState<'good' | 'bad' | ''>('');
  const [requeue, setRequeue] = useState(false);
  const clear = useClearBed(feedback, (cleared) => {
    onClose();
    done.succeed(
      `${target.name}: bed cleared${cleared.outcome ? `, print marked ${cleared.outcome}` : ''}${cleared.requeue ? ', copy requeued' : ''}`,
    );
  });
  const finished = target.activeCopy?.state === 'awaiting_bed_clear';

  const submit = (event: FormEvent) => {
    event.preventDefault();
    clear.mutate({
      printerId: target.printerId,
      ...(outcome ? { outcome } : {}),
      ...(outcome === 'bad' && requeue ? { requeue: true } : {}),
    });
  };

  return (
    <Dialog title={`Confirm the bed of ${target.name} is clear`} open onClose={onClose}>
      <form className="form" onSubmit={submit}>
        <FeedbackNotice feedback={feedback} />
        <p>
          {finished
            ? `The print${jobName ? ` of ${jobName}` : ''} finished. Take it off the plate, then say how it came out.`
            : 'The plate of a failed or cancelled print. Confirm it is empty before the printer takes new work.'}
        </p>
        <fieldset className="fieldset">
          <legend>Outcome{finished ? '' : ' (optional)'}</legend>
          <div className="radio-row">
            <label className="checkbox">
              <input
                type="radio"
                name="outcome"
                value="good"
                checked={outcome === 'good'}
                onChange={() => setOutcome('good')}
                required={finished}
              />
              Good
            </label>
            <label className="checkbox">
              <input
                type="radio"
                name="outcome"
                value="bad"
                checked={outcome === 'bad'}
                onChange={() => setOutcome('bad')}
              />
              Bad
            </label>
          </div>
        </fieldset>
        {finished && (
          <label className="checkbox">
            <input
              type="checkbox"
              checked={requeue}
              disabled={outcome !== 'bad'}
              onChange={(event) => setRequeue(event.target.checked)}
            />
            Requeue this copy (bad prints only)
          </label>
        )}
        <div className="dialog-footer">
          <Button onClick={onClose}>Cancel</Button>
          <Button type="submit" variant="primary" busy={clear.isPending} disabled={finished && !outcome}>
            Bed is clear
          </Button>
        </div>
      </form>
    </Dialog>
  );
}

/** Printers whose plate waits for a person: finished prints to take off, failed or cancelled ones to clear. */
export function BedClearList({ printers, jobs }: { printers: PrinterReadiness[]; jobs: PrintJob[] }) {
  const { ability } = useOrg();
  const fleets = useFleets();
  const feedback = useFeedback();
  const [target, setTarget] = useState<PrinterReadiness | null>(null);
  const waiting = printers.filter((printer) => printer.notReadyBecause.includes('bed_not_clear'));
  const jobName = (jobId: string | undefined) => jobs.find((job) => job.id === jobId)?.name ?? null;
  const mayClear = ability.can('update', 'Job');

  return (
    <Section title={`Awaiting bed clear (${waiting.length})`}>
      <FeedbackNotice feedback={feedback} />
      {waiting.length === 0 ? (
        <p className="muted">No plate waits to be cleared.</p>
      ) : (
        <div className="table-wrap">
          <table className="table table-dense table-stack">
            <thead>
              <tr>
                <th scope="col">Printer</th>
                <th scope="col">Fleet</th>
                <th scope="col">Print</th>
                <th scope="col">
                  <span className="visually-hidden">Actions</span>
                </th>
              </tr>
            </thead>
            <tbody>
              {waiting.map((printer) => (
                <tr key={printer.printerId}>
                  <td className="strong">{printer.name}</td>
                  <td data-label="Fleet">{fleets.nameOf(printer.fleetId)}</td>
                  <td data-label="Print">
                    {printer.activeCopy?.state === 'awaiting_bed_clear'
                      ? `${jobName(printer.activeCopy.jobId) ?? 'Finished print'} (finished)`
                      : printer.bed.reason
                        ? reasonLabel(printer.bed.reason)
                        : 'Failed or cancelled print'}
                  </td>
                  <td className="row-actions">
                    {mayClear && (
                      <Button variant="primary" onClick={() => setTarget(printer)}>
                        Confirm cleared
                        <span className="visually-hidden"> on {printer.name}</span>
                      </Button>
                    )}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      {target && (
        <BedClearDialog
          key={target.printerId}
          target={target}
          jobName={jobName(target.activeCopy?.jobId)}
          onClose={() => setTarget(null)}
          done={feedback}
        />
      )}
    </Section>
  );
}
