import { useQuery, useQueryClient } from '@tanstack/react-query';
import { createContext, useCallback, useContext, useEffect, useMemo, type ReactNode } from 'react';
import { abilityFor, type AppAbility } from './ability';
import { ApiError, client, onUnauthorized, unwrap } from './api';
import { queryKeys } from './query-keys';
import type { Me, OrganizationMembership, User } from './api/views';

interface SessionValue {
  /** undefined while loading, null when signed out. */
  me: Me | null | undefined;
  refresh: () => Promise<Me | null>;
  signOut: () => Promise<void>;
}

const SessionContext = createContext<SessionValue | null>(null);

const LAST_ORG = 'farmhand.lastOrg';

export function rememberOrganization(orgId: string): void {
  try {
    localStorage.setItem(LAST_ORG, orgId);
  } catch {
    // storage disabled: no memory of the last organization
  }
}

export function lastOrganization(me: Me): OrganizationMembership | undefined {
  let remembered: string | null = null;
  try {
    remembered = localStorage.getItem(LAST_ORG);
  } catch {
    remembered = null;
  }
  return me.organizations.find((org) => org.id === remembered) ?? me.organizations[0];
}

async function loadMe(): Promise<Me | null> {
  try {
    return await unwrap(client.GET('/api/auth/me'));
  } catch (error) {
    if (error instanceof ApiError && error.status === 401) return null;
    throw error;
  }
}

export function SessionProvider({ children }: { children: ReactNode }) {
  const queryClient = useQueryClient();
  const session = useQuery({ queryKey: queryKeys.me, queryFn: loadMe, staleTime: Infinity, retry: false });
  // A session that cannot be loaded at all reads as signed out (the sign-in page says why when it is tried).
  const me = session.isError ? null : session.data;

  const refresh = useCallback(
    () => queryClient.fetchQuery({ queryKey: queryKeys.me, queryFn: loadMe, staleTime: 0 }),
    [queryClient],
  );

  // Signed out: nothing of the previous user's organizations stays in this tab's cache.
  const forget = useCallback(() => {
    queryClient.removeQueries({ predicate: (query) => query.queryKey[0] !== queryKeys.me[0] });
    queryClient.setQueryData(queryKeys.me, null);
  }, [queryClient]);

  const signOut = useCallback(async () => {
    try {
      await unwrap(client.POST('/api/auth/sign-out'));
    } finally {
      forget();
    }
  }, [forget]);

  useEffect(() => onUnauthorized(forget), [forget]);

  const value = useMemo(() => ({ me, refresh, signOut }), [me, refresh, signOut]);
  return <SessionContext.Provider value={value}>{children}</SessionContext.Provider>;
}

export function useSession(): SessionValue {
  const value = useContext(SessionContext);
  if (!value) throw new Error('useSession outside SessionProvider');
  return value;
}

export interface OrgContextValue {
  user: User;
  org: OrganizationMembership;
  ability: AppAbility;
}

const OrgContext = createContext<OrgContextValue | null>(null);

export function OrgProvider({ value, children }: { value: OrgContextValue; children: ReactNode }) {
  return <OrgContext.Provider value={value}>{children}</OrgContext.Provider>;
}

/** The organization the current page belongs to, with the user's ability in it. */
export function useOrg(): OrgContextValue {
  const value = useContext(OrgContext);
  if (!value) throw new Error('useOrg outside an organization page');
  return value;
}

export function useOrgAbility(me: Me, orgId: string): OrgContextValue | null {
  return useMemo(() => {
    const org = me.organizations.find((candidate) => candidate.id === orgId);
    return org ? { user: me.user, org, ability: abilityFor(me.user, org) } : null;
  }, [me, orgId]);
}
