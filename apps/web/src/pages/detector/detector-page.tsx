import { FeedbackNotice, useFeedback } from '../../components/feedback';
import { QueryState } from '../../components/query-state';
import { PageHeader, Section } from '../../components/ui';
import { useOrg } from '../../lib/session';
import { mayManageDetector, useDetector, type DetectorStatus } from './detector.queries';
import { HeadComparison } from './head-comparison';
import { HeadsTable } from './heads-table';
import { TrainingSection } from './training-section';

function LabelCounts({ status }: { status: DetectorStatus }) {
  const { labelled, minimum } = status;
  return (
    <Section title="Labelled frames">
      <dl className="detector-counts">
        <div>
          <dt>Failures</dt>
          <dd className="numeric">
            {labelled.failure} <span className="muted small">of {minimum.failure} needed</span>
          </dd>
        </div>
        <div>
          <dt>Fine</dt>
          <dd className="numeric">
            {labelled.ok} <span className="muted small">of {minimum.ok} needed</span>
          </dd>
        </div>
        <div>
          <dt>From alert verdicts</dt>
          <dd className="numeric">{labelled.fromVerdicts}</dd>
        </div>
        <div>
          <dt>From people</dt>
          <dd className="numeric">{labelled.fromPeople}</dd>
        </div>
      </dl>
      <p className="muted small">
        Verdicts on alerts label their frames; on a printer&apos;s page anyone who runs the printer can mark a frame
        &ldquo;looks fine&rdquo; or &ldquo;a failure&rdquo;. A person&apos;s label beats a verdict.
      </p>
    </Section>
  );
}

/**
 * The organization's own failure detector: what it has learnt from (labelled frames), training a new head on them,
 * the newest candidate measured beside the current head, activating it and rolling back.
 */
export function DetectorPage() {
  const { ability } = useOrg();
  const detector = useDetector();
  const feedback = useFeedback();
  const mayManage = mayManageDetector(ability);
  return (
    <div className="page page-narrow">
      <PageHeader
        title="Detector"
        subtitle="Teach the failure detector this farm's printers: train a head on your labelled frames, compare it with the current one, keep the better."
      />
      <FeedbackNotice feedback={feedback} />
      <QueryState query={detector} loading="Loading the detector">
        {(status) => (
          <>
            <LabelCounts status={status} />
            <TrainingSection status={status} mayManage={mayManage} />
            <HeadComparison status={status} mayManage={mayManage} feedback={feedback} />
            <HeadsTable status={status} mayManage={mayManage} feedback={feedback} />
          </>
        )}
      </QueryState>
    </div>
  );
}
