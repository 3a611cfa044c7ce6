import { FeedbackNotice, useFeedback } from '../../components/feedback';
import { ProgressBar } from '../../components/printer-card';
import { Button, Notice, Section } from '../../components/ui';
import { formatAgo } from '../../lib/format';
import { missingLabels } from './detector-rules';
import { isTraining, useTrainHead, type DetectorStatus } from './detector.queries';

const STATE_TEXT: Record<DetectorStatus['training']['state'], string> = {
  idle: 'Not training',
  queued: 'Queued: waiting for the inference role',
  running: 'Training',
  failed: 'The last training failed',
};

export function TrainingSection({ status, mayManage }: { status: DetectorStatus; mayManage: boolean }) {
  const feedback = useFeedback();
  const train = useTrainHead(feedback);
  const { training } = status;
  const busy = isTraining(status);
  const missing = missingLabels(status);
  const reason = busy ? 'A training is already running.' : missing;
  const percent = training.progress === null ? null : Math.round(training.progress * 100);

  return (
    <Section
      title="Training"
      actions={
        mayManage && (
          <Button
            variant="primary"
            busy={train.isPending}
            disabled={reason !== null}
            aria-describedby={reason ? 'train-reason' : undefined}
            onClick={() => train.mutate()}
          >
            Train a new head
          </Button>
        )
      }
    >
      <FeedbackNotice feedback={feedback} />
      {mayManage && reason && (
        <p id="train-reason" className="muted">
          {reason}
        </p>
      )}
      <div role="status" aria-live="polite" className="training-state">
        <p>
          <span className="strong">{STATE_TEXT[training.state]}</span>
          {training.state === 'running' && percent !== null && <span className="numeric"> · {percent}%</span>}
          {training.startedAt && busy && <span className="muted"> · started {formatAgo(training.startedAt)}</span>}
          {!busy && training.finishedAt && (
            <span className="muted"> · last finished {formatAgo(training.finishedAt)}</span>
          )}
        </p>
        {training.state === 'running' && <ProgressBar value={percent} label="Training progress" />}
      </div>
      {training.state === 'failed' && training.error && <Notice tone="error">{training.error}</Notice>}
    </Section>
  );
}
