import { useState, type FormEvent } from 'react';
import { FeedbackNotice, useFeedback } from '../../components/feedback';
import { QueryState } from '../../components/query-state';
import { Button, Section, TextInput } from '../../components/ui';
import { usePasskeys, useAddPasskey, useRemovePasskey } from './account.queries';

function AddPasskey() {
  const feedback = useFeedback();
  const [name, setName] = useState('');
  const [password, setPassword] = useState('');
  const add = useAddPasskey(feedback, () => {
    setName('');
    setPassword('');
  });
  const submit = (event: FormEvent) => {
    event.preventDefault();
    add.mutate({ name, password });
  };
  return (
    <form className="form form-narrow" onSubmit={submit} aria-label="Add a passkey">
      <FeedbackNotice feedback={feedback} inline={['name', 'password']} />
      <TextInput
        label="Passkey name"
        required
        maxLength={100}
        value={name}
        error={feedback.fieldError('name')}
        onChange={(event) => setName(event.target.value)}
      />
      <TextInput
        label="Your password (to add it)"
        type="password"
        autoComplete="current-password"
        required
        value={password}
        error={feedback.fieldError('password')}
        onChange={(event) => setPassword(event.target.value)}
      />
      <div>
        <Button type="submit" variant="primary" busy={add.isPending}>
          Add a passkey
        </Button>
      </div>
    </form>
  );
}

/** Passkeys: a second factor after the password, and a way to sign in without one ("Sign in with a passkey"). */
export function PasskeysSection() {
  const passkeys = usePasskeys();
  const feedback = useFeedback();
  const remove = useRemovePasskey(feedback);
  const [password, setPassword] = useState('');
  return (
    <Section title="Passkeys" anchor="passkeys">
      <p className="muted">
        A passkey signs you in with your device&apos;s screen lock or a security key, and only on this site.
      </p>
      <QueryState query={passkeys}>
        {(list) =>
          list.length === 0 ? (
            <p>No passkeys yet.</p>
          ) : (
            <>
              <FeedbackNotice feedback={feedback} inline={['password']} />
              <ul className="plain-list" aria-label="Your passkeys">
                {list.map((passkey) => (
                  <li key={passkey.id}>
                    <strong>{passkey.name}</strong>{' '}
                    <span className="muted">
                      added {new Date(passkey.createdAt).toLocaleDateString()}
                      {passkey.lastUsedAt ? `, last used ${new Date(passkey.lastUsedAt).toLocaleString()}` : ''}
                    </span>{' '}
                    <Button
                      variant="danger"
                      busy={remove.isPending && remove.variables?.passkeyId === passkey.id}
                      disabled={!password}
                      aria-label={`Remove passkey ${passkey.name}`}
                      onClick={() => remove.mutate({ passkeyId: passkey.id, password })}
                    >
                      Remove
                    </Button>
                  </li>
                ))}
              </ul>
              <TextInput
                label="Your password (to remove a passkey)"
                type="password"
                autoComplete="current-password"
                value={password}
                error={feedback.fieldError('password')}
                onChange={(event) => setPassword(event.target.value)}
              />
            </>
          )
        }
      </QueryState>
      <AddPasskey />
    </Section>
  );
}
