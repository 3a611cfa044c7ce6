import { useState, type FormEvent } from 'react';
import { FeedbackNotice, useFeedback } from '../../components/feedback';
import { Button, Section, TextInput } from '../../components/ui';
import { useChangePassword } from './account.queries';

/** A new password needs the current one; every other session of the account is signed out. */
export function PasswordSection() {
  const feedback = useFeedback();
  const [current, setCurrent] = useState('');
  const [next, setNext] = useState('');
  const [repeat, setRepeat] = useState('');
  const change = useChangePassword(feedback, () => {
    setCurrent('');
    setNext('');
    setRepeat('');
  });
  const mismatch = repeat.length > 0 && repeat !== next;
  const submit = (event: FormEvent) => {
    event.preventDefault();
    if (mismatch) return;
    change.mutate({ currentPassword: current, newPassword: next });
  };
  return (
    <Section title="Password">
      <form className="form form-narrow" onSubmit={submit}>
        <FeedbackNotice feedback={feedback} inline={['currentPassword', 'newPassword']} />
        <TextInput
          label="Current password"
          type="password"
          autoComplete="current-password"
          value={current}
          required
          onChange={(event) => setCurrent(event.target.value)}
          error={feedback.fieldError('currentPassword')}
        />
        <TextInput
          label="New password"
          type="password"
          autoComplete="new-password"
          value={next}
          required
          hint="At least 12 characters and hard to guess: a few unrelated words work well."
          onChange={(event) => setNext(event.target.value)}
          error={feedback.fieldError('newPassword', 'password')}
        />
        <TextInput
          label="Repeat the new password"
          type="password"
          autoComplete="new-password"
          value={repeat}
          required
          onChange={(event) => setRepeat(event.target.value)}
          error={mismatch ? 'The two new passwords differ' : null}
        />
        <div>
          <Button type="submit" variant="primary" busy={change.isPending} disabled={!current || !next || mismatch}>
            Change password
          </Button>
        </div>
      </form>
    </Section>
  );
}
