import { useState, type FormEvent } from 'react';
import { FeedbackNotice, useFeedback } from '../../components/feedback';
import { Button, Section, TextInput } from '../../components/ui';
import { canOnPrinter } from '../../lib/ability';
import { useOrg } from '../../lib/session';
import type { Printer } from '../../lib/api/views';
import { useUpdatePrinter } from './printer.queries';
import { RegionOfInterestEditor } from './region-of-interest-editor';

export function DetectionSection({ printer }: { printer: Printer }) {
  const { ability } = useOrg();
  const feedback = useFeedback();
  const update = useUpdatePrinter(printer, feedback, 'Detection settings saved');
  const [draft, setDraft] = useState({
    sensitivity: printer.detection.sensitivity ?? 1,
    autoPause: printer.detection.autoPause ?? false,
    frameIntervalSeconds: String(printer.detection.frameIntervalSeconds ?? 10),
    roi: printer.detection.regionOfInterest ?? null,
  });
  const editable = canOnPrinter(ability, 'update', printer);

  const submit = (event: FormEvent) => {
    event.preventDefault();
    update.mutate({
      detection: {
        sensitivity: draft.sensitivity,
        autoPause: draft.autoPause,
        frameIntervalSeconds: Number(draft.frameIntervalSeconds),
        regionOfInterest: draft.roi,
      },
    });
  };

  return (
    <Section title="Failure detection">
      <form className="form" onSubmit={submit} noValidate>
        <FeedbackNotice feedback={feedback} />
        {!editable && <p className="readonly-note">Read only: your role can see these settings but not change them.</p>}
        <fieldset className="fieldset-plain" disabled={!editable}>
          <div className="field">
            <label htmlFor={`sensitivity-${printer.id}`}>
              Sensitivity: <span className="numeric">{draft.sensitivity.toFixed(2)}</span>
            </label>
            <input
              id={`sensitivity-${printer.id}`}
              className="range"
              type="range"
              min={0.8}
              max={1.2}
              step={0.05}
              value={draft.sensitivity}
              aria-describedby={`sensitivity-hint-${printer.id}`}
              onChange={(event) => setDraft((current) => ({ ...current, sensitivity: Number(event.target.value) }))}
            />
            <p className="field-hint" id={`sensitivity-hint-${printer.id}`}>
              0.8: fewer alerts · 1.0: balanced · 1.2: more alerts
            </p>
          </div>
          <label className="checkbox">
            <input
              type="checkbox"
              checked={draft.autoPause}
              onChange={(event) => setDraft((current) => ({ ...current, autoPause: event.target.checked }))}
            />
            Pause automatically when a failure is detected
          </label>
          <div className="form-grid form-grid-3">
            <TextInput
              label="Seconds between frames"
              type="number"
              min={2}
              max={600}
              value={draft.frameIntervalSeconds}
              onChange={(event) => setDraft((current) => ({ ...current, frameIntervalSeconds: event.target.value }))}
            />
          </div>
          <RegionOfInterestEditor
            printer={printer}
            value={draft.roi}
            disabled={!editable}
            onChange={(roi) => setDraft((current) => ({ ...current, roi }))}
          />
        </fieldset>
        {editable && (
          <div>
            <Button type="submit" variant="primary" busy={update.isPending}>
              Save detection settings
            </Button>
          </div>
        )}
      </form>
    </Section>
  );
}
