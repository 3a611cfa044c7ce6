import type { DashboardOrgEvent } from '@farmhand/dashboard-messages';
import { useQueryClient, type Query, type QueryClient } from '@tanstack/react-query';
import { useEffect } from 'react';
import { useLiveStore } from './live';
import { queryKeys, type AlertFilter } from './query-keys';

/** Pages fall back to polling at this interval while visible, as long as no org event has arrived. */
export const ORG_EVENTS_FALLBACK_POLL_MS = 10_000;
/** Several batches of hints in a row become one refetch. */
const GATHER_MS = 150;

const isHistory = (query: Query) => query.queryKey[2] === 'printer' && query.queryKey[4] === 'history';

/**
 * Turns the `/dashboard` socket's `org.events` hints into invalidations of exactly the queries they concern:
 * a queue event refetches the jobs, their copies, readiness and the history of the printer it names; an alert event
 * the alert lists that may hold it; a detector event the detector page. An empty batch (after a reconnect: anything may have changed) refetches all of the
 * organization's queries. Until the first hint proves the server sends them, the hinted queries are polled every
 * 10 s while the page is visible. Only queries on screen refetch; the others are marked stale for their next visit.
 */
export function useOrgEventInvalidation(orgId: string): void {
  const client = useQueryClient();
  const store = useLiveStore();
  useEffect(() => {
    let gathered: DashboardOrgEvent[] | 'all' = [];
    let pending: ReturnType<typeof setTimeout> | null = null;
    const unsubscribe = store.onOrgEvents((events) => {
      gathered = events.length === 0 || gathered === 'all' ? 'all' : [...gathered, ...events];
      pending ??= setTimeout(() => {
        pending = null;
        const batch = gathered;
        gathered = [];
        void invalidateFor(client, orgId, batch);
      }, GATHER_MS);
    });
    const poll = setInterval(() => {
      if (store.orgEventsSeen || document.visibilityState !== 'visible') return;
      const keys = queryKeys.org(orgId);
      void Promise.all([
        client.invalidateQueries({ queryKey: keys.queue }),
        client.invalidateQueries({ queryKey: keys.alerts }),
        client.invalidateQueries({ queryKey: keys.all, predicate: isHistory }),
      ]);
    }, ORG_EVENTS_FALLBACK_POLL_MS);
    return () => {
      unsubscribe();
      clearInterval(poll);
      if (pending) clearTimeout(pending);
    };
  }, [client, store, orgId]);
}

async function invalidateFor(client: QueryClient, orgId: string, events: DashboardOrgEvent[] | 'all'): Promise<void> {
  const keys = queryKeys.org(orgId);
  if (events === 'all') return client.invalidateQueries({ queryKey: keys.all });
  const work: Array<Promise<void>> = [];
  const queue = events.filter((event) => event.kind === 'queue');
  // A queue change of this tab's own is refetched when it settles: a hint meanwhile would undo its optimistic order.
  if (queue.length && client.isMutating({ mutationKey: keys.queue }) === 0) {
    work.push(client.invalidateQueries({ queryKey: keys.queue }));
  }
  for (const printerId of new Set(queue.map((event) => event.printerId).filter((id) => id !== null))) {
    work.push(client.invalidateQueries({ queryKey: keys.printerHistory(printerId) }));
  }
  const alertPrinters = new Set(events.flatMap((event) => (event.kind === 'alert' ? [event.printerId] : [])));
  if (alertPrinters.size) {
    work.push(
      client.invalidateQueries({
        queryKey: keys.alerts,
        predicate: (query) => {
          const filter = query.queryKey[3] as AlertFilter | undefined;
          return !filter?.printerId || alertPrinters.has(filter.printerId);
        },
      }),
    );
  }
  // A training finished, a head was activated or rolled back: the detector page refetches.
  if (events.some((event) => event.kind === 'detector.changed')) {
    work.push(client.invalidateQueries({ queryKey: keys.detector }));
  }
  await Promise.all(work);
}
