import type { PrinterLive } from '@farmhand/dashboard-messages';
import { useState } from 'react';
import { BedClearDialog } from '../../components/bed-clear-dialog';
import { Button, Notice } from '../../components/ui';
import { ATTENTION_LABELS } from '../../lib/attention';
import { useOrg } from '../../lib/session';
import type { Printer } from '../../lib/api/views';

/** Why the printer needs a hand, at the top of its page, with "Clear bed" when a plate waits and the user may. */
export function AttentionSection({ printer, live }: { printer: Printer; live: PrinterLive }) {
  const { ability } = useOrg();
  const [clearing, setClearing] = useState(false);
  const attention = live.attention ?? null;
  const mayClear = ability.can('update', 'Job') && live.bedToClear !== null;
  const needsHand = attention !== null || mayClear;
  // The dialog outlives the notice: clearing the bed ends the attention state while the outcome is still shown.
  if (!needsHand && !clearing) return null;
  return (
    <>
      {needsHand && (
        <Notice tone={attention === 'failure_alert' || attention === 'error' ? 'error' : 'warning'}>
          <div className="result-head">
            <span>
              <strong>Needs a hand:</strong> {attention ? ATTENTION_LABELS[attention].card : 'Bed to clear'}
              {live.bedToClear && attention !== 'awaiting_bed_clear' && ' · bed to clear'}
            </span>
            {mayClear && (
              <Button variant="primary" onClick={() => setClearing(true)}>
                Clear bed
              </Button>
            )}
          </div>
        </Notice>
      )}
      {clearing && (
        <BedClearDialog printers={[{ id: printer.id, name: printer.name, live }]} onClose={() => setClearing(false)} />
      )}
    </>
  );
}
