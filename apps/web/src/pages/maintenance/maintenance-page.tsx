import { useState } from 'react';
import { FeedbackNotice, useFeedback } from '../../components/feedback';
import { QueryState } from '../../components/query-state';
import { Button, EmptyState, PageHeader, Section, TextInput } from '../../components/ui';
import { useOrg } from '../../lib/session';
import { CreateTaskForm } from './create-task-form';
import { useCompleteTask, useMaintenance, type MaintenanceStatus } from './maintenance.queries';

const STATE_TONE = { ok: 'status-ok', due: 'status-warn', overdue: 'status-bad' } as Record<string, string>;

/** Maintenance due and overdue on every printer the member may see; operators record it done. */
export function MaintenancePage() {
  const { ability } = useOrg();
  const maintenance = useMaintenance();
  const feedback = useFeedback();
  const [completing, setCompleting] = useState<MaintenanceStatus | null>(null);
  const [notes, setNotes] = useState('');
  const [ticks, setTicks] = useState<boolean[]>([]);
  const [photos, setPhotos] = useState<File[]>([]);
  const complete = useCompleteTask(feedback, () => setCompleting(null));
  const mayComplete = ability.can('complete', 'MaintenanceTask');

  return (
    <div className="page">
      <PageHeader title="Maintenance" subtitle="Counted from the prints Farmhand recorded on each printer." />
      <FeedbackNotice feedback={feedback} />
      {ability.can('create', 'MaintenanceTask') && (
        <Section title="Add a task">
          <CreateTaskForm />
        </Section>
      )}
      <QueryState query={maintenance}>
        {({ tasks, status }) => {
          const checklistOf = (taskId: string) => tasks.find((task) => task.id === taskId)?.checklist ?? [];
          return (
            <>
              {completing && (
                <Section title={`${completing.taskName} on ${completing.printerName}`}>
                  <form
                    className="form"
                    aria-label="Record maintenance"
                    onSubmit={(event) => {
                      event.preventDefault();
                      complete.mutate({ status: completing, notes, checklist: ticks, photos });
                      setPhotos([]);
                    }}
                  >
                    {checklistOf(completing.taskId).map((item, index) => (
                      <label key={item} className="checkbox">
                        <input
                          type="checkbox"
                          checked={ticks[index] ?? false}
                          onChange={(event) =>
                            setTicks((current) =>
                              current.map((value, at) => (at === index ? event.target.checked : value)),
                            )
                          }
                        />
                        {item}
                      </label>
                    ))}
                    <TextInput label="Notes" value={notes} onChange={(event) => setNotes(event.target.value)} />
                    <TextInput
                      label="Photos (up to 5: JPEG, PNG or WebP)"
                      type="file"
                      accept="image/jpeg,image/png,image/webp"
                      multiple
                      onChange={(event) => setPhotos([...(event.target.files ?? [])].slice(0, 5))}
                    />
                    <div>
                      <Button type="submit" variant="primary" busy={complete.isPending}>
                        Record as done
                      </Button>{' '}
                      <Button onClick={() => setCompleting(null)}>Cancel</Button>
                    </div>
                  </form>
                </Section>
              )}
              <Section title="Due">
                {status.length === 0 ? (
                  <EmptyState title="No maintenance tasks" />
                ) : (
                  <div className="table-wrap">
                    <table className="table table-dense">
                      <thead>
                        <tr>
                          <th scope="col">Task</th>
                          <th scope="col">Printer</th>
                          <th scope="col">Used</th>
                          <th scope="col">State</th>
                          <th scope="col">
                            <span className="visually-hidden">Actions</span>
                          </th>
                        </tr>
                      </thead>
                      <tbody>
                        {status.map((row) => (
                          <tr key={`${row.taskId}-${row.printerId}`}>
                            <td className="strong">{row.taskName}</td>
                            <td>{row.printerName}</td>
                            <td>
                              {row.used} / {row.intervalValue}{' '}
                              <span className="muted small">{row.intervalKind.replace('_', ' ')}</span>
                            </td>
                            <td>
                              <span className={`status ${STATE_TONE[row.state] ?? ''}`}>{row.state}</span>
                              {row.holding && <span className="muted small"> printer held</span>}
                            </td>
                            <td className="row-actions">
                              {mayComplete && (
                                <Button
                                  onClick={() => {
                                    setCompleting(row);
                                    setNotes('');
                                    setTicks(checklistOf(row.taskId).map(() => false));
                                  }}
                                >
                                  Done…
                                </Button>
                              )}
                            </td>
                          </tr>
                        ))}
                      </tbody>
                    </table>
                  </div>
                )}
              </Section>
            </>
          );
        }}
      </QueryState>
    </div>
  );
}
