import { useQuery } from '@tanstack/react-query';
import { QueryState } from '../../components/query-state';
import { Section } from '../../components/ui';
import { client, unwrap } from '../../lib/api';
import type { Printer } from '../../lib/api/views';
import { formatDate } from '../../lib/format';
import { queryKeys } from '../../lib/query-keys';
import { useOrg } from '../../lib/session';

/** The maintenance done on this printer, newest first: checklist ticked, notes, the counters at that moment. */
export function MaintenanceHistorySection({ printer }: { printer: Printer }) {
  const { org } = useOrg();
  const history = useQuery({
    queryKey: [...queryKeys.org(org.id).maintenance, 'history', printer.id],
    queryFn: () =>
      unwrap(
        client.GET('/api/orgs/{orgId}/maintenance/printers/{printerId}/history', {
          params: { path: { orgId: org.id, printerId: printer.id } },
        }),
      ),
  });
  return (
    <Section title="Maintenance history">
      <QueryState query={history}>
        {({ items }) =>
          items.length === 0 ? (
            <p className="muted">No maintenance recorded on this printer.</p>
          ) : (
            <div className="table-wrap">
              <table className="table table-dense" aria-label="Maintenance history">
                <thead>
                  <tr>
                    <th scope="col">Task</th>
                    <th scope="col">Done</th>
                    <th scope="col">Checklist</th>
                    <th scope="col">Notes</th>
                    <th scope="col">At</th>
                    <th scope="col">Photos</th>
                  </tr>
                </thead>
                <tbody>
                  {items.map((completion) => (
                    <tr key={completion.id}>
                      <td>{completion.taskName}</td>
                      <td>{formatDate(completion.completedAt)}</td>
                      <td>
                        {completion.checklist.length === 0
                          ? '—'
                          : `${completion.checklist.filter((item) => item.done).length}/${completion.checklist.length}`}
                      </td>
                      <td>{completion.notes ?? '—'}</td>
                      <td className="muted small">
                        {completion.printHours.toFixed(1)} h · {Math.round(completion.filamentGrams)} g ·{' '}
                        {completion.prints} prints
                      </td>
                      <td>
                        {completion.photos.map((photo, index) => (
                          <a
                            key={photo.id}
                            href={`/api/orgs/${org.id}/maintenance/completions/${completion.id}/photos/${photo.id}`}
                            target="_blank"
                            rel="noreferrer"
                          >
                            <img
                              src={`/api/orgs/${org.id}/maintenance/completions/${completion.id}/photos/${photo.id}`}
                              alt={`${completion.taskName}, ${index + 1} of ${completion.photos.length}`}
                              width={64}
                              height={Math.round((64 * photo.height) / photo.width)}
                              loading="lazy"
                            />
                          </a>
                        ))}
                      </td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
          )
        }
      </QueryState>
    </Section>
  );
}
