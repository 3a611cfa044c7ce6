import { useCallback, useEffect, type ReactNode } from 'react';
import { AppShell } from './components/app-shell';
import { Spinner } from './components/ui';
import { FleetsProvider } from './lib/fleets';
import { LiveProvider } from './lib/live';
import { Link, match, navigate, safeNext, useLocation } from './lib/router';
import { lastOrganization, OrgProvider, rememberOrganization, useOrgAbility, useSession } from './lib/session';
import type { Me } from './lib/types';
import { AlertsPage } from './pages/alerts';
import { AuditPage } from './pages/audit';
import { EnrollmentPage } from './pages/enrollment';
import { AuthLayout, SignInPage, SignUpPage } from './pages/auth';
import { FleetsPage } from './pages/fleets';
import { InvitationPage } from './pages/invitation';
import { NewOrganizationPage } from './pages/organizations';
import { PrinterDetailPage } from './pages/printer-detail';
import { PrintersPage } from './pages/printers';
import { QueuePage } from './pages/queue';
import { TeamPage } from './pages/team';
import { WebhooksPage } from './pages/webhooks';

function Redirect({ to }: { to: string }) {
  useEffect(() => navigate(to, { replace: true }), [to]);
  return null;
}

function Title({ value, children }: { value: string; children: ReactNode }) {
  useEffect(() => {
    document.title = `${value} · Farmhand`;
  }, [value]);
  return <>{children}</>;
}

function OrganizationPages({ me, orgId, rest }: { me: Me; orgId: string; rest: string }) {
  const { refresh } = useSession();
  const scoped = useOrgAbility(me, orgId);
  const onSessionLost = useCallback(() => void refresh().catch(() => undefined), [refresh]);
  useEffect(() => {
    if (scoped) rememberOrganization(orgId);
  }, [scoped, orgId]);

  if (!scoped) {
    return (
      <AuthLayout title="Organization not found">
        <p>You are not a member of this organization, or it no longer exists.</p>
        <Link to="/" className="button button-primary button-wide">
          Go to your organizations
        </Link>
      </AuthLayout>
    );
  }

  let page: ReactNode;
  const printer = match('/printers/:printerId', rest);
  if (rest === '/printers')
    page = (
      <Title value="Printers">
        <PrintersPage />
      </Title>
    );
  else if (printer)
    page = (
      <Title value="Printer">
        <PrinterDetailPage key={printer.printerId} printerId={printer.printerId} />
      </Title>
    );
  else if (rest === '/queue')
    page = (
      <Title value="Queue">
        <QueuePage />
      </Title>
    );
  else if (rest === '/enrollment')
    page = (
      <Title value="Enroll printers">
        <EnrollmentPage />
      </Title>
    );
  else if (rest === '/alerts')
    page = (
      <Title value="Alerts">
        <AlertsPage />
      </Title>
    );
  else if (rest === '/webhooks')
    page = (
      <Title value="Webhooks">
        <WebhooksPage />
      </Title>
    );
  else if (rest === '/fleets')
    page = (
      <Title value="Fleets">
        <FleetsPage />
      </Title>
    );
  else if (rest === '/team')
    page = (
      <Title value="Team">
        <TeamPage />
      </Title>
    );
  else if (rest === '/audit')
    page = (
      <Title value="Audit log">
        <AuditPage />
      </Title>
    );
  else return <Redirect to={`/orgs/${orgId}/printers`} />;

  return (
    <OrgProvider value={scoped}>
      <FleetsProvider orgId={orgId}>
        <LiveProvider orgId={orgId} onSessionLost={onSessionLost}>
          <AppShell>{page}</AppShell>
        </LiveProvider>
      </FleetsProvider>
    </OrgProvider>
  );
}

export function App() {
  const { me } = useSession();
  const { path, search } = useLocation();

  const invitation = match('/invitations/:token', path);
  if (invitation)
    return (
      <Title value="Invitation">
        <InvitationPage token={invitation.token} />
      </Title>
    );
  if (me === undefined) {
    return (
      <main className="auth-page" id="main">
        <Spinner />
      </main>
    );
  }
  if (path === '/sign-in' || path === '/sign-up') {
    if (me) return <Redirect to={safeNext(search.get('next'))} />;
    return path === '/sign-in' ? (
      <Title value="Sign in">
        <SignInPage />
      </Title>
    ) : (
      <Title value="Sign up">
        <SignUpPage />
      </Title>
    );
  }
  if (!me) {
    const here = path === '/' ? '' : `?next=${encodeURIComponent(path + (search.size ? `?${search}` : ''))}`;
    return <Redirect to={`/sign-in${here}`} />;
  }
  if (path === '/orgs/new')
    return (
      <Title value="New organization">
        <NewOrganizationPage />
      </Title>
    );
  const org = /^\/orgs\/([^/]+)(\/.*)?$/.exec(path);
  if (org) return <OrganizationPages me={me} orgId={org[1]!} rest={org[2] ?? ''} />;
  const last = lastOrganization(me);
  return <Redirect to={last ? `/orgs/${last.id}/printers` : '/orgs/new'} />;
}
