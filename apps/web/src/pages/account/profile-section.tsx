import { useState, type FormEvent } from 'react';
import { FeedbackNotice, useFeedback } from '../../components/feedback';
import { Button, Section, TextInput } from '../../components/ui';
import { useUpdateProfile } from './account.queries';

/** The name others see in the team list and the audit log. */
export function ProfileSection({ email, displayName }: { email: string; displayName: string }) {
  const feedback = useFeedback();
  const [name, setName] = useState(displayName);
  const save = useUpdateProfile(feedback);
  const submit = (event: FormEvent) => {
    event.preventDefault();
    save.mutate(name);
  };
  return (
    <Section title="Profile">
      <form className="form form-narrow" onSubmit={submit}>
        <FeedbackNotice feedback={feedback} inline={['displayName']} />
        <TextInput label="Email" value={email} readOnly hint="Your sign-in address; it cannot be changed here." />
        <TextInput
          label="Display name"
          value={name}
          maxLength={100}
          required
          onChange={(event) => setName(event.target.value)}
          error={feedback.fieldError('displayName')}
        />
        <div>
          <Button type="submit" variant="primary" busy={save.isPending} disabled={!name.trim()}>
            Save name
          </Button>
        </div>
      </form>
    </Section>
  );
}
