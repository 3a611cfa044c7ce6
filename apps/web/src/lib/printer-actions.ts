import type { DashboardPrinter, PrinterLive } from '@farmhand/dashboard-messages';
import type { PrinterControlAction } from '@farmhand/authz-vocabulary';
import type { Feedback } from '../components/feedback';
import { client, messageOf, unwrap } from './api';
import { useLiveStore, type LiveStore } from './live';
import { useApiMutation } from './mutations';
import { useOrg } from './session';

export const BULK_ACTIONS = ['pause', 'resume', 'cancel'] as const satisfies readonly PrinterControlAction[];
export type BulkAction = (typeof BULK_ACTIONS)[number];

export const ACTION_LABELS: Record<BulkAction, { verb: string; past: string }> = {
  pause: { verb: 'Pause', past: 'Paused' },
  resume: { verb: 'Resume', past: 'Resumed' },
  cancel: { verb: 'Cancel print on', past: 'Cancelled' },
};

/**
 * What the card shows from the moment a command is sent until the agent reports the printer's real state (OctoPrint
 * passes through these too; `resuming` is the dashboard's own word for a resume on its way).
 */
const EXPECTED_STATE: Record<BulkAction, Partial<PrinterLive>> = {
  pause: { state: 'pausing' },
  resume: { state: 'resuming' },
  cancel: { state: 'cancelling' },
};

/** Whether an action makes sense in the printer's live state (the server and the agent decide for real). */
export function actionApplies(action: BulkAction, printer: Pick<DashboardPrinter, 'live'>): boolean {
  if (!printer.live.online) return false;
  switch (action) {
    case 'pause':
      return printer.live.state === 'printing';
    case 'resume':
      return printer.live.state === 'paused';
    case 'cancel':
      return ['printing', 'paused', 'pausing'].includes(printer.live.state);
  }
}

/** Sends one command; the printer shows its expected state at once, and its previous one again if refused. */
async function runAction(
  store: LiveStore,
  orgId: string,
  printer: Pick<DashboardPrinter, 'id'>,
  action: BulkAction,
): Promise<void> {
  const undo = store.patchOptimistically(printer.id, EXPECTED_STATE[action]);
  try {
    await unwrap(
      client.POST(`/api/orgs/{orgId}/printers/{printerId}/actions/${action}`, {
        params: { path: { orgId, printerId: printer.id } },
      }),
    );
  } catch (error) {
    undo();
    throw error;
  }
}

export interface BulkResult {
  succeeded: number;
  failed: Array<{ name: string; message: string }>;
}

/** One command to one printer, told in `feedback`. */
export function usePrinterAction(feedback: Feedback) {
  const { org } = useOrg();
  const store = useLiveStore();
  return useApiMutation({
    mutationFn: ({ printer, action }: { printer: Pick<DashboardPrinter, 'id' | 'name'>; action: BulkAction }) =>
      runAction(store, org.id, printer, action),
    feedback,
    success: (_, { printer, action }) => `${ACTION_LABELS[action].past} ${printer.name}`,
  });
}

/** One command to many printers, a few at a time; the answer says, per printer, what was refused. */
export function useBulkPrinterAction(concurrency = 6) {
  const { org } = useOrg();
  const store = useLiveStore();
  return useApiMutation({
    mutationFn: async ({
      printers,
      action,
    }: {
      printers: Array<Pick<DashboardPrinter, 'id' | 'name'>>;
      action: BulkAction;
    }) => {
      const result: BulkResult = { succeeded: 0, failed: [] };
      let next = 0;
      const worker = async () => {
        while (next < printers.length) {
          const printer = printers[next++]!;
          try {
            await runAction(store, org.id, printer, action);
            result.succeeded++;
          } catch (error) {
            result.failed.push({ name: printer.name, message: messageOf(error) });
          }
        }
      };
      await Promise.all(Array.from({ length: Math.min(concurrency, printers.length) }, worker));
      return { action, result };
    },
  });
}
