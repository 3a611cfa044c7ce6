import { useQuery } from '@tanstack/react-query';
import type { Feedback } from '../../components/feedback';
import { client, unwrap } from '../../lib/api';
import { useApiMutation } from '../../lib/mutations';
import { queryKeys } from '../../lib/query-keys';
import { useOrg } from '../../lib/session';
import type { Schema } from '../../lib/api/views';

export type NotificationSettings = Schema<'NotificationSettingsDto'>;

/** The organization's notification settings (the `bed.waiting` time). */
export function useNotificationSettings() {
  const { org } = useOrg();
  return useQuery({
    queryKey: queryKeys.org(org.id).notificationSettings,
    queryFn: () =>
      unwrap(client.GET('/api/orgs/{orgId}/notification-settings', { params: { path: { orgId: org.id } } })),
  });
}

export function useSaveNotificationSettings(feedback: Feedback) {
  const { org } = useOrg();
  return useApiMutation({
    mutationFn: (body: NotificationSettings) =>
      unwrap(client.PUT('/api/orgs/{orgId}/notification-settings', { params: { path: { orgId: org.id } }, body })),
    feedback,
    success: (saved) => `A bed is reported waiting after ${saved.bedWaitingMinutes} minutes`,
    invalidates: () => [queryKeys.org(org.id).notificationSettings],
  });
}
