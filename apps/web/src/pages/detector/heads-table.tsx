import { useState } from 'react';
import type { Feedback } from '../../components/feedback';
import { Button, ConfirmDialog, EmptyState, Section } from '../../components/ui';
import { formatAgo, formatDate } from '../../lib/format';
import { useRollback, type DetectorHead, type DetectorStatus } from './detector.queries';
import { percentOf } from './detector-rules';

const STATE_LABELS: Record<DetectorHead['state'], string> = {
  candidate: 'Candidate',
  active: 'Active',
  retired: 'Retired',
  rejected: 'Rejected: worse',
};

const STATE_TONES: Record<DetectorHead['state'], string> = {
  candidate: 'status-warn',
  active: 'status-ok',
  retired: 'status-muted',
  rejected: 'status-bad',
};

/** Every head trained for the organization, newest first; the active one can be rolled back. */
export function HeadsTable({
  status,
  mayManage,
  feedback,
}: {
  status: DetectorStatus;
  mayManage: boolean;
  feedback: Feedback;
}) {
  const rollback = useRollback(feedback);
  const [confirming, setConfirming] = useState<DetectorHead | null>(null);
  return (
    <Section title="Heads">
      <p className="muted small">
        {status.activeHeadId
          ? 'A head trained on this farm scores new frames.'
          : 'The shipped default head scores new frames.'}
      </p>
      {!status.heads.length ? (
        <EmptyState title="No heads trained yet" />
      ) : (
        <div className="table-wrap">
          <table className="table table-dense table-stack">
            <thead>
              <tr>
                <th scope="col">Version</th>
                <th scope="col">State</th>
                <th scope="col">Trained on</th>
                <th scope="col" className="numeric">
                  Precision
                </th>
                <th scope="col" className="numeric">
                  Recall
                </th>
                <th scope="col" className="numeric">
                  False alarms
                </th>
                <th scope="col">Trained</th>
                <th scope="col">
                  <span className="visually-hidden">Actions</span>
                </th>
              </tr>
            </thead>
            <tbody>
              {status.heads.map((head) => (
                <tr key={head.id}>
                  <td className="strong">v{head.version}</td>
                  <td>
                    <span className={`status ${STATE_TONES[head.state]}`}>{STATE_LABELS[head.state]}</span>
                    {head.activatedAt && head.state === 'active' && (
                      <div className="muted small">since {formatAgo(head.activatedAt)}</div>
                    )}
                  </td>
                  <td className="numeric" data-label="Trained on">
                    {head.trainedOn.failure} failures · {head.trainedOn.ok} fine
                  </td>
                  <td className="numeric" data-label="Precision">
                    {percentOf(head.metrics.candidate.precision)}
                  </td>
                  <td className="numeric" data-label="Recall">
                    {percentOf(head.metrics.candidate.recall)}
                  </td>
                  <td className="numeric" data-label="False alarms">
                    {percentOf(head.metrics.candidate.falseAlarmRate)}
                  </td>
                  <td title={formatDate(head.createdAt)} data-label="Trained">
                    {formatAgo(head.createdAt)}
                  </td>
                  <td className="row-actions">
                    {mayManage && head.state === 'active' && (
                      <Button variant="danger" busy={rollback.isPending} onClick={() => setConfirming(head)}>
                        Roll back<span className="visually-hidden"> head v{head.version}</span>
                      </Button>
                    )}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      <ConfirmDialog
        open={confirming !== null}
        title={confirming ? `Roll back head v${confirming.version}?` : ''}
        confirmLabel="Roll back"
        tone="danger"
        busy={rollback.isPending}
        onConfirm={() => {
          setConfirming(null);
          rollback.mutate();
        }}
        onCancel={() => setConfirming(null)}
      >
        The head that was active before it (or the shipped default head) scores new frames again, within seconds.
      </ConfirmDialog>
    </Section>
  );
}
