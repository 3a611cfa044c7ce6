import type { DashboardPrinter } from '@farmhand/dashboard-messages';
import type { PrinterControlAction } from '@farmhand/authz-vocabulary';
import { api, messageOf } from './api';

export const BULK_ACTIONS = ['pause', 'resume', 'cancel'] as const satisfies readonly PrinterControlAction[];
export type BulkAction = (typeof BULK_ACTIONS)[number];

export const ACTION_LABELS: Record<BulkAction, { verb: string; past: string }> = {
  pause: { verb: 'Pause', past: 'Paused' },
  resume: { verb: 'Resume', past: 'Resumed' },
  cancel: { verb: 'Cancel print on', past: 'Cancelled' },
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

export function runAction(orgId: string, printerId: string, action: BulkAction): Promise<unknown> {
  return api.post(`/api/orgs/${orgId}/printers/${printerId}/actions/${action}`);
}

export interface BulkResult {
  succeeded: number;
  failed: Array<{ name: string; message: string }>;
}

/** Sends one action to many printers, a few at a time, and reports per printer. */
export async function runBulk(
  orgId: string,
  printers: Array<Pick<DashboardPrinter, 'id' | 'name'>>,
  action: BulkAction,
  concurrency = 6,
): Promise<BulkResult> {
  const result: BulkResult = { succeeded: 0, failed: [] };
  let next = 0;
  const worker = async () => {
    while (next < printers.length) {
      const printer = printers[next++]!;
      try {
        await runAction(orgId, printer.id, action);
        result.succeeded++;
      } catch (error) {
        result.failed.push({ name: printer.name, message: messageOf(error) });
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, printers.length) }, worker));
  return result;
}
