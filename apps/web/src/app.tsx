import { useCallback, useEffect, useMemo, type ReactNode } from 'react';
import { AppShell } from './components/app-shell';
import { Forbidden } from './components/forbidden';
import { Spinner } from './components/ui';
import { LiveProvider, useLive } from './lib/live';
import { useOrgEventInvalidation } from './lib/live-invalidation';
import { Link, match, navigate, safeNext, useLocation } from './lib/router';
import { lastOrganization, OrgProvider, rememberOrganization, useOrgAbility, useSession } from './lib/session';
import type { Me } from './lib/api/views';
import { AccountPage } from './pages/account/account-page';
import { SettingsPage } from './pages/settings/settings-page';
import { DetectorPage } from './pages/detector/detector-page';
import { mayReadDetector } from './pages/detector/detector.queries';
import { ApiKeysPage } from './pages/api-keys/api-keys-page';
import { AlertsPage } from './pages/alerts/alerts-page';
import { AuditPage } from './pages/audit';
import { EnrollmentPage } from './pages/enrollment/enrollment-page';
import { AuthLayout, RequestResetPage, ResetPasswordPage, SignInPage, SignUpPage, VerifyEmailPage } from './pages/auth';
import { SsoSignInPage } from './pages/sso/sso-sign-in';
import { FleetsPage } from './pages/fleets';
import { InvitationPage } from './pages/invitation';
import { NewOrganizationPage } from './pages/organizations';
import { PrinterDetailPage } from './pages/printer-detail/printer-detail-page';
import { PrintersPage } from './pages/printers/printers-page';
import { QueuePage } from './pages/queue/queue-page';
import { CameraWallPage } from './pages/cameras/camera-wall-page';
import { TeamPage } from './pages/team/team-page';
import { MaintenancePage } from './pages/maintenance/maintenance-page';
import { ReportsPage } from './pages/reports/reports-page';
import { SpoolsPage } from './pages/spools/spools-page';
import { WebhooksPage } from './pages/webhooks/webhooks-page';
import { MyNotificationsPage } from './pages/notifications/my-notifications-page';
import { NotificationsPage } from './pages/notifications/notifications-page';
import { ChatopsPage } from './pages/chatops/chatops-page';

function Redirect({ to }: { to: string }) {
  useEffect(() => navigate(to, { replace: true }), [to]);
  return null;
}

/** A link that leads nowhere says so, instead of silently landing somewhere else. */
function NotFound({ home, bare = false }: { home: string; bare?: boolean }) {
  const { path } = useLocation();
  const body = (
    <>
      <p>
        Nothing lives at <code className="mono">{path}</code>. The link may be old, or the page was moved.
      </p>
      <Link to={home} className="button button-primary">
        Go to the printers
      </Link>
    </>
  );
  if (bare) return body;
  return (
    <div className="page page-narrow">
      <h1>Page not found</h1>
      {body}
    </div>
  );
}

function Title({ value, children }: { value: string; children: ReactNode }) {
  useEffect(() => {
    document.title = `${value} · Farmhand`;
  }, [value]);
  return <>{children}</>;
}

/** An organization page's title, led by how many printers need a hand ("(3) Printers · Farmhand"). */
function OrgTitle({ value, children }: { value: string; children: ReactNode }) {
  const { printers } = useLive();
  const count = useMemo(() => printers.filter((printer) => printer.live.attention).length, [printers]);
  useEffect(() => {
    document.title = `${count ? `(${count}) ` : ''}${value} · Farmhand`;
  }, [value, count]);
  return <>{children}</>;
}

/** Socket hints refetch the organization's queries while any of its pages is open. */
function LiveQueries({ orgId }: { orgId: string }) {
  useOrgEventInvalidation(orgId);
  return null;
}

/** The page when the role may open it, else the one Forbidden page (the same rule the navigation uses to show it). */
function Allowed({ when, what, children }: { when: boolean; what: string; children: ReactNode }) {
  return when ? <>{children}</> : <Forbidden what={what} />;
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
      <OrgTitle value="Printers">
        <Allowed when={scoped.ability.can('read', 'Printer')} what="the printers">
          <PrintersPage />
        </Allowed>
      </OrgTitle>
    );
  else if (printer)
    page = (
      <OrgTitle value="Printer">
        <Allowed when={scoped.ability.can('read', 'Printer')} what="this printer">
          <PrinterDetailPage key={printer.printerId} printerId={printer.printerId} />
        </Allowed>
      </OrgTitle>
    );
  else if (rest === '/cameras')
    page = (
      <Title value="Cameras">
        <Allowed when={scoped.ability.can('read', 'Printer')} what="the cameras">
          <CameraWallPage />
        </Allowed>
      </Title>
    );
  else if (rest === '/queue')
    page = (
      <OrgTitle value="Queue">
        <Allowed when={scoped.ability.can('read', 'Job')} what="the queue">
          <QueuePage />
        </Allowed>
      </OrgTitle>
    );
  else if (rest === '/enrollment')
    page = (
      <OrgTitle value="Enroll printers">
        <Allowed when={scoped.ability.can('enroll', 'Printer')} what="printer enrollment">
          <EnrollmentPage />
        </Allowed>
      </OrgTitle>
    );
  else if (rest === '/alerts')
    page = (
      <OrgTitle value="Alerts">
        <Allowed when={scoped.ability.can('read', 'Alert')} what="the alerts">
          <AlertsPage />
        </Allowed>
      </OrgTitle>
    );
  else if (rest === '/maintenance')
    page = (
      <OrgTitle value="Maintenance">
        <MaintenancePage />
      </OrgTitle>
    );
  else if (rest === '/reports')
    page = (
      <OrgTitle value="Reports">
        <ReportsPage />
      </OrgTitle>
    );
  else if (rest === '/spools')
    page = (
      <OrgTitle value="Spools">
        <SpoolsPage />
      </OrgTitle>
    );
  else if (rest === '/webhooks')
    page = (
      <OrgTitle value="Webhooks">
        <Allowed when={scoped.ability.can('read', 'Webhook')} what="the webhooks">
          <WebhooksPage />
        </Allowed>
      </OrgTitle>
    );
  else if (rest === '/notifications')
    page = (
      <OrgTitle value="Notifications">
        <Allowed when={scoped.ability.can('read', 'NotificationChannel')} what="the notification channels">
          <NotificationsPage />
        </Allowed>
      </OrgTitle>
    );
  else if (rest === '/notifications/me')
    page = (
      <OrgTitle value="My notifications">
        <Allowed when={scoped.ability.can('read', 'NotificationPreference')} what="your notification preferences">
          <MyNotificationsPage />
        </Allowed>
      </OrgTitle>
    );
  else if (rest === '/chatops')
    page = (
      <OrgTitle value="Chat-ops">
        <Allowed when={scoped.ability.can('read', 'ChatIntegration')} what="chat-ops">
          <ChatopsPage />
        </Allowed>
      </OrgTitle>
    );
  else if (rest === '/fleets')
    page = (
      <OrgTitle value="Fleets">
        <Allowed when={scoped.ability.can('read', 'Fleet')} what="the fleets">
          <FleetsPage />
        </Allowed>
      </OrgTitle>
    );
  else if (rest === '/team')
    page = (
      <OrgTitle value="Team">
        <Allowed when={scoped.ability.can('read', 'Member')} what="the team">
          <TeamPage />
        </Allowed>
      </OrgTitle>
    );
  else if (rest === '/audit')
    page = (
      <OrgTitle value="Audit log">
        <Allowed when={scoped.ability.can('read', 'AuditLog')} what="the audit log">
          <AuditPage />
        </Allowed>
      </OrgTitle>
    );
  else if (rest === '/api-keys')
    page = (
      <OrgTitle value="API keys">
        <Allowed when={scoped.ability.can('read', 'ApiKey')} what="the API keys">
          <ApiKeysPage />
        </Allowed>
      </OrgTitle>
    );
  else if (rest === '/settings')
    page = (
      <OrgTitle value="Settings">
        <Allowed when={scoped.ability.can('read', 'Organization')} what="the settings">
          <SettingsPage />
        </Allowed>
      </OrgTitle>
    );
  else if (rest === '/detector')
    page = (
      <OrgTitle value="Detector">
        <Allowed when={mayReadDetector(scoped.ability)} what="the detector">
          <DetectorPage />
        </Allowed>
      </OrgTitle>
    );
  else if (rest === '/account')
    page = (
      <OrgTitle value="Your account">
        <AccountPage />
      </OrgTitle>
    );
  else if (rest === '' || rest === '/') return <Redirect to={`/orgs/${orgId}/printers`} />;
  else
    page = (
      <OrgTitle value="Not found">
        <NotFound home={`/orgs/${orgId}/printers`} />
      </OrgTitle>
    );

  return (
    <OrgProvider value={scoped}>
      <LiveProvider orgId={orgId} onSessionLost={onSessionLost}>
        <LiveQueries orgId={orgId} />
        <AppShell>{page}</AppShell>
      </LiveProvider>
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
  if (path === '/reset-password')
    return (
      <Title value="Reset password">
        {window.location.hash.includes('token=') ? <ResetPasswordPage /> : <RequestResetPage />}
      </Title>
    );
  if (path === '/verify-email')
    return (
      <Title value="Confirm your email">
        <VerifyEmailPage />
      </Title>
    );
  if (me === undefined) {
    return (
      <main className="auth-page" id="main">
        <Spinner />
      </main>
    );
  }
  const ssoSignIn = match('/sign-in/sso/:slug', path);
  if (ssoSignIn)
    return me ? (
      <Redirect to="/" />
    ) : (
      <Title value="Sign in">
        <SsoSignInPage slug={ssoSignIn.slug} />
      </Title>
    );
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
  if (path !== '/')
    return (
      <Title value="Not found">
        <AuthLayout title="Page not found">
          <NotFound home={last ? `/orgs/${last.id}/printers` : '/orgs/new'} bare />
        </AuthLayout>
      </Title>
    );
  return <Redirect to={last ? `/orgs/${last.id}/printers` : '/orgs/new'} />;
}
