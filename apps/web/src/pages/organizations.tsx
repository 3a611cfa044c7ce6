import { useState, type FormEvent } from 'react';
import { Button, Notice, TextInput } from '../components/ui';
import { api, messageOf } from '../lib/api';
import { navigate } from '../lib/router';
import { rememberOrganization, useSession } from '../lib/session';
import { AuthLayout } from './auth';

export function NewOrganizationPage() {
  const { me, refresh, signOut } = useSession();
  const [name, setName] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setBusy(true);
    setError(null);
    try {
      const org = await api.post<{ id: string }>('/api/orgs', { name });
      await refresh();
      rememberOrganization(org.id);
      navigate(`/orgs/${org.id}/fleets`);
    } catch (failure) {
      setError(messageOf(failure));
      setBusy(false);
    }
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
      <form className="form" onSubmit={(event) => void submit(event)} noValidate>
        {error && <Notice tone="error">{error}</Notice>}
        <TextInput label="Organization name" required value={name} onChange={(e) => setName(e.target.value)} />
        <Button type="submit" variant="primary" busy={busy} className="button-wide">
          Create organization
        </Button>
      </form>
    </AuthLayout>
  );
}
