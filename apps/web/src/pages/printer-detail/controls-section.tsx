import { OFFLINE_LIVE } from '@farmhand/dashboard-messages';
import { useState } from 'react';
import { FeedbackNotice, useFeedback } from '../../components/feedback';
import { Button, ConfirmDialog, Section } from '../../components/ui';
import { canOnPrinter } from '../../lib/ability';
import { useLive } from '../../lib/live';
import {
  ACTION_LABELS,
  BULK_ACTIONS,
  actionApplies,
  usePrinterAction,
  type BulkAction,
} from '../../lib/printer-actions';
import { useOrg } from '../../lib/session';
import type { Printer } from '../../lib/api/views';

/** Pause, resume and cancel, each confirmed; the state badge shows the command's effect at once. */
export function ControlsSection({ printer }: { printer: Printer }) {
  const { ability } = useOrg();
  const { byId } = useLive();
  const live = byId.get(printer.id)?.live ?? OFFLINE_LIVE;
  const feedback = useFeedback();
  const command = usePrinterAction(feedback);
  const [pending, setPending] = useState<BulkAction | null>(null);
  const allowed = BULK_ACTIONS.filter((action) => canOnPrinter(ability, action, printer));
  if (!allowed.length) return null;

  const run = () => {
    if (!pending) return;
    setPending(null);
    command.mutate({ printer, action: pending });
  };

  return (
    <Section title="Controls">
      <FeedbackNotice feedback={feedback} />
      <div className="control-row">
        {allowed.map((action) => (
          <Button
            key={action}
            variant={action === 'cancel' ? 'danger' : 'secondary'}
            disabled={!actionApplies(action, { live })}
            busy={command.isPending && command.variables?.action === action}
            onClick={() => setPending(action)}
          >
            {action === 'cancel' ? 'Cancel print' : ACTION_LABELS[action].verb}
          </Button>
        ))}
        {!live.online && <span className="muted">The printer's agent is not connected.</span>}
      </div>
      <ConfirmDialog
        open={pending !== null}
        title={pending ? `${ACTION_LABELS[pending].verb} ${printer.name}?` : ''}
        confirmLabel={pending === 'cancel' ? 'Cancel print' : (pending && ACTION_LABELS[pending].verb) || ''}
        tone={pending === 'cancel' ? 'danger' : 'primary'}
        onConfirm={run}
        onCancel={() => setPending(null)}
      >
        {pending === 'cancel'
          ? 'The current print stops and cannot be resumed.'
          : 'The command is sent to the printer now.'}
      </ConfirmDialog>
    </Section>
  );
}
