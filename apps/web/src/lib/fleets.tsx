import { createContext, useContext, type ReactNode } from 'react';
import { api } from './api';
import type { Fleet } from './types';
import { useResource, type Resource } from './use-resource';

const FleetsContext = createContext<Resource<Fleet[]> | null>(null);

/** The organization's fleets the user may read, loaded once per organization page and reloaded after edits. */
export function FleetsProvider({ orgId, children }: { orgId: string; children: ReactNode }) {
  const fleets = useResource(orgId, () => api.get<Fleet[]>(`/api/orgs/${orgId}/fleets`));
  return <FleetsContext.Provider value={fleets}>{children}</FleetsContext.Provider>;
}

export function useFleets(): Resource<Fleet[]> & { list: Fleet[]; nameOf: (id: string) => string } {
  const fleets = useContext(FleetsContext);
  if (!fleets) throw new Error('useFleets outside FleetsProvider');
  const list = fleets.data ?? [];
  return { ...fleets, list, nameOf: (id) => list.find((fleet) => fleet.id === id)?.name ?? '—' };
}
