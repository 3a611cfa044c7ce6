import { useQuery } from '@tanstack/react-query';
import type { Feedback } from '../../components/feedback';
import { client, unwrap } from '../../lib/api';
import { useApiMutation } from '../../lib/mutations';
import { queryKeys } from '../../lib/query-keys';
import { useOrg } from '../../lib/session';
import type { Schema, WebhookView } from '../../lib/api/views';

export function useWebhooks() {
  const { org } = useOrg();
  return useQuery({
    queryKey: queryKeys.org(org.id).webhooks,
    queryFn: () => unwrap(client.GET('/api/orgs/{orgId}/webhooks', { params: { path: { orgId: org.id } } })),
  });
}

export function useDeliveries(webhookId: string) {
  const { org } = useOrg();
  return useQuery({
    queryKey: queryKeys.org(org.id).webhookDeliveries(webhookId),
    queryFn: () =>
      unwrap(
        client.GET('/api/orgs/{orgId}/webhooks/{webhookId}/deliveries', {
          params: { path: { orgId: org.id, webhookId }, query: { limit: 50 } },
        }),
      ),
  });
}

export type WebhookAction = 'enable' | 'disable' | 'test' | 'rotate' | 'delete';

/** Every change of a webhook; the list (and its delivery logs) refetch after each. */
export function useWebhookAction(feedback: Feedback, onSecret: (label: string, secret: string) => void) {
  const { org } = useOrg();
  return useApiMutation({
    mutationFn: async ({ webhook, action }: { webhook: WebhookView; action: WebhookAction }) => {
      const params = { path: { orgId: org.id, webhookId: webhook.id } };
      if (action === 'enable' || action === 'disable') {
        return unwrap(
          client.PATCH('/api/orgs/{orgId}/webhooks/{webhookId}', { params, body: { enabled: action === 'enable' } }),
        );
      }
      if (action === 'test') return unwrap(client.POST('/api/orgs/{orgId}/webhooks/{webhookId}/test', { params }));
      if (action === 'delete') return unwrap(client.DELETE('/api/orgs/{orgId}/webhooks/{webhookId}', { params }));
      const rotated = await unwrap(client.POST('/api/orgs/{orgId}/webhooks/{webhookId}/rotate-secret', { params }));
      onSecret(`New signing secret of ${webhook.url}`, rotated.secret);
    },
    feedback,
    success: (_, { webhook, action }) =>
      ({
        enable: `${webhook.url} enabled`,
        disable: `${webhook.url} disabled`,
        test: `A test event is on its way to ${webhook.url}`,
        rotate: 'Secret rotated',
        delete: `Deleted the webhook to ${webhook.url}`,
      })[action],
    invalidates: () => [queryKeys.org(org.id).webhooks],
  });
}

export type NewWebhook = Schema<'CreateWebhookDto'>;

export function useCreateWebhook(feedback: Feedback, onCreated: (secret: string) => void) {
  const { org } = useOrg();
  return useApiMutation({
    mutationFn: (webhook: NewWebhook) =>
      unwrap(
        client.POST('/api/orgs/{orgId}/webhooks', {
          params: { path: { orgId: org.id } },
          body: webhook,
        }),
      ),
    feedback,
    onSuccess: (created) => onCreated(created.secret),
    invalidates: () => [queryKeys.org(org.id).webhooks],
  });
}
