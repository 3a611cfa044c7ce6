import { QueryState } from '../../components/query-state';
import { useLive, useShowing } from '../../lib/live';
import { COPY_STATE_LABELS, COPY_STATE_TONE } from './queue-format';
import { useJob } from './queue.queries';

/** A job's copies with the printer each is on and, while printing, its live progress. */
export function JobCopies({ jobId }: { jobId: string }) {
  const { byId } = useLive();
  const detail = useJob(jobId);
  // Their progress is shown: the live connection details the printers these copies print on.
  useShowing(
    `job-copies:${jobId}`,
    (detail.data?.copyList ?? []).flatMap((copy) =>
      copy.state === 'printing' && copy.printerId ? [copy.printerId] : [],
    ),
  );
  return (
    <QueryState query={detail}>
      {(job) => (
        <ol className="copy-list" aria-label="Copies">
          {job.copyList.map((copy) => {
            const printer = copy.printerId ? byId.get(copy.printerId) : undefined;
            return (
              <li key={copy.id}>
                <span className="mono">#{copy.number}</span>{' '}
                <span className={`status ${COPY_STATE_TONE[copy.state]}`}>{COPY_STATE_LABELS[copy.state]}</span>
                {copy.printerId && <span className="muted"> on {printer?.name ?? 'a printer'}</span>}
                {copy.lost && <span className="text-bad"> (agent lost)</span>}
                {copy.state === 'printing' && printer && printer.live.progress !== null && (
                  <span className="muted"> · {printer.live.progress.toFixed(1)}%</span>
                )}
              </li>
            );
          })}
        </ol>
      )}
    </QueryState>
  );
}
