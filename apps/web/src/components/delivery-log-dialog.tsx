import type { UseQueryResult } from '@tanstack/react-query';
import { formatAgo, formatDate } from '../lib/format';
import { QueryState } from './query-state';
import { Button, Dialog } from './ui';

/** One row of a delivery log: a webhook's or a notification channel's (the same delivery table on the server). */
export interface DeliveryRow {
  id: string;
  event: string;
  status: string;
  attempts: number;
  responseStatus?: number | null;
  error?: string | null;
  createdAt: string;
}

/** The last deliveries to one destination: event, outcome, tries, the receiver's answer; refreshable. */
export function DeliveryLogDialog({
  title,
  deliveries,
  answerLabel,
  onClose,
}: {
  title: string;
  deliveries: UseQueryResult<{ items: DeliveryRow[] }>;
  answerLabel: string;
  onClose: () => void;
}) {
  return (
    <Dialog
      title={title}
      open
      wide
      onClose={onClose}
      footer={
        <>
          <Button busy={deliveries.isFetching} onClick={() => void deliveries.refetch()}>
            Refresh
          </Button>
          <Button variant="primary" onClick={onClose}>
            Close
          </Button>
        </>
      }
    >
      <QueryState query={deliveries}>
        {({ items }) =>
          items.length === 0 ? (
            <p className="muted">Nothing was sent yet.</p>
          ) : (
            <div className="table-wrap">
              <table className="table table-dense">
                <thead>
                  <tr>
                    <th scope="col">Event</th>
                    <th scope="col">Status</th>
                    <th scope="col">Attempts</th>
                    <th scope="col">{answerLabel}</th>
                    <th scope="col">Queued</th>
                  </tr>
                </thead>
                <tbody>
                  {items.map((delivery) => (
                    <tr key={delivery.id}>
                      <td className="mono">{delivery.event}</td>
                      <td>
                        <span
                          className={`status ${delivery.status === 'delivered' ? 'status-ok' : delivery.status === 'failed' ? 'status-bad' : 'status-muted'}`}
                        >
                          {delivery.status}
                        </span>
                      </td>
                      <td className="numeric">{delivery.attempts}</td>
                      <td>
                        {delivery.responseStatus ?? '—'}
                        {delivery.error && <div className="small text-bad">{delivery.error}</div>}
                      </td>
                      <td title={formatDate(delivery.createdAt)}>{formatAgo(delivery.createdAt)}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
          )
        }
      </QueryState>
    </Dialog>
  );
}
