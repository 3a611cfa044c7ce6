import { useQuery } from '@tanstack/react-query';
import { client, unwrap } from './api';
import { queryKeys } from './query-keys';
import { useOrg } from './session';

/** The organization's fleets the user may read; refetched after this tab's edits and after a reconnect. */
export function useFleets() {
  const { org } = useOrg();
  const fleets = useQuery({
    queryKey: queryKeys.org(org.id).fleets,
    queryFn: () => unwrap(client.GET('/api/orgs/{orgId}/fleets', { params: { path: { orgId: org.id } } })),
    staleTime: 60_000,
  });
  const list = fleets.data ?? [];
  return {
    list,
    loaded: fleets.data !== undefined,
    error: fleets.error,
    nameOf: (id: string) => list.find((fleet) => fleet.id === id)?.name ?? '—',
  };
}
