import { startAuthentication, type PublicKeyCredentialRequestOptionsJSON } from '@simplewebauthn/browser';
import { FeedbackNotice, useFeedback } from '../../components/feedback';
import { Button } from '../../components/ui';
import { client, unwrap } from '../../lib/api';
import { useApiMutation } from '../../lib/mutations';
import { navigate, safeNext } from '../../lib/router';
import { useSession } from '../../lib/session';

type Assertion = Record<string, never>;

async function assertion(options: unknown): Promise<Assertion> {
  const response = await startAuthentication({ optionsJSON: options as PublicKeyCredentialRequestOptionsJSON });
  return response as unknown as Assertion;
}

/** "Sign in with a passkey": no email typed; the browser offers the passkeys it has for this site. */
export function PasskeySignIn({ next }: { next: string | null }) {
  const { refresh } = useSession();
  const feedback = useFeedback();
  const signIn = useApiMutation({
    mutationFn: async () => {
      const options = await unwrap(client.POST('/api/auth/sign-in/passkey/options'));
      const response = await assertion(options);
      await unwrap(client.POST('/api/auth/sign-in/passkey', { body: { response } }));
      await refresh();
    },
    feedback,
    onSuccess: () => navigate(safeNext(next), { replace: true }),
  });
  return (
    <div className="form">
      <FeedbackNotice feedback={feedback} />
      <p className="muted">Or sign in with a passkey: no email or password to type.</p>
      {/* Not "Sign in …": the password form's button keeps that name to itself. */}
      <Button busy={signIn.isPending || signIn.isSuccess} className="button-wide" onClick={() => signIn.mutate()}>
        Use a passkey
      </Button>
    </div>
  );
}

/** The second step of a password sign-in answered with one of the account's passkeys. */
export function PasskeySecondFactor({ next }: { next: string | null }) {
  const { refresh } = useSession();
  const feedback = useFeedback();
  const verify = useApiMutation({
    mutationFn: async () => {
      const options = await unwrap(client.POST('/api/auth/sign-in/second-factor/passkey-options'));
      const response = await assertion(options);
      await unwrap(client.POST('/api/auth/sign-in/second-factor/passkey', { body: { response } }));
      await refresh();
    },
    feedback,
    onSuccess: () => navigate(safeNext(next), { replace: true }),
  });
  return (
    <div className="form">
      <FeedbackNotice feedback={feedback} />
      <Button busy={verify.isPending || verify.isSuccess} className="button-wide" onClick={() => verify.mutate()}>
        Use a passkey
      </Button>
    </div>
  );
}
