import type { ReactNode } from 'react';
import { useLive } from '../lib/live';
import { GlobalShortcuts } from './shortcuts';
import { useOpenAlertCount } from '../pages/alerts/alerts.queries';
import { mayReadDetector } from '../pages/detector/detector.queries';
import { Link, navigate, useLocation } from '../lib/router';
import { rememberOrganization, useOrg, useSession } from '../lib/session';
import { NEXT_THEME, THEME_LABELS, setTheme, useTheme } from '../lib/theme';

interface NavItem {
  label: string;
  path: string;
  visible: boolean;
  badge?: number | null;
}

/** Cycles system → light → dark; the label says the current choice. */
export function ThemeToggle() {
  const theme = useTheme();
  return (
    <button
      type="button"
      className="button button-ghost theme-toggle"
      aria-label={`Colour theme: ${THEME_LABELS[theme]}. Switch to ${THEME_LABELS[NEXT_THEME[theme]]}`}
      onClick={() => setTheme(NEXT_THEME[theme])}
    >
      <span aria-hidden="true">{theme === 'dark' ? '☾' : theme === 'light' ? '☀' : '◐'}</span>
      <span className="theme-label">{THEME_LABELS[theme]}</span>
    </button>
  );
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
  const openAlerts = useOpenAlertCount(ability.can('read', 'Alert'));
  const items: NavItem[] = [
    { label: 'Printers', path: `${base}/printers`, visible: ability.can('read', 'Printer') },
    { label: 'Cameras', path: `${base}/cameras`, visible: ability.can('read', 'Printer') },
    { label: 'Queue', path: `${base}/queue`, visible: ability.can('read', 'Job') },
    { label: 'Alerts', path: `${base}/alerts`, visible: ability.can('read', 'Alert'), badge: openAlerts },
    { label: 'Spools', path: `${base}/spools`, visible: ability.can('read', 'Spool') },
    { label: 'Maintenance', path: `${base}/maintenance`, visible: ability.can('read', 'MaintenanceTask') },
    { label: 'Reports', path: `${base}/reports`, visible: ability.can('read', 'Report') },
    { label: 'Fleets', path: `${base}/fleets`, visible: ability.can('read', 'Fleet') },
    { label: 'Enroll', path: `${base}/enrollment`, visible: ability.can('enroll', 'Printer') },
    { label: 'Team', path: `${base}/team`, visible: ability.can('read', 'Member') },
    { label: 'API keys', path: `${base}/api-keys`, visible: ability.can('read', 'ApiKey') },
    { label: 'Webhooks', path: `${base}/webhooks`, visible: ability.can('read', 'Webhook') },
    {
      label: 'Notifications',
      path: `${base}/notifications`,
      visible: ability.can('read', 'NotificationChannel'),
    },
    {
      label: 'My notifications',
      path: `${base}/notifications/me`,
      visible: ability.can('read', 'NotificationPreference'),
    },
    { label: 'Chat-ops', path: `${base}/chatops`, visible: ability.can('read', 'ChatIntegration') },
    { label: 'Audit log', path: `${base}/audit`, visible: ability.can('read', 'AuditLog') },
    { label: 'Settings', path: `${base}/settings`, visible: ability.can('read', 'Organization') },
    { label: 'Detector', path: `${base}/detector`, visible: mayReadDetector(ability) },
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
                {item.badge ? (
                  <span className="nav-badge" aria-label={`${item.badge >= 200 ? '200 or more' : item.badge} open`}>
                    {item.badge >= 200 ? '200+' : item.badge}
                  </span>
                ) : null}
              </Link>
            ))}
        </nav>
        <div className="topbar-end">
          <ConnectionIndicator />
          <span className="role-pill" title={org.fleetIds ? 'Limited to some fleets' : undefined}>
            {org.role}
            {org.fleetIds ? ' · limited' : ''}
          </span>
          <ThemeToggle />
          <span className="user-email">{me?.user.email}</span>
          <Link to={`${base}/account`} className="button button-ghost account-link">
            Account
          </Link>
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
      <GlobalShortcuts base={base} mayReadJobs={ability.can('read', 'Job')} />
    </div>
  );
}
