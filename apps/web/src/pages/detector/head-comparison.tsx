import { useState } from 'react';
import type { Feedback } from '../../components/feedback';
import { Button, ConfirmDialog, EmptyState, Section } from '../../components/ui';
import { formatAgo, plural } from '../../lib/format';
import { activationBlocked, comparison, currentHeadName, percentOf } from './detector-rules';
import { useActivateHead, type DetectorStatus, type HeadMetrics } from './detector.queries';

const MEASURES: Array<{ key: keyof HeadMetrics; label: string; hint: string; higherIsBetter: boolean }> = [
  { key: 'precision', label: 'Precision', hint: 'of its alerts, how many were failures', higherIsBetter: true },
  { key: 'recall', label: 'Recall', hint: 'of the failures, how many it caught', higherIsBetter: true },
  {
    key: 'falseAlarmRate',
    label: 'False alarm rate',
    hint: 'of the fine frames, how many it flagged',
    higherIsBetter: false,
  },
];

/** The newest trained head beside the head scoring frames now, measured on the same held-out frames. */
export function HeadComparison({
  status,
  mayManage,
  feedback,
}: {
  status: DetectorStatus;
  mayManage: boolean;
  feedback: Feedback;
}) {
  const activate = useActivateHead(feedback);
  const [confirming, setConfirming] = useState(false);
  const newest = status.heads[0];
  const candidate = newest && (newest.state === 'candidate' || newest.state === 'rejected') ? newest : null;
  const current = currentHeadName(status);

  if (!candidate)
    return (
      <Section title="Newest candidate">
        <EmptyState title="No candidate to compare">
          {status.heads.length ? 'The newest head is already in use or retired.' : 'Train a head to see it here.'}
        </EmptyState>
      </Section>
    );

  const blocked = activationBlocked(candidate);
  const heldOut = candidate.heldOut.failure + candidate.heldOut.ok;
  return (
    <Section title="Newest candidate">
      <div className="table-wrap">
        <table className="table head-comparison">
          <caption>
            Head v{candidate.version} against {current}, on the same {plural(heldOut, 'held-out frame')} (
            {candidate.heldOut.failure} failures, {candidate.heldOut.ok} fine) at the alert point{' '}
            {percentOf(candidate.threshold)}
          </caption>
          <thead>
            <tr>
              <th scope="col">Measure</th>
              <th scope="col">Candidate: head v{candidate.version}</th>
              <th scope="col">Current: {current}</th>
            </tr>
          </thead>
          <tbody>
            {MEASURES.map((measure) => {
              const mine = candidate.metrics.candidate[measure.key];
              const theirs = candidate.metrics.current[measure.key];
              const verdict = comparison(mine, theirs, measure.higherIsBetter);
              return (
                <tr key={measure.key}>
                  <th scope="row">
                    {measure.label}
                    <div className="muted small">{measure.hint}</div>
                  </th>
                  <td className="numeric">
                    {percentOf(mine)}
                    {verdict && (
                      <span className={`status ${verdict === 'better' ? 'status-ok' : 'status-bad'}`}>{verdict}</span>
                    )}
                  </td>
                  <td className="numeric">{percentOf(theirs)}</td>
                </tr>
              );
            })}
            <tr>
              <th scope="row">Held-out frames</th>
              <td className="numeric">{heldOut}</td>
              <td className="numeric">{heldOut}</td>
            </tr>
          </tbody>
        </table>
      </div>
      <p className="muted small">
        Trained {formatAgo(candidate.createdAt)} on {candidate.trainedOn.failure} failures and {candidate.trainedOn.ok}{' '}
        fine frames; the held-out frames come from other prints than the ones it learnt from.
      </p>
      {mayManage && (
        <div className="head-decision">
          {blocked ? (
            <p className="text-bad" id={`blocked-${candidate.id}`}>
              Head v{candidate.version} cannot be activated: {blocked}
            </p>
          ) : (
            <Button variant="primary" busy={activate.isPending} onClick={() => setConfirming(true)}>
              Activate head v{candidate.version}
            </Button>
          )}
        </div>
      )}
      <ConfirmDialog
        open={confirming}
        title={`Activate head v${candidate.version}?`}
        confirmLabel="Activate"
        busy={activate.isPending}
        onConfirm={() => {
          setConfirming(false);
          activate.mutate(candidate);
        }}
        onCancel={() => setConfirming(false)}
      >
        New frames of every printer of the organization are scored with it within seconds. You can roll back to{' '}
        {current} afterwards.
      </ConfirmDialog>
    </Section>
  );
}
