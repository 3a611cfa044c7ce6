import { useQuery } from '@tanstack/react-query';
import type { Feedback } from '../../components/feedback';
import { client, unwrap } from '../../lib/api';
import { useApiMutation } from '../../lib/mutations';
import { queryKeys } from '../../lib/query-keys';
import { useOrg } from '../../lib/session';
import type { Schema } from '../../lib/api/views';

export type NotificationPreferences = Schema<'UpdateNotificationPreferencesDto'>;

export function useMyPreferences() {
  const { org } = useOrg();
  return useQuery({
    queryKey: queryKeys.org(org.id).myNotificationPreferences,
    queryFn: () =>
      unwrap(client.GET('/api/orgs/{orgId}/notification-preferences/me', { params: { path: { orgId: org.id } } })),
  });
}

export function useSavePreferences(feedback: Feedback) {
  const { org } = useOrg();
  return useApiMutation({
    mutationFn: (body: NotificationPreferences) =>
      unwrap(
        client.PUT('/api/orgs/{orgId}/notification-preferences/me', { params: { path: { orgId: org.id } }, body }),
      ),
    feedback,
    success: () => 'Your notification preferences are saved',
    invalidates: () => [queryKeys.org(org.id).myNotificationPreferences],
  });
}
