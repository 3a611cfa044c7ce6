import { useLayoutEffect, useRef, useState } from 'react';
import { FeedbackNotice, useFeedback } from '../../components/feedback';
import { Button, ConfirmDialog, EmptyState } from '../../components/ui';
import { useFleets } from '../../lib/fleets';
import { useLive } from '../../lib/live';
import { plural } from '../../lib/format';
import { useOrg } from '../../lib/session';
import type { PrintJob } from '../../lib/api/views';
import { JobCopies } from './job-copies';
import { countsSummary, jobBadge, requirementsSummary } from './queue-format';
import { useJobAction, useReorderJob, type MoveDirection } from './queue.queries';

/** The queue in the order printers take jobs: move up and down (keyboard too), hold, release, cancel, copies. */
export function QueueList({ jobs }: { jobs: PrintJob[] }) {
  const { ability } = useOrg();
  const fleets = useFleets();
  const live = useLive();
  // A pinned job names its printer (when the live feed has it: not a removed one, nor one past the window).
  const printerName = (id: string) => live.printers.find((printer) => printer.id === id)?.name ?? 'its pinned printer';
  const feedback = useFeedback();
  const reorder = useReorderJob(feedback);
  const action = useJobAction(feedback);
  const mayUpdate = ability.can('update', 'Job');
  const [expanded, setExpanded] = useState<Set<string>>(new Set());
  const [cancelling, setCancelling] = useState<PrintJob | null>(null);
  const list = useRef<HTMLOListElement>(null);
  const moved = useRef<{ jobId: string; direction: MoveDirection } | null>(null);

  // Keyboard users keep their place on the job they moved (the list was re-rendered in its new order). At the top or
  // bottom that button is now disabled: the other direction takes the focus.
  useLayoutEffect(() => {
    const target = moved.current;
    if (!target) return;
    moved.current = null;
    const button = (direction: MoveDirection) =>
      list.current?.querySelector<HTMLButtonElement>(`[data-job="${target.jobId}"][data-action="${direction}"]`);
    const wanted = button(target.direction);
    (wanted && !wanted.disabled ? wanted : button(target.direction === 'up' ? 'down' : 'up'))?.focus();
  }, [jobs]);

  const move = (job: PrintJob, index: number, direction: MoveDirection) => {
    const neighbour = jobs[direction === 'up' ? index - 1 : index + 1];
    if (!neighbour) return;
    moved.current = { jobId: job.id, direction };
    reorder.mutate({ job, neighbour, direction });
  };
  const busy = (job: PrintJob, kind: 'hold' | 'release' | 'cancel') =>
    action.isPending && action.variables?.job.id === job.id && action.variables.action === kind;

  if (!jobs.length)
    return (
      <EmptyState title="The queue is empty">
        {ability.can('create', 'Job') ? 'Upload a file and queue it.' : 'Nothing is waiting to print.'}
      </EmptyState>
    );
  return (
    <>
      <FeedbackNotice feedback={feedback} />
      <ol className="queue-list" ref={list} aria-label="Print queue, in the order printers take jobs">
        {jobs.map((job, index) => {
          const open = expanded.has(job.id);
          const badge = jobBadge(job);
          // A cancelled job stays listed while its plates wait to be cleared: nothing about it can change any more.
          const closed = job.status === 'cancelled';
          return (
            <li key={job.id} className="queue-item" aria-label={job.name}>
              <div className="queue-main">
                <span className="queue-position" aria-label={`Position ${index + 1}`}>
                  {index + 1}
                </span>
                <div className="queue-text">
                  <div className="strong">{job.name}</div>
                  <div className="muted small">
                    {plural(job.copies, 'copy', 'copies')} · priority {job.priority} ·{' '}
                    {requirementsSummary(job, fleets.nameOf, printerName)}
                  </div>
                  <div className="small">{countsSummary(job)}</div>
                  {job.notes && <div className="small muted">{job.notes}</div>}
                  {closed && <div className="small muted">Listed until its plates are cleared.</div>}
                </div>
                <span className={`status ${badge.tone}`}>{badge.label}</span>
              </div>
              <div className="queue-actions">
                <Button
                  variant="ghost"
                  aria-expanded={open}
                  onClick={() =>
                    setExpanded((current) => {
                      const next = new Set(current);
                      if (open) next.delete(job.id);
                      else next.add(job.id);
                      return next;
                    })
                  }
                >
                  {open ? 'Hide copies' : 'Copies'}
                </Button>
                {mayUpdate && !closed && (
                  <>
                    <Button
                      data-job={job.id}
                      data-action="up"
                      aria-label={`Move ${job.name} up`}
                      disabled={index === 0}
                      onClick={() => move(job, index, 'up')}
                    >
                      ↑ Up
                    </Button>
                    <Button
                      data-job={job.id}
                      data-action="down"
                      aria-label={`Move ${job.name} down`}
                      disabled={index === jobs.length - 1}
                      onClick={() => move(job, index, 'down')}
                    >
                      ↓ Down
                    </Button>
                    <Button
                      busy={busy(job, 'hold') || busy(job, 'release')}
                      onClick={() => action.mutate({ job, action: job.held ? 'release' : 'hold' })}
                    >
                      {job.held ? 'Release' : 'Hold'}
                    </Button>
                    <Button variant="danger" onClick={() => setCancelling(job)}>
                      Cancel job
                    </Button>
                  </>
                )}
              </div>
              {open && <JobCopies jobId={job.id} />}
            </li>
          );
        })}
      </ol>
      <ConfirmDialog
        open={cancelling !== null}
        title={cancelling ? `Cancel ${cancelling.name}?` : ''}
        confirmLabel="Cancel job"
        tone="danger"
        onConfirm={() => {
          const job = cancelling!;
          setCancelling(null);
          action.mutate({ job, action: 'cancel' });
        }}
        onCancel={() => setCancelling(null)}
      >
        {cancelling &&
          `Its ${plural(cancelling.counts.queued, 'queued copy', 'queued copies')} will not print, and copies printing now are stopped on their printers.`}
      </ConfirmDialog>
    </>
  );
}
