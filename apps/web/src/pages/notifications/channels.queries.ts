import { useQuery } from '@tanstack/react-query';
import type { Feedback } from '../../components/feedback';
import { client, unwrap } from '../../lib/api';
import { useApiMutation } from '../../lib/mutations';
import { queryKeys } from '../../lib/query-keys';
import { useOrg } from '../../lib/session';
import type { NotificationChannelView, Schema } from '../../lib/api/views';

export function useChannels() {
  const { org } = useOrg();
  return useQuery({
    queryKey: queryKeys.org(org.id).notificationChannels,
    queryFn: () =>
      unwrap(client.GET('/api/orgs/{orgId}/notification-channels', { params: { path: { orgId: org.id } } })),
  });
}

export function useChannelDeliveries(channelId: string) {
  const { org } = useOrg();
  return useQuery({
    queryKey: queryKeys.org(org.id).channelDeliveries(channelId),
    queryFn: () =>
      unwrap(
        client.GET('/api/orgs/{orgId}/notification-channels/{channelId}/deliveries', {
          params: { path: { orgId: org.id, channelId }, query: { limit: 50 } },
        }),
      ),
  });
}

export type ChannelAction = 'enable' | 'disable' | 'test' | 'delete';

/** Every change of a channel; the list (and its delivery logs) refetch after each. */
export function useChannelAction(feedback: Feedback) {
  const { org } = useOrg();
  return useApiMutation({
    mutationFn: async ({ channel, action }: { channel: NotificationChannelView; action: ChannelAction }) => {
      const params = { path: { orgId: org.id, channelId: channel.id } };
      if (action === 'test')
        return unwrap(client.POST('/api/orgs/{orgId}/notification-channels/{channelId}/test', { params }));
      if (action === 'delete')
        return unwrap(client.DELETE('/api/orgs/{orgId}/notification-channels/{channelId}', { params }));
      return unwrap(
        client.PATCH('/api/orgs/{orgId}/notification-channels/{channelId}', {
          params,
          body: { enabled: action === 'enable' },
        }),
      );
    },
    feedback,
    success: (_, { channel, action }) =>
      ({
        enable: `${channel.name} enabled`,
        disable: `${channel.name} disabled`,
        test: `A test notification is on its way to ${channel.name}`,
        delete: `Deleted ${channel.name}`,
      })[action],
    invalidates: () => [queryKeys.org(org.id).notificationChannels],
  });
}

export type NewChannel = Schema<'CreateNotificationChannelDto'>;

export function useCreateChannel(feedback: Feedback, onCreated: () => void) {
  const { org } = useOrg();
  return useApiMutation({
    mutationFn: (channel: NewChannel) =>
      unwrap(
        client.POST('/api/orgs/{orgId}/notification-channels', { params: { path: { orgId: org.id } }, body: channel }),
      ),
    feedback,
    success: (created) => `Added ${created.name}`,
    onSuccess: () => onCreated(),
    invalidates: () => [queryKeys.org(org.id).notificationChannels],
  });
}
