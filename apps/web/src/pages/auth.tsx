import { useState, type FormEvent } from 'react';
import { FeedbackNotice, useFeedback } from '../components/feedback';
import { Button, TextInput } from '../components/ui';
import { client, unwrap } from '../lib/api';
import { useApiMutation } from '../lib/mutations';
import { Link, navigate, safeNext, useLocation } from '../lib/router';
import { useSession } from '../lib/session';
import { SsoErrorNotice, SsoSignInSection } from './sso/sso-sign-in';
import { PasskeySecondFactor, PasskeySignIn } from './passkeys/passkey-sign-in';
import { AuthLayout } from './auth-layout';

export { AuthLayout };

function withNext(path: string, next: string | null): string {
  return next ? `${path}?next=${encodeURIComponent(next)}` : path;
}

export function SignInPage() {
  const { search } = useLocation();
  const { refresh } = useSession();
  const next = search.get('next');
  const [email, setEmail] = useState(search.get('email') ?? '');
  const [password, setPassword] = useState('');
  const [secondStep, setSecondStep] = useState(false);
  const feedback = useFeedback();
  const signIn = useApiMutation({
    mutationFn: async () => {
      const result = await unwrap(client.POST('/api/auth/sign-in', { body: { email, password } }));
      if (result.secondFactorRequired) return false;
      await refresh();
      return true;
    },
    feedback,
    onSuccess: (signedIn) => {
      if (signedIn) navigate(safeNext(next), { replace: true });
      else setSecondStep(true);
    },
  });

  const submit = (event: FormEvent) => {
    event.preventDefault();
    signIn.mutate();
  };

  if (secondStep) return <SecondFactorStep next={next} onRestart={() => (setSecondStep(false), setPassword(''))} />;

  return (
    <AuthLayout
      title="Sign in"
      footer={
        <>
          New to Farmhand? <Link to={withNext('/sign-up', next)}>Create an account</Link>
        </>
      }
    >
      <SsoErrorNotice />
      <form onSubmit={submit} className="form" noValidate>
        <FeedbackNotice feedback={feedback} />
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
        <Button type="submit" variant="primary" busy={signIn.isPending} className="button-wide">
          Sign in
        </Button>
        <p className="muted">
          <Link to="/reset-password">Forgot your password?</Link>
        </p>
      </form>
      <PasskeySignIn next={next} />
      <SsoSignInSection />
    </AuthLayout>
  );
}

/** The second step of sign-in: a code from the authenticator app, one of the recovery codes, or a passkey. */
function SecondFactorStep({ next, onRestart }: { next: string | null; onRestart: () => void }) {
  const { refresh } = useSession();
  const [code, setCode] = useState('');
  const feedback = useFeedback();
  const verify = useApiMutation({
    mutationFn: async () => {
      await unwrap(client.POST('/api/auth/sign-in/second-factor', { body: { code } }));
      await refresh();
    },
    feedback,
    onSuccess: () => navigate(safeNext(next), { replace: true }),
  });
  const submit = (event: FormEvent) => {
    event.preventDefault();
    verify.mutate();
  };
  return (
    <AuthLayout
      title="Two-factor sign-in"
      footer={
        <Button variant="ghost" onClick={onRestart}>
          Start again
        </Button>
      }
    >
      <form onSubmit={submit} className="form" noValidate>
        <FeedbackNotice feedback={feedback} inline={['code']} />
        <TextInput
          label="Authentication code"
          autoComplete="one-time-code"
          inputMode="text"
          required
          hint="The 6 digits your authenticator app shows, or one of your recovery codes."
          value={code}
          error={feedback.fieldError('code')}
          onChange={(e) => setCode(e.target.value)}
        />
        <Button type="submit" variant="primary" busy={verify.isPending || verify.isSuccess} className="button-wide">
          Verify
        </Button>
      </form>
      <PasskeySecondFactor next={next} />
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
  const feedback = useFeedback();
  const fieldError = feedback.fieldError;
  const [checkEmail, setCheckEmail] = useState(false);
  // Sign-up answers the same for every address (it tells nobody which have accounts); signing in with the password
  // just chosen then works for a new account, and the page says "check your email" otherwise.
  const signUp = useApiMutation({
    mutationFn: async () => {
      const organization = createOrganization && organizationName.trim();
      await unwrap(
        client.POST('/api/auth/sign-up', {
          body: { email, password, displayName, ...(organization ? { organizationName: organization } : {}) },
        }),
      );
      const signedIn = await client.POST('/api/auth/sign-in', { body: { email, password } });
      if (!signedIn.data?.user) return { signedIn: false, orgId: null };
      await refresh();
      // The organization asked for (made at sign-up when no email verification is required): its fleets page next.
      const organizations = organization ? await client.GET('/api/orgs') : undefined;
      const created = organizations?.data?.find(
        (candidate) => candidate.name === organization && candidate.role === 'owner',
      );
      return { signedIn: true, orgId: created?.id ?? null };
    },
    feedback,
    onSuccess: (result) => {
      if (!result.signedIn) setCheckEmail(true);
      else navigate(safeNext(next, result.orgId ? `/orgs/${result.orgId}/fleets` : '/'), { replace: true });
    },
  });

  if (checkEmail)
    return (
      <AuthLayout title="Check your email" footer={<Link to={withNext('/sign-in', next)}>Sign in</Link>}>
        <p>
          If {email} can be used for a new account, you can sign in now; if it already has one, we sent it a mail with
          what to do next.
        </p>
      </AuthLayout>
    );

  const submit = (event: FormEvent) => {
    event.preventDefault();
    signUp.mutate();
  };

  return (
    <AuthLayout
      title="Create your account"
      footer={
        <>
          Already have an account? <Link to={withNext('/sign-in', next)}>Sign in</Link>
        </>
      }
    >
      <form onSubmit={submit} className="form" noValidate>
        <FeedbackNotice feedback={feedback} inline={['displayName', 'email', 'password', 'organizationName']} />
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
        <Button type="submit" variant="primary" busy={signUp.isPending || signUp.isSuccess} className="button-wide">
          Create account
        </Button>
      </form>
    </AuthLayout>
  );
}

/** Asks for a reset link; the answer is the same whether or not the address has an account. */
export function RequestResetPage() {
  const [email, setEmail] = useState('');
  const [sent, setSent] = useState(false);
  const feedback = useFeedback();
  const request = useApiMutation({
    mutationFn: () => unwrap(client.POST('/api/auth/password-reset/request', { body: { email } })),
    feedback,
    onSuccess: () => setSent(true),
  });
  const submit = (event: FormEvent) => {
    event.preventDefault();
    request.mutate();
  };
  return (
    <AuthLayout title="Reset your password" footer={<Link to="/sign-in">Back to sign in</Link>}>
      {sent ? (
        <p role="status">
          Check your email: if {email} has an account, a link to choose a new password is on its way. It works once, for
          a short while. No mail set up on this server? Ask an owner of your organization for a reset link.
        </p>
      ) : (
        <form onSubmit={submit} className="form" noValidate>
          <FeedbackNotice feedback={feedback} inline={['email']} />
          <TextInput
            label="Email"
            type="email"
            autoComplete="email"
            required
            value={email}
            error={feedback.fieldError('email')}
            onChange={(e) => setEmail(e.target.value)}
          />
          <Button type="submit" variant="primary" busy={request.isPending} className="button-wide">
            Send a reset link
          </Button>
        </form>
      )}
    </AuthLayout>
  );
}

/** The token of a mailed link sits in the fragment (`#token=…`): it never reaches a server log or a Referer. */
function tokenFromFragment(): string {
  return new URLSearchParams(window.location.hash.slice(1)).get('token') ?? '';
}

export function ResetPasswordPage() {
  const [token] = useState(tokenFromFragment);
  const [password, setPassword] = useState('');
  const [done, setDone] = useState(false);
  const feedback = useFeedback();
  const reset = useApiMutation({
    mutationFn: () => unwrap(client.POST('/api/auth/password-reset', { body: { token, newPassword: password } })),
    feedback,
    onSuccess: () => setDone(true),
  });
  const submit = (event: FormEvent) => {
    event.preventDefault();
    reset.mutate();
  };
  return (
    <AuthLayout title="Choose a new password" footer={<Link to="/sign-in">Sign in</Link>}>
      {done ? (
        <p role="status">Your password is changed and every session of your account is signed out. Sign in again.</p>
      ) : (
        <form onSubmit={submit} className="form" noValidate>
          <FeedbackNotice feedback={feedback} inline={['newPassword', 'token']} />
          <TextInput
            label="New password"
            type="password"
            autoComplete="new-password"
            required
            minLength={12}
            hint="At least 12 characters and hard to guess."
            value={password}
            error={feedback.fieldError('newPassword', 'password', 'token')}
            onChange={(e) => setPassword(e.target.value)}
          />
          <Button type="submit" variant="primary" busy={reset.isPending} className="button-wide" disabled={!token}>
            Set the new password
          </Button>
        </form>
      )}
    </AuthLayout>
  );
}

export function VerifyEmailPage() {
  const [token] = useState(tokenFromFragment);
  const feedback = useFeedback();
  const verify = useApiMutation({
    mutationFn: () => unwrap(client.POST('/api/auth/verify-email', { body: { token } })),
    feedback,
  });
  return (
    <AuthLayout title="Confirm your email" footer={<Link to="/">Continue to Farmhand</Link>}>
      <FeedbackNotice feedback={feedback} />
      {verify.isSuccess ? (
        <p role="status">Your email address is confirmed. You can now create or join an organization.</p>
      ) : (
        <Button variant="primary" busy={verify.isPending} disabled={!token} onClick={() => verify.mutate()}>
          Confirm my email address
        </Button>
      )}
    </AuthLayout>
  );
}
