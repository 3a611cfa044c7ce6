import type { DashboardPrinter } from '@farmhand/dashboard-messages';
import { client, messageOf, unwrap } from './api';
import { useApiMutation } from './mutations';
import { queryKeys } from './query-keys';
import { useOrg } from './session';

/** What the operator says about one plate: a finished print good or bad (a bad one optionally requeued). */
export interface BedVerdict {
  printer: Pick<DashboardPrinter, 'id' | 'name' | 'live'>;
  outcome: 'good' | 'bad' | null;
  requeue: boolean;
}

export type BedClearOutcome =
  | { printerId: string; name: string; ok: true; outcome: 'good' | 'bad' | null; requeued: boolean }
  | { printerId: string; name: string; ok: false; message: string };

/** Printers whose plate waits for a person, per the server's live view. */
export function bedWaits(printer: Pick<DashboardPrinter, 'live'>): boolean {
  return printer.live.bedToClear === 'finished' || printer.live.bedToClear === 'leftover';
}

/**
 * Confirms many plates clear, a few requests at a time, each through the one bed-clear route (its own CASL check,
 * transaction and audit entry); the answer tells each printer's outcome, refusals included.
 */
export function useBedClear(concurrency = 6) {
  const { org } = useOrg();
  const keys = queryKeys.org(org.id);
  return useApiMutation({
    mutationKey: keys.queue,
    invalidates: () => [keys.queue],
    mutationFn: async (verdicts: BedVerdict[]) => {
      const outcomes: BedClearOutcome[] = new Array<BedClearOutcome>(verdicts.length);
      let next = 0;
      const worker = async () => {
        while (next < verdicts.length) {
          const index = next++;
          const { printer, outcome, requeue } = verdicts[index]!;
          const finished = printer.live.bedToClear === 'finished';
          try {
            const cleared = await unwrap(
              client.POST('/api/orgs/{orgId}/printers/{printerId}/bed/clear', {
                params: { path: { orgId: org.id, printerId: printer.id } },
                body: {
                  ...(outcome ? { outcome } : {}),
                  ...(finished && outcome === 'bad' && requeue ? { requeue: true } : {}),
                },
              }),
            );
            outcomes[index] = {
              printerId: printer.id,
              name: printer.name,
              ok: true,
              outcome: cleared.outcome ?? null,
              requeued: cleared.requeued,
            };
          } catch (error) {
            outcomes[index] = { printerId: printer.id, name: printer.name, ok: false, message: messageOf(error) };
          }
        }
      };
      await Promise.all(Array.from({ length: Math.min(concurrency, verdicts.length) }, worker));
      return outcomes;
    },
  });
}
