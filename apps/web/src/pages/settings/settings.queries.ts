import { useQuery } from '@tanstack/react-query';
import type { Feedback } from '../../components/feedback';
import { client, unwrap } from '../../lib/api';
import type { Schema } from '../../lib/api/views';
import { useApiMutation } from '../../lib/mutations';
import { queryKeys } from '../../lib/query-keys';
import { useOrg, useSession } from '../../lib/session';

export type PrinterDefaultFields = Schema<'PrinterDefaultFieldsDto'>;
export type PrinterDefaultsChange = Schema<'UpdatePrinterDefaultsDto'>;

export function usePrinterDefaults() {
  const { org } = useOrg();
  return useQuery({
    queryKey: queryKeys.org(org.id).printerDefaults,
    queryFn: () => unwrap(client.GET('/api/orgs/{orgId}/printer-defaults', { params: { path: { orgId: org.id } } })),
  });
}

/** Saves one level's defaults: the organization's (`fleetId` null) or a fleet's. */
export function useSavePrinterDefaults(feedback: Feedback) {
  const { org } = useOrg();
  const keys = queryKeys.org(org.id);
  return useApiMutation({
    mutationFn: ({ fleetId, change }: { fleetId: string | null; change: PrinterDefaultsChange }) =>
      unwrap(
        fleetId
          ? client.PUT('/api/orgs/{orgId}/printer-defaults/fleets/{fleetId}', {
              params: { path: { orgId: org.id, fleetId } },
              body: change,
            })
          : client.PUT('/api/orgs/{orgId}/printer-defaults', { params: { path: { orgId: org.id } }, body: change }),
      ),
    feedback,
    success: () => 'Defaults saved: printers enrolled from now on start with them.',
    invalidates: () => [keys.printerDefaults],
  });
}

/** Renames the organization; the session is read again so the switcher and title follow. */
export function useRenameOrganization(feedback: Feedback) {
  const { org } = useOrg();
  const { refresh } = useSession();
  return useApiMutation({
    mutationFn: async (name: string) => {
      const renamed = await unwrap(
        client.PATCH('/api/orgs/{orgId}', { params: { path: { orgId: org.id } }, body: { name } }),
      );
      await refresh();
      return renamed;
    },
    feedback,
    success: (renamed) => `Renamed to ${renamed.name}.`,
  });
}
