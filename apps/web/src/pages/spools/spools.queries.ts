import { useQuery } from '@tanstack/react-query';
import type { Feedback } from '../../components/feedback';
import { client, unwrap } from '../../lib/api';
import type { Schema, SpoolView } from '../../lib/api/views';
import { useApiMutation } from '../../lib/mutations';
import { queryKeys } from '../../lib/query-keys';
import { useOrg } from '../../lib/session';

export function useSpools() {
  const { org } = useOrg();
  return useQuery({
    queryKey: queryKeys.org(org.id).spools,
    queryFn: () => unwrap(client.GET('/api/orgs/{orgId}/spools', { params: { path: { orgId: org.id } } })),
  });
}

/** The spools loaded on one printer (slot order); refetched with the inventory (same key prefix). */
export function useSpoolsOn(printerId: string) {
  const { org } = useOrg();
  return useQuery({
    queryKey: [...queryKeys.org(org.id).spools, 'printer', printerId],
    queryFn: () =>
      unwrap(client.GET('/api/orgs/{orgId}/spools', { params: { path: { orgId: org.id }, query: { printerId } } })),
  });
}

export type NewSpool = Schema<'CreateSpoolDto'>;

export function useCreateSpool(feedback: Feedback, onCreated: () => void) {
  const { org } = useOrg();
  return useApiMutation({
    mutationFn: (spool: NewSpool) =>
      unwrap(client.POST('/api/orgs/{orgId}/spools', { params: { path: { orgId: org.id } }, body: spool })),
    feedback,
    success: (created) => `Added ${created.material}${created.colorName ? ` ${created.colorName}` : ''}`,
    onSuccess: onCreated,
    invalidates: () => [queryKeys.org(org.id).spools],
  });
}

export type SpoolChange =
  | { action: 'load'; spool: SpoolView; printerId: string; slot: number }
  | { action: 'unload'; spool: SpoolView }
  | { action: 'archive'; spool: SpoolView };

/** Loading, unloading and archiving a spool; the inventory refetches after each. */
export function useSpoolChange(feedback: Feedback) {
  const { org } = useOrg();
  return useApiMutation({
    mutationFn: async (change: SpoolChange) => {
      const params = { path: { orgId: org.id, spoolId: change.spool.id } };
      if (change.action === 'load')
        return unwrap(
          client.POST('/api/orgs/{orgId}/spools/{spoolId}/load', {
            params,
            body: { printerId: change.printerId, slot: change.slot },
          }),
        );
      if (change.action === 'unload')
        return unwrap(client.POST('/api/orgs/{orgId}/spools/{spoolId}/unload', { params }));
      return unwrap(client.DELETE('/api/orgs/{orgId}/spools/{spoolId}', { params }));
    },
    feedback,
    success: (_, change) =>
      ({ load: 'Spool loaded', unload: 'Spool unloaded', archive: 'Spool archived' })[change.action],
    invalidates: () => [queryKeys.org(org.id).spools],
  });
}

export function useSpoolmanStatus() {
  const { org } = useOrg();
  return useQuery({
    queryKey: queryKeys.org(org.id).spoolman,
    queryFn: () => unwrap(client.GET('/api/orgs/{orgId}/spoolman', { params: { path: { orgId: org.id } } })),
  });
}

export type SpoolmanSettings = Schema<'ConfigureSpoolmanDto'>;

/** Setting, removing and syncing the organization's Spoolman; the spools and the status refetch after each. */
export function useSpoolmanChange(feedback: Feedback, onDone?: () => void) {
  const { org } = useOrg();
  const params = { path: { orgId: org.id } };
  return useApiMutation({
    mutationFn: async (
      change: { action: 'configure'; settings: SpoolmanSettings } | { action: 'disconnect' } | { action: 'sync' },
    ) => {
      if (change.action === 'configure')
        return unwrap(client.PUT('/api/orgs/{orgId}/spoolman', { params, body: change.settings }));
      if (change.action === 'disconnect') return unwrap(client.DELETE('/api/orgs/{orgId}/spoolman', { params }));
      return unwrap(client.POST('/api/orgs/{orgId}/spoolman/sync', { params }));
    },
    feedback,
    success: (_, change) =>
      ({
        configure: 'Spoolman saved',
        disconnect: 'Back to the built-in inventory',
        sync: 'Spools read from Spoolman',
      })[change.action],
    onSuccess: () => onDone?.(),
    invalidates: () => [queryKeys.org(org.id).spoolman, queryKeys.org(org.id).spools],
  });
}
