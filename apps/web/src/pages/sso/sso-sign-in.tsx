import { useQuery } from '@tanstack/react-query';
import { useState, type FormEvent } from 'react';
import { FeedbackNotice, useFeedback } from '../../components/feedback';
import { Button, Notice, Spinner, TextInput } from '../../components/ui';
import { client, unwrap } from '../../lib/api';
import type { SsoProviderHint as ProviderHint } from '../../lib/api/views';
import { useApiMutation } from '../../lib/mutations';
import { Link, useLocation } from '../../lib/router';
import { AuthLayout } from '../auth-layout';

/** Why the server sent the browser back from a single sign-on (`/sign-in?sso_error=<code>`). */
const SSO_ERRORS: Record<string, string> = {
  sso_state_invalid: 'That sign-in link expired or was already used. Start again.',
  sso_refused:
    'Your identity provider refused the sign-in. Ask your administrator whether your account may use Farmhand.',
  sso_token_invalid: "Your identity provider's answer could not be verified. Try again, or tell your administrator.",
  sso_email_missing: 'Your identity provider did not share your email address.',
  sso_email_unverified: 'Your identity provider has not verified your email address.',
  sso_domain_not_allowed: 'Your email domain may not sign in to this organization.',
  sso_no_role: 'None of your groups at the identity provider gives access to this organization.',
  sso_misconfigured: 'Single sign-on for this organization needs fixing by an owner.',
  sso_provider_not_found: 'That organization has no single sign-on.',
  sso_provider_unavailable: 'The identity provider could not be reached. Try again later.',
  sso_retry: 'Something changed while you were signing in. Try again.',
  sso_account_exists:
    'A Farmhand account with your email already exists. Sign in with its password first, then use single sign-on ' +
    'to link it.',
};

export function SsoErrorNotice() {
  const { search } = useLocation();
  const code = search.get('sso_error');
  if (!code) return null;
  return <Notice tone="error">{SSO_ERRORS[code] ?? 'Single sign-on failed. Try again.'}</Notice>;
}

/** Going to the provider is a whole-page navigation: the server answers with a redirect to it. */
function ProviderButton({ hint }: { hint: ProviderHint }) {
  return (
    <a className="button button-primary button-wide" href={hint.startUrl}>
      Sign in with {hint.displayName}
    </a>
  );
}

/** On the sign-in page: find the organization's provider by a work email or the organization's sign-in name. */
export function SsoSignInSection() {
  const [open, setOpen] = useState(false);
  const [q, setQ] = useState('');
  const feedback = useFeedback();
  const find = useApiMutation({
    mutationFn: (text: string) => unwrap(client.GET('/api/auth/sso/providers', { params: { query: { q: text } } })),
    feedback,
  });
  const submit = (event: FormEvent) => {
    event.preventDefault();
    find.mutate(q.trim());
  };
  if (!open)
    return (
      <Button className="button-wide" onClick={() => setOpen(true)}>
        Use single sign-on (SSO)
      </Button>
    );
  return (
    <form className="form" onSubmit={submit} noValidate aria-label="Single sign-on">
      <FeedbackNotice feedback={feedback} />
      <TextInput
        label="Work email or organization sign-in name"
        autoComplete="email"
        required
        value={q}
        onChange={(e) => setQ(e.target.value)}
      />
      {find.data ? (
        <ProviderButton hint={find.data} />
      ) : (
        <Button type="submit" busy={find.isPending} className="button-wide">
          Find my sign-in
        </Button>
      )}
    </form>
  );
}

/** `/sign-in/sso/<slug>`: the sign-in link an organization gives its members. */
export function SsoSignInPage({ slug }: { slug: string }) {
  const hint = useQuery({
    queryKey: ['sso', 'provider', slug],
    queryFn: () => unwrap(client.GET('/api/auth/sso/providers/{slug}', { params: { path: { slug } } })),
    retry: false,
  });
  return (
    <AuthLayout title="Sign in" footer={<Link to="/sign-in">Sign in with a password instead</Link>}>
      <SsoErrorNotice />
      {hint.isPending && <Spinner />}
      {hint.isError && <Notice tone="error">No organization signs in at this address.</Notice>}
      {hint.data && <ProviderButton hint={hint.data} />}
    </AuthLayout>
  );
}
