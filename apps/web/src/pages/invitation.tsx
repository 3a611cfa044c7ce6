import { useState } from 'react';
import { Button, Notice, Spinner } from '../components/ui';
import { api, messageOf } from '../lib/api';
import { formatDate } from '../lib/format';
import { Link, navigate } from '../lib/router';
import { rememberOrganization, useSession } from '../lib/session';
import type { InvitationPreview } from '../lib/types';
import { useResource } from '../lib/use-resource';
import { AuthLayout } from './auth';

/** `/invitations/<token>`: what the invitation grants, then accept (after signing up or in with its email). */
export function InvitationPage({ token }: { token: string }) {
  const { me, refresh, signOut } = useSession();
  const preview = useResource(token, () => api.get<InvitationPreview>(`/api/invitations/${encodeURIComponent(token)}`));
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const here = `/invitations/${encodeURIComponent(token)}`;

  if (preview.loading || me === undefined) {
    return (
      <AuthLayout title="Invitation">
        <Spinner />
      </AuthLayout>
    );
  }
  if (!preview.data) {
    return (
      <AuthLayout title="Invitation">
        <Notice tone="error">{preview.error ?? 'This invitation cannot be used.'}</Notice>
        <p>Ask whoever invited you for a new link.</p>
      </AuthLayout>
    );
  }
  const invitation = preview.data;
  const organizationName = invitation.organization.name ?? 'an organization';

  const accept = async () => {
    setBusy(true);
    setError(null);
    try {
      const result = await api.post<{ orgId: string }>('/api/invitations/accept', { token });
      await refresh();
      rememberOrganization(result.orgId);
      navigate(`/orgs/${result.orgId}/printers`, { replace: true });
    } catch (failure) {
      setError(messageOf(failure));
      setBusy(false);
    }
  };

  const emailMatches = me && me.user.email.toLowerCase() === invitation.email.toLowerCase();
  return (
    <AuthLayout title={`Join ${organizationName}`}>
      <dl className="facts">
        <dt>Invited</dt>
        <dd>{invitation.email}</dd>
        <dt>Role</dt>
        <dd className="capitalize">{invitation.role}</dd>
        <dt>Expires</dt>
        <dd>{formatDate(invitation.expiresAt)}</dd>
      </dl>
      {error && <Notice tone="error">{error}</Notice>}
      {me === null && (
        <div className="stack">
          <p>Create an account with {invitation.email}, or sign in if you have one, to accept.</p>
          <Link
            className="button button-primary button-wide"
            to={`/sign-up?email=${encodeURIComponent(invitation.email)}&next=${encodeURIComponent(here)}`}
          >
            Create account
          </Link>
          <Link
            className="button button-secondary button-wide"
            to={`/sign-in?email=${encodeURIComponent(invitation.email)}&next=${encodeURIComponent(here)}`}
          >
            Sign in
          </Link>
        </div>
      )}
      {me && !emailMatches && (
        <div className="stack">
          <Notice tone="warning">
            You are signed in as {me.user.email}, but this invitation is for {invitation.email}.
          </Notice>
          <Button
            className="button-wide"
            onClick={() =>
              void signOut().then(() =>
                navigate(`/sign-in?email=${encodeURIComponent(invitation.email)}&next=${encodeURIComponent(here)}`),
              )
            }
          >
            Sign out and switch account
          </Button>
        </div>
      )}
      {me && emailMatches && (
        <Button variant="primary" className="button-wide" busy={busy} onClick={() => void accept()}>
          Accept invitation
        </Button>
      )}
    </AuthLayout>
  );
}
