import { FeedbackNotice, useFeedback } from '../../components/feedback';
import { Button } from '../../components/ui';
import { formatAgo } from '../../lib/format';
import { useOrg } from '../../lib/session';
import { mayLabelFrames, useFrameLabel, useLabelFrame, type FrameLabelValue } from './detector.queries';

const LABEL_TEXT: Record<FrameLabelValue, string> = { ok: 'looks fine', failure: 'a failure' };

/**
 * "This looks fine" / "This is a failure" / "Remove label" on one camera frame: a person's label, which the next
 * head of the organization's detector learns from. Shown only to those who may label the printer's frames.
 */
export function FrameLabelControls({
  printer,
  frameId,
  what,
}: {
  printer: { id: string; orgId: string; fleetId: string };
  frameId: string;
  /** What the frame is, for screen readers ("the latest snapshot of Prusa-01"). */
  what: string;
}) {
  const { ability, user } = useOrg();
  const feedback = useFeedback();
  const allowed = mayLabelFrames(ability, printer);
  const known = useFrameLabel(printer.id, frameId, allowed).data ?? null;
  const label = useLabelFrame(feedback);
  if (!allowed) return null;

  const busy = (value: FrameLabelValue | null) => label.isPending && label.variables?.label === value;
  const set = (value: FrameLabelValue | null) => label.mutate({ printerId: printer.id, frameId, label: value });
  // `labelledBy` is the labeller's email (the audit log's actor label); this page only ever shows its own answers.
  const by =
    !known?.labelledBy || known.labelledBy === user.email || known.labelledBy === user.id ? 'you' : known.labelledBy;

  return (
    <div className="frame-label" role="group" aria-label={`Label ${what}`}>
      <p className="frame-label-current small" aria-live="polite">
        {known?.label
          ? `Labelled ${LABEL_TEXT[known.label]} by ${by}${known.labelledAt ? `, ${formatAgo(known.labelledAt)}` : ''}`
          : known
            ? 'Not labelled by a person'
            : 'Reading the label…'}
      </p>
      <div className="frame-label-actions">
        <Button
          aria-pressed={known?.label === 'ok'}
          busy={busy('ok')}
          disabled={label.isPending}
          onClick={() => set('ok')}
        >
          This looks fine<span className="visually-hidden">: {what}</span>
        </Button>
        <Button
          variant="danger"
          aria-pressed={known?.label === 'failure'}
          busy={busy('failure')}
          disabled={label.isPending}
          onClick={() => set('failure')}
        >
          This is a failure<span className="visually-hidden">: {what}</span>
        </Button>
        {known?.label !== null && (
          <Button variant="ghost" busy={busy(null)} disabled={label.isPending} onClick={() => set(null)}>
            Remove label<span className="visually-hidden">: {what}</span>
          </Button>
        )}
      </div>
      <FeedbackNotice feedback={feedback} />
    </div>
  );
}
