import { useQuery } from '@tanstack/react-query';
import { FeedbackNotice, useFeedback } from '../components/feedback';
import { Button, Notice, Spinner } from '../components/ui';
import { client, messageOf, unwrap } from '../lib/api';
import { formatDate } from '../lib/format';
import { useApiMutation } from '../lib/mutations';
import { queryKeys } from '../lib/query-keys';
import { Link, navigate } from '../lib/router';
import { rememberOrganization, useSession } from '../lib/session';
import { AuthLayout } from './auth';

/** `/invitations/<token>`: what the invitation grants, then accept (after signing up or in with its email). */
export function InvitationPage({ token }: { token: string }) {
  const { me, refresh, signOut } = useSession();
  const preview = useQuery({
    queryKey: queryKeys.invitation(token),
    queryFn: () => unwrap(client.GET('/api/invitations/{token}', { params: { path: { token } } })),
  });
  const feedback = useFeedback();
  const accept = useApiMutation({
    mutationFn: async () => {
      const result = await unwrap(client.POST('/api/invitations/accept', { body: { token } }));
      await refresh();
      return result;
    },
    feedback,
    onSuccess: (result) => {
      rememberOrganization(result.orgId);
      navigate(`/orgs/${result.orgId}/printers`, { replace: true });
    },
  });
  const here = `/invitations/${encodeURIComponent(token)}`;

  if (preview.isPending || me === undefined) {
    return (
      <AuthLayout title="Invitation">
        <Spinner />
      </AuthLayout>
    );
  }
  if (!preview.data) {
    return (
      <AuthLayout title="Invitation">
        <Notice tone="error">{preview.error ? messageOf(preview.error) : 'This invitation cannot be used.'}</Notice>
        <p>Ask whoever invited you for a new link.</p>
      </AuthLayout>
    );
  }
  const invitation = preview.data;
  const organizationName = invitation.organization.name ?? 'an organization';

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
      <FeedbackNotice feedback={feedback} />
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
        <Button
          variant="primary"
          className="button-wide"
          busy={accept.isPending || accept.isSuccess}
          onClick={() => accept.mutate()}
        >
          Accept invitation
        </Button>
      )}
    </AuthLayout>
  );
}
