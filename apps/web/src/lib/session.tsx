import { createContext, useCallback, useContext, useEffect, useMemo, useState, type ReactNode } from 'react';
import { abilityFor, type AppAbility } from './ability';
import { api, ApiError, onUnauthorized } from './api';
import type { Me, OrganizationMembership, User } from './types';

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

export function SessionProvider({ children }: { children: ReactNode }) {
  const [me, setMe] = useState<Me | null | undefined>(undefined);

  const refresh = useCallback(async () => {
    try {
      const loaded = await api.get<Me>('/api/auth/me');
      setMe(loaded);
      return loaded;
    } catch (error) {
      if (error instanceof ApiError && error.status === 401) {
        setMe(null);
        return null;
      }
      throw error;
    }
  }, []);

  const signOut = useCallback(async () => {
    try {
      await api.post('/api/auth/sign-out');
    } finally {
      setMe(null);
    }
  }, []);

  useEffect(() => {
    refresh().catch(() => setMe(null));
    return onUnauthorized(() => setMe(null));
  }, [refresh]);

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
