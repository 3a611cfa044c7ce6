import { useState, type FormEvent } from 'react';
import { FeedbackNotice, useFeedback } from '../components/feedback';
import { Button, TextInput } from '../components/ui';
import { client, unwrap } from '../lib/api';
import { useApiMutation } from '../lib/mutations';
import { navigate } from '../lib/router';
import { rememberOrganization, useSession } from '../lib/session';
import { AuthLayout } from './auth';

export function NewOrganizationPage() {
  const { me, refresh, signOut } = useSession();
  const [name, setName] = useState('');
  const feedback = useFeedback();
  const create = useApiMutation({
    mutationFn: async () => {
      const org = await unwrap(client.POST('/api/orgs', { body: { name } }));
      await refresh();
      return org;
    },
    feedback,
    onSuccess: (org) => {
      rememberOrganization(org.id);
      navigate(`/orgs/${org.id}/fleets`);
    },
  });

  const submit = (event: FormEvent) => {
    event.preventDefault();
    create.mutate();
  };

  const hasOrganizations = (me?.organizations.length ?? 0) > 0;
  return (
    <AuthLayout
      title="New organization"
      footer={
        <>
          Signed in as {me?.user.email}.{' '}
          {hasOrganizations ? (
            <button type="button" className="link-button" onClick={() => window.history.back()}>
              Go back
            </button>
          ) : (
            <button
              type="button"
              className="link-button"
              onClick={() => void signOut().then(() => navigate('/sign-in'))}
            >
              Sign out
            </button>
          )}
        </>
      }
    >
      {!hasOrganizations && (
        <p>You are not a member of any organization yet. Create one, or open an invitation link you received.</p>
      )}
      <form className="form" onSubmit={submit} noValidate>
        <FeedbackNotice feedback={feedback} />
        <TextInput label="Organization name" required value={name} onChange={(e) => setName(e.target.value)} />
        <Button type="submit" variant="primary" busy={create.isPending || create.isSuccess} className="button-wide">
          Create organization
        </Button>
      </form>
    </AuthLayout>
  );
}
