import { useQuery, useQueryClient } from '@tanstack/react-query';
import type { Feedback } from '../../components/feedback';
import { client, unwrap } from '../../lib/api';
import { useApiMutation } from '../../lib/mutations';
import { queryKeys } from '../../lib/query-keys';
import { useOrg } from '../../lib/session';
import type { Printer, Schema } from '../../lib/api/views';

export function usePrinter(printerId: string) {
  const { org } = useOrg();
  return useQuery({
    queryKey: queryKeys.org(org.id).printer(printerId),
    queryFn: () =>
      unwrap(client.GET('/api/orgs/{orgId}/printers/{printerId}', { params: { path: { orgId: org.id, printerId } } })),
  });
}

/** What the printer page changes: its capabilities, or its detection settings. */
export type PrinterChanges = Schema<'UpdatePrinterDto'>;

/** A PATCH of the printer; its answer replaces the cached row (the live grid follows from the socket). */
export function useUpdatePrinter(printer: Printer, feedback: Feedback, success: string) {
  const { org } = useOrg();
  const queryClient = useQueryClient();
  return useApiMutation({
    mutationFn: (changes: PrinterChanges) =>
      unwrap(
        client.PATCH('/api/orgs/{orgId}/printers/{printerId}', {
          params: { path: { orgId: org.id, printerId: printer.id } },
          body: changes,
        }),
      ),
    feedback,
    success: () => success,
    onSuccess: (updated) => queryClient.setQueryData(queryKeys.org(org.id).printer(printer.id), updated),
  });
}

export function usePrinterHistory(printerId: string) {
  const { org } = useOrg();
  return useQuery({
    queryKey: queryKeys.org(org.id).printerHistory(printerId),
    queryFn: () =>
      unwrap(
        client.GET('/api/orgs/{orgId}/printers/{printerId}/history', {
          params: { path: { orgId: org.id, printerId }, query: { limit: 20 } },
        }),
      ),
  });
}

export function usePrinterCredentials(printerId: string) {
  const { org } = useOrg();
  return useQuery({
    queryKey: queryKeys.org(org.id).printerCredentials(printerId),
    queryFn: () =>
      unwrap(
        client.GET('/api/orgs/{orgId}/printers/{printerId}/credentials', {
          params: { path: { orgId: org.id, printerId } },
        }),
      ),
  });
}

export function useCredentialAction(printer: Printer, feedback: Feedback) {
  const { org } = useOrg();
  const path = { orgId: org.id, printerId: printer.id };
  return useApiMutation({
    mutationFn: async (action: 'rotate' | 'revoke') =>
      action === 'rotate'
        ? {
            action,
            rotated: await unwrap(
              client.POST('/api/orgs/{orgId}/printers/{printerId}/credentials/rotate', { params: { path } }),
            ),
          }
        : {
            action,
            revoked: (
              await unwrap(
                client.POST('/api/orgs/{orgId}/printers/{printerId}/credentials/revoke', { params: { path } }),
              )
            ).revoked,
          },
    feedback,
    success: (answer) =>
      answer.revoked !== undefined
        ? `Revoked ${answer.revoked} credential${answer.revoked === 1 ? '' : 's'}; the agent is disconnected.`
        : null,
    invalidates: () => [queryKeys.org(org.id).printerCredentials(printer.id)],
  });
}
