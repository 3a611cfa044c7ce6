import { useQuery } from '@tanstack/react-query';
import type { Feedback } from '../../components/feedback';
import { client, unwrap } from '../../lib/api';
import { useApiMutation } from '../../lib/mutations';
import { queryKeys, type AlertFilter } from '../../lib/query-keys';
import { useOrg } from '../../lib/session';
import type { AlertView } from '../../lib/api/views';

export type AlertVerdict = 'acknowledge' | 'false-alarm' | 'confirm';

const VERDICT_DONE: Record<AlertVerdict, string> = {
  acknowledge: 'alert acknowledged',
  'false-alarm': 'marked a false alarm',
  confirm: 'failure confirmed, print cancelled',
};

/** Contract B: the alerts the user may read, newest first; `printerId` narrows to one printer. */
export function useAlerts(filter: AlertFilter, enabled = true) {
  const { org } = useOrg();
  const normalized: AlertFilter = { ...filter, limit: filter.limit ?? 100 };
  return useQuery({
    queryKey: queryKeys.org(org.id).alertList(normalized),
    queryFn: () =>
      unwrap(
        client.GET('/api/orgs/{orgId}/alerts', {
          params: { path: { orgId: org.id }, query: { ...normalized } },
        }),
      ),
    enabled,
  });
}

/** The open count for the navigation badge; nothing when the alerts API cannot be read. */
export function useOpenAlertCount(enabled: boolean): number | null {
  const alerts = useAlerts({ state: 'open', limit: 200 }, enabled);
  return alerts.data ? alerts.data.items.length : null;
}

/** A verdict on an alert; every alert list (the badge too) refetches once it is recorded. */
export function useAlertVerdict(feedback: Feedback) {
  const { org } = useOrg();
  return useApiMutation({
    mutationFn: ({ alert, verdict }: { alert: AlertView; verdict: AlertVerdict }) =>
      unwrap(
        client.POST(`/api/orgs/{orgId}/alerts/{alertId}/${verdict}`, {
          params: { path: { orgId: org.id, alertId: alert.id } },
        }),
      ),
    feedback,
    about: ({ alert }) => alert.printerName,
    success: (_, { alert, verdict }) => `${alert.printerName}: ${VERDICT_DONE[verdict]}`,
    invalidates: () => [queryKeys.org(org.id).alerts],
  });
}
