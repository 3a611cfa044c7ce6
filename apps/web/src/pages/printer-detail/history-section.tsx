import { QueryState } from '../../components/query-state';
import { Section } from '../../components/ui';
import { formatDate, formatDuration, reasonLabel } from '../../lib/format';
import type { Printer } from '../../lib/api/views';
import { usePrinterHistory } from './printer.queries';

/** The printer's prints of the last 30 days; queue events naming this printer refetch it. */
export function HistorySection({ printer }: { printer: Printer }) {
  const history = usePrinterHistory(printer.id);
  return (
    <Section title="History">
      <QueryState query={history}>
        {({ summary, attempts }) =>
          attempts.length === 0 ? (
            <p className="muted">No prints in the last 30 days.</p>
          ) : (
            <>
              <p className="muted small">
                Last 30 days: {summary.attempts} prints, {summary.good} good, {summary.bad} bad, {summary.failed}{' '}
                failed.
              </p>
              <div className="table-wrap">
                <table className="table table-dense">
                  <thead>
                    <tr>
                      <th scope="col">Job</th>
                      <th scope="col">State</th>
                      <th scope="col">Outcome</th>
                      <th scope="col">Started</th>
                      <th scope="col">Duration</th>
                    </tr>
                  </thead>
                  <tbody>
                    {attempts.map((attempt) => (
                      <tr key={attempt.id}>
                        <td>
                          {attempt.jobName} <span className="muted">#{attempt.copyNumber}</span>
                        </td>
                        <td>
                          {attempt.state.replace(/_/g, ' ')}
                          {attempt.failureReason && (
                            <div className="small text-bad">{reasonLabel(attempt.failureReason)}</div>
                          )}
                        </td>
                        <td>{attempt.outcome ?? '—'}</td>
                        <td>{formatDate(attempt.startedAt ?? attempt.assignedAt)}</td>
                        <td className="numeric">{formatDuration(attempt.durationSeconds)}</td>
                      </tr>
                    ))}
                  </tbody>
                </table>
              </div>
            </>
          )
        }
      </QueryState>
    </Section>
  );
}
