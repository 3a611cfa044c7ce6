import { useState, type FormEvent } from 'react';
import { FeedbackNotice, useFeedback } from '../../components/feedback';
import { QueryState } from '../../components/query-state';
import { Button, Section, TextInput } from '../../components/ui';
import {
  useConfirmTotp,
  useDisableTwoFactor,
  useNewRecoveryCodes,
  usePasskeys,
  useStartTotp,
  useTwoFactor,
} from './account.queries';

/** Recovery codes are shown once, right after they are made. */
function RecoveryCodes({ codes }: { codes: string[] }) {
  return (
    <div role="region" aria-label="Recovery codes">
      <p>
        Keep these recovery codes somewhere safe. Each one signs you in once if you lose your authenticator; they are
        not shown again.
      </p>
      <ul className="recovery-codes">
        {codes.map((code) => (
          <li key={code}>
            <code>{code}</code>
          </li>
        ))}
      </ul>
    </div>
  );
}

function Enrol({ onCodes, hasPasskey }: { onCodes: (codes: string[]) => void; hasPasskey: boolean }) {
  const feedback = useFeedback();
  const start = useStartTotp(feedback);
  const confirm = useConfirmTotp(feedback, onCodes);
  const [code, setCode] = useState('');
  const [password, setPassword] = useState('');
  const submit = (event: FormEvent) => {
    event.preventDefault();
    confirm.mutate({ code, password });
  };
  return (
    <>
      <FeedbackNotice feedback={feedback} inline={['code', 'password']} />
      <p className="muted">
        {hasPasskey
          ? 'An authenticator app is optional next to your passkey: it is a second way to answer the second factor.'
          : 'Add an authenticator app or a passkey: signing in with your password will then ask for it too.'}
      </p>
      {!start.data ? (
        <Button variant="primary" busy={start.isPending} onClick={() => start.mutate()}>
          Set up an authenticator app
        </Button>
      ) : (
        <form className="form form-narrow" onSubmit={submit}>
          <p>Scan this QR code with your authenticator app, then type the code it shows.</p>
          <img src={start.data.qrCodeDataUrl} alt="QR code for your authenticator app" width={240} height={240} />
          <p className="muted">
            Cannot scan? Type this key: <code data-testid="totp-secret">{start.data.secret}</code>
          </p>
          <TextInput
            label="Code from the app"
            autoComplete="one-time-code"
            inputMode="numeric"
            required
            value={code}
            error={feedback.fieldError('code')}
            onChange={(event) => setCode(event.target.value)}
          />
          <TextInput
            label="Your password"
            type="password"
            autoComplete="current-password"
            required
            value={password}
            error={feedback.fieldError('password')}
            onChange={(event) => setPassword(event.target.value)}
          />
          <div>
            <Button type="submit" variant="primary" busy={confirm.isPending}>
              Turn on two-factor sign-in
            </Button>
          </div>
        </form>
      )}
    </>
  );
}

function Enabled({ recoveryCodesLeft, onCodes }: { recoveryCodesLeft: number; onCodes: (codes: string[]) => void }) {
  const feedback = useFeedback();
  const disable = useDisableTwoFactor(feedback);
  const regenerate = useNewRecoveryCodes(feedback, onCodes);
  const [code, setCode] = useState('');
  const [password, setPassword] = useState('');
  return (
    <>
      <p>
        Authenticator app is on. {recoveryCodesLeft} recovery code{recoveryCodesLeft === 1 ? '' : 's'} left.
      </p>
      <FeedbackNotice feedback={feedback} inline={['code', 'password']} />
      <div className="form form-narrow">
        <TextInput
          label="Your password"
          type="password"
          autoComplete="current-password"
          value={password}
          error={feedback.fieldError('password')}
          onChange={(event) => setPassword(event.target.value)}
        />
        <Button busy={regenerate.isPending} disabled={!password} onClick={() => regenerate.mutate(password)}>
          New recovery codes
        </Button>
        <TextInput
          label="Code (to turn it off)"
          autoComplete="one-time-code"
          value={code}
          error={feedback.fieldError('code')}
          onChange={(event) => setCode(event.target.value)}
        />
        <Button
          variant="danger"
          busy={disable.isPending}
          disabled={!password || !code}
          onClick={() => disable.mutate({ code, password })}
        >
          Turn off two-factor sign-in
        </Button>
      </div>
    </>
  );
}

/**
 * Both second factors: an authenticator app (TOTP) and passkeys. Either one turns two-factor sign-in on, so a person
 * with only a passkey is not shown the authenticator setup as if they had no second factor.
 */
function Summary({ totpEnabled, passkeyCount }: { totpEnabled: boolean; passkeyCount: number }) {
  const on = totpEnabled || passkeyCount > 0;
  return (
    <dl className="two-factor-summary" aria-label="Second factors">
      <dt>Two-factor sign-in</dt>
      <dd>{on ? 'On' : 'Off'}</dd>
      <dt>Authenticator app</dt>
      <dd>{totpEnabled ? 'On' : 'Off'}</dd>
      <dt>Passkeys</dt>
      <dd>
        {passkeyCount} <a href="#passkeys">{passkeyCount > 0 ? 'Manage passkeys' : 'Add a passkey'}</a>
      </dd>
    </dl>
  );
}

export function TwoFactorSection() {
  const status = useTwoFactor();
  const passkeys = usePasskeys();
  // Held here: the section switches from enrolment to "on" as the codes arrive, and they must stay on screen.
  const [codes, setCodes] = useState<string[] | null>(null);
  return (
    <Section title="Two-factor sign-in">
      {codes && <RecoveryCodes codes={codes} />}
      <QueryState query={status}>
        {(data) => (
          <QueryState query={passkeys}>
            {(list) => (
              <>
                <Summary totpEnabled={data.totpEnabled} passkeyCount={list.length} />
                {data.totpEnabled ? (
                  <Enabled recoveryCodesLeft={data.recoveryCodesLeft} onCodes={setCodes} />
                ) : (
                  <Enrol onCodes={setCodes} hasPasskey={list.length > 0} />
                )}
              </>
            )}
          </QueryState>
        )}
      </QueryState>
    </Section>
  );
}
