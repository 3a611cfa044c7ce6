import type { ReactNode } from 'react';
import { useLive } from '../lib/live';
import { Link, navigate, useLocation } from '../lib/router';
import { rememberOrganization, useOrg, useSession } from '../lib/session';

interface NavItem {
  label: string;
  path: string;
  visible: boolean;
}

function ConnectionIndicator() {
  const { status } = useLive();
  const label =
    status.kind === 'live'
      ? 'Live'
      : status.kind === 'connecting'
        ? 'Connecting'
        : status.kind === 'reconnecting'
          ? 'Reconnecting'
          : 'Disconnected';
  return (
    <span
      className={`connection connection-${status.kind}`}
      role="status"
      title={'reason' in status ? status.reason : undefined}
    >
      <span className="connection-dot" aria-hidden="true" />
      {label}
    </span>
  );
}

/** The frame of every organization page: brand, organization switcher, sections, live status, account. */
export function AppShell({ children }: { children: ReactNode }) {
  const { me, signOut } = useSession();
  const { org, ability } = useOrg();
  const { path } = useLocation();
  const base = `/orgs/${org.id}`;
  const items: NavItem[] = [
    { label: 'Printers', path: `${base}/printers`, visible: ability.can('read', 'Printer') },
    { label: 'Fleets', path: `${base}/fleets`, visible: ability.can('read', 'Fleet') },
    { label: 'Team', path: `${base}/team`, visible: ability.can('read', 'Member') },
    { label: 'Audit log', path: `${base}/audit`, visible: ability.can('read', 'AuditLog') },
  ];

  const switchTo = (orgId: string) => {
    if (orgId === '__new') return navigate('/orgs/new');
    rememberOrganization(orgId);
    const section = path.slice(base.length).split('/')[1] ?? 'printers';
    navigate(`/orgs/${orgId}/${section === 'printers' || !section ? 'printers' : section}`);
  };

  return (
    <div className="shell">
      <a className="skip-link" href="#main">
        Skip to content
      </a>
      <header className="topbar">
        <Link to={`${base}/printers`} className="brand" aria-label="Farmhand home">
          <span className="brand-mark" aria-hidden="true" />
          Farmhand
        </Link>
        <label className="org-switcher">
          <span className="visually-hidden">Organization</span>
          <select value={org.id} onChange={(event) => switchTo(event.target.value)}>
            {me?.organizations.map((candidate) => (
              <option key={candidate.id} value={candidate.id}>
                {candidate.name}
              </option>
            ))}
            <option value="__new">+ New organization…</option>
          </select>
        </label>
        <nav className="nav" aria-label="Sections">
          {items
            .filter((item) => item.visible)
            .map((item) => (
              <Link
                key={item.path}
                to={item.path}
                className="nav-link"
                aria-current={path === item.path || path.startsWith(`${item.path}/`) ? 'page' : undefined}
              >
                {item.label}
              </Link>
            ))}
        </nav>
        <div className="topbar-end">
          <ConnectionIndicator />
          <span className="role-pill" title={org.fleetIds ? 'Limited to some fleets' : undefined}>
            {org.role}
            {org.fleetIds ? ' · limited' : ''}
          </span>
          <span className="user-email">{me?.user.email}</span>
          <button
            type="button"
            className="button button-ghost"
            onClick={() => void signOut().then(() => navigate('/sign-in'))}
          >
            Sign out
          </button>
        </div>
      </header>
      <main id="main" className="main" tabIndex={-1}>
        {children}
      </main>
    </div>
  );
}
