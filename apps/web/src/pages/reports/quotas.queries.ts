import { useQuery } from '@tanstack/react-query';
import type { Feedback } from '../../components/feedback';
import { client, unwrap } from '../../lib/api';
import type { Schema } from '../../lib/api/views';
import { useApiMutation } from '../../lib/mutations';
import { queryKeys } from '../../lib/query-keys';
import { useOrg } from '../../lib/session';

export type Quota = Schema<'QuotaDto'>;
export type NewQuota = Schema<'CreateQuotaDto'>;

export function useQuotas() {
  const { org } = useOrg();
  return useQuery({
    queryKey: queryKeys.org(org.id).quotas,
    queryFn: () => unwrap(client.GET('/api/orgs/{orgId}/quotas', { params: { path: { orgId: org.id } } })),
  });
}

export type QuotaChange = { action: 'create'; quota: NewQuota } | { action: 'delete'; quota: Quota };

/** Adding and removing quotas (admins); the list refetches after each. */
export function useQuotaChange(feedback: Feedback, onDone: () => void) {
  const { org } = useOrg();
  return useApiMutation({
    mutationFn: async (change: QuotaChange) => {
      if (change.action === 'create')
        return unwrap(
          client.POST('/api/orgs/{orgId}/quotas', { params: { path: { orgId: org.id } }, body: change.quota }),
        );
      return unwrap(
        client.DELETE('/api/orgs/{orgId}/quotas/{quotaId}', {
          params: { path: { orgId: org.id, quotaId: change.quota.id } },
        }),
      );
    },
    feedback,
    success: (_, change) => (change.action === 'create' ? 'Quota added' : 'Quota removed'),
    onSuccess: onDone,
    invalidates: () => [queryKeys.org(org.id).quotas],
  });
}
