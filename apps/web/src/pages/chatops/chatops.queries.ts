import { useQuery } from '@tanstack/react-query';
import type { Feedback } from '../../components/feedback';
import { client, unwrap } from '../../lib/api';
import { useApiMutation } from '../../lib/mutations';
import { queryKeys } from '../../lib/query-keys';
import { useOrg } from '../../lib/session';
import type { ChatCommand, ChatIntegrationView, Schema } from '../../lib/api/views';

export function useChatIntegrations() {
  const { org } = useOrg();
  return useQuery({
    queryKey: queryKeys.org(org.id).chatIntegrations,
    queryFn: () =>
      unwrap(client.GET('/api/orgs/{orgId}/chatops/integrations', { params: { path: { orgId: org.id } } })),
  });
}

export type NewChatIntegration = Schema<'CreateChatIntegrationDto'>;

export function useCreateChatIntegration(
  feedback: Feedback,
  onCreated: (created: Schema<'CreatedChatIntegrationDto'>) => void,
) {
  const { org } = useOrg();
  return useApiMutation({
    mutationFn: (body: NewChatIntegration) =>
      unwrap(client.POST('/api/orgs/{orgId}/chatops/integrations', { params: { path: { orgId: org.id } }, body })),
    feedback,
    onSuccess: onCreated,
    invalidates: () => [queryKeys.org(org.id).chatIntegrations],
  });
}

export function useUpdateChatIntegration(feedback: Feedback) {
  const { org } = useOrg();
  return useApiMutation({
    mutationFn: ({
      integration,
      allowedCommands,
    }: {
      integration: ChatIntegrationView;
      allowedCommands: ChatCommand[];
    }) =>
      unwrap(
        client.PATCH('/api/orgs/{orgId}/chatops/integrations/{integrationId}', {
          params: { path: { orgId: org.id, integrationId: integration.id } },
          body: { allowedCommands },
        }),
      ),
    feedback,
    success: (_, { integration }) => `${integration.name}: allowed commands saved`,
    invalidates: () => [queryKeys.org(org.id).chatIntegrations],
  });
}

export function useDeleteChatIntegration(feedback: Feedback) {
  const { org } = useOrg();
  return useApiMutation({
    mutationFn: (integration: ChatIntegrationView) =>
      unwrap(
        client.DELETE('/api/orgs/{orgId}/chatops/integrations/{integrationId}', {
          params: { path: { orgId: org.id, integrationId: integration.id } },
        }),
      ),
    feedback,
    success: (_, integration) => `Deleted ${integration.name}`,
    invalidates: () => [queryKeys.org(org.id).chatIntegrations],
  });
}

/** The signed-in member's linked chat accounts and their one-time link code. */
export function useChatLinks() {
  const { org } = useOrg();
  return useQuery({
    queryKey: queryKeys.org(org.id).chatLinks,
    queryFn: () => unwrap(client.GET('/api/orgs/{orgId}/chatops/links', { params: { path: { orgId: org.id } } })),
  });
}

export function useCreateLinkCode(feedback: Feedback, onCode: (code: { code: string; expiresAt: string }) => void) {
  const { org } = useOrg();
  return useApiMutation({
    mutationFn: () =>
      unwrap(client.POST('/api/orgs/{orgId}/chatops/link-codes', { params: { path: { orgId: org.id } } })),
    feedback,
    onSuccess: onCode,
    invalidates: () => [queryKeys.org(org.id).chatLinks],
  });
}

export function useUnlinkChatAccount(feedback: Feedback) {
  const { org } = useOrg();
  return useApiMutation({
    mutationFn: (accountId: string) =>
      unwrap(
        client.DELETE('/api/orgs/{orgId}/chatops/links/{accountId}', {
          params: { path: { orgId: org.id, accountId } },
        }),
      ),
    feedback,
    success: () => 'Chat account unlinked',
    invalidates: () => [queryKeys.org(org.id).chatLinks],
  });
}
