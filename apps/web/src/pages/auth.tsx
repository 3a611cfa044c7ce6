import { useState, type FormEvent, type ReactNode } from 'react';
import { Button, Notice, TextInput } from '../components/ui';
import { api, ApiError, messageOf } from '../lib/api';
import { Link, navigate, safeNext, useLocation } from '../lib/router';
import { useSession } from '../lib/session';

export function AuthLayout({ title, children, footer }: { title: string; children: ReactNode; footer?: ReactNode }) {
  return (
    <main className="auth-page" id="main">
      <div className="auth-card">
        <div className="brand brand-large" aria-hidden="true">
          <span className="brand-mark" />
          Farmhand
        </div>
        <h1>{title}</h1>
        {children}
        {footer && <div className="auth-footer">{footer}</div>}
      </div>
    </main>
  );
}

function withNext(path: string, next: string | null): string {
  return next ? `${path}?next=${encodeURIComponent(next)}` : path;
}

export function SignInPage() {
  const { search } = useLocation();
  const { refresh } = useSession();
  const next = search.get('next');
  const [email, setEmail] = useState(search.get('email') ?? '');
  const [password, setPassword] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setBusy(true);
    setError(null);
    try {
      await api.post('/api/auth/sign-in', { email, password });
      await refresh();
      navigate(safeNext(next), { replace: true });
    } catch (failure) {
      setError(messageOf(failure));
      setBusy(false);
    }
  };

  return (
    <AuthLayout
      title="Sign in"
      footer={
        <>
          New to Farmhand? <Link to={withNext('/sign-up', next)}>Create an account</Link>
        </>
      }
    >
      <form onSubmit={(event) => void submit(event)} className="form" noValidate>
        {error && <Notice tone="error">{error}</Notice>}
        <TextInput
          label="Email"
          type="email"
          autoComplete="email"
          required
          value={email}
          onChange={(e) => setEmail(e.target.value)}
        />
        <TextInput
          label="Password"
          type="password"
          autoComplete="current-password"
          required
          value={password}
          onChange={(e) => setPassword(e.target.value)}
        />
        <Button type="submit" variant="primary" busy={busy} className="button-wide">
          Sign in
        </Button>
      </form>
    </AuthLayout>
  );
}

export function SignUpPage() {
  const { search } = useLocation();
  const { refresh } = useSession();
  const next = search.get('next');
  const joining = next?.startsWith('/invitations/') ?? false;
  const [email, setEmail] = useState(search.get('email') ?? '');
  const [displayName, setDisplayName] = useState('');
  const [password, setPassword] = useState('');
  const [organizationName, setOrganizationName] = useState('');
  const [createOrganization, setCreateOrganization] = useState(!joining);
  const [error, setError] = useState<{ message: string; field?: string } | null>(null);
  const [busy, setBusy] = useState(false);

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setBusy(true);
    setError(null);
    try {
      const body: Record<string, string> = { email, password, displayName };
      if (createOrganization && organizationName.trim()) body.organizationName = organizationName.trim();
      const result = await api.post<{ orgId: string | null }>('/api/auth/sign-up', body);
      await refresh();
      navigate(safeNext(next, result.orgId ? `/orgs/${result.orgId}/fleets` : '/'), { replace: true });
    } catch (failure) {
      setError({ message: messageOf(failure), field: failure instanceof ApiError ? failure.field : undefined });
      setBusy(false);
    }
  };
  const fieldError = (field: string) => (error?.field === field ? error.message : null);

  return (
    <AuthLayout
      title="Create your account"
      footer={
        <>
          Already have an account? <Link to={withNext('/sign-in', next)}>Sign in</Link>
        </>
      }
    >
      <form onSubmit={(event) => void submit(event)} className="form" noValidate>
        {error && !error.field && <Notice tone="error">{error.message}</Notice>}
        <TextInput
          label="Name"
          autoComplete="name"
          required
          value={displayName}
          error={fieldError('displayName')}
          onChange={(e) => setDisplayName(e.target.value)}
        />
        <TextInput
          label="Email"
          type="email"
          autoComplete="email"
          required
          value={email}
          error={fieldError('email')}
          onChange={(e) => setEmail(e.target.value)}
        />
        <TextInput
          label="Password"
          type="password"
          autoComplete="new-password"
          required
          minLength={12}
          hint="At least 12 characters."
          value={password}
          error={fieldError('password')}
          onChange={(e) => setPassword(e.target.value)}
        />
        <label className="checkbox">
          <input
            type="checkbox"
            checked={createOrganization}
            onChange={(e) => setCreateOrganization(e.target.checked)}
          />
          Create an organization for my print farm
        </label>
        {createOrganization && (
          <TextInput
            label="Organization name"
            required
            value={organizationName}
            error={fieldError('organizationName')}
            onChange={(e) => setOrganizationName(e.target.value)}
          />
        )}
        <Button type="submit" variant="primary" busy={busy} className="button-wide">
          Create account
        </Button>
      </form>
    </AuthLayout>
  );
}
