import type { DashboardPrinter } from '@farmhand/dashboard-messages';
import { useState, type FormEvent } from 'react';
import { FeedbackNotice, useFeedback } from '../../components/feedback';
import { Button, Dialog } from '../../components/ui';
import { plural } from '../../lib/format';
import { FilePicker } from '../queue/file-picker';
import { useFiles, usePrintOnPrinters, type PinnedPrintOutcome } from '../queue/queue.queries';

/**
 * "Print this file on the selected printers": the queue's file picker, then one job pinned to each printer. The
 * scheduler starts each when its printer is ready (plate clear, material loaded); the dialog then lists every
 * printer's outcome, queued or refused with the reason.
 */
export function PrintOnPrintersDialog({ printers, onClose }: { printers: DashboardPrinter[]; onClose: () => void }) {
  const files = useFiles();
  const feedback = useFeedback();
  const print = usePrintOnPrinters(feedback);
  const [fileId, setFileId] = useState('');
  const results: PinnedPrintOutcome[] | null = print.data?.results ?? null;

  const submit = (event: FormEvent) => {
    event.preventDefault();
    if (!fileId) {
      feedback.fail(new Error('Choose a file to print'));
      return;
    }
    print.mutate({ fileId, printerIds: printers.map((printer) => printer.id) });
  };

  if (results) {
    const queued = results.filter((result) => result.status === 'queued').length;
    return (
      <Dialog
        title={`Queued on ${plural(queued, 'printer')}`}
        open
        onClose={onClose}
        footer={
          <Button variant="primary" onClick={onClose}>
            Done
          </Button>
        }
      >
        <p className="muted">Each print starts when its printer is ready: the plate clear and the material loaded.</p>
        <ul className="outcome-list" aria-label="Outcome per printer">
          {results.map((result) => (
            <li key={result.printerId} className={result.status === 'queued' ? undefined : 'outcome-failed'}>
              <strong>{result.printerName}</strong>:{' '}
              {result.status === 'queued' ? 'queued' : `refused (${result.message ?? result.code})`}
            </li>
          ))}
        </ul>
      </Dialog>
    );
  }

  return (
    <Dialog title={`Print a file on ${plural(printers.length, 'printer')}`} open onClose={onClose} wide>
      <form className="form" onSubmit={submit} noValidate>
        <FeedbackNotice feedback={feedback} inline={['fileId']} />
        <div className="form-grid">
          <FilePicker
            files={files.data?.files ?? []}
            value={fileId}
            onChange={setFileId}
            error={feedback.fieldError('fileId')}
          />
        </div>
        <p className="muted">One job per printer, pinned to it: it prints there and nowhere else.</p>
        <ul className="name-list" aria-label="Printers to print on">
          {printers.slice(0, 12).map((printer) => (
            <li key={printer.id}>{printer.name}</li>
          ))}
          {printers.length > 12 && <li className="muted">and {printers.length - 12} more</li>}
        </ul>
        <div className="dialog-footer">
          <Button variant="ghost" onClick={onClose}>
            Cancel
          </Button>
          <Button type="submit" variant="primary" busy={print.isPending}>
            Print on {plural(printers.length, 'printer')}
          </Button>
        </div>
      </form>
    </Dialog>
  );
}
