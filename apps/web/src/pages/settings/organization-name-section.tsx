import { useState, type FormEvent } from 'react';
import { FeedbackNotice, useFeedback } from '../../components/feedback';
import { Button, Section, TextInput } from '../../components/ui';
import { useRenameOrganization } from './settings.queries';

/** The organization's name, as the switcher and invitations show it; owners and admins change it. */
export function OrganizationNameSection({ name, mayEdit }: { name: string; mayEdit: boolean }) {
  const feedback = useFeedback();
  const [draft, setDraft] = useState(name);
  const rename = useRenameOrganization(feedback);
  const submit = (event: FormEvent) => {
    event.preventDefault();
    rename.mutate(draft.trim());
  };
  return (
    <Section title="Organization">
      <form className="form form-narrow" onSubmit={submit} noValidate>
        <FeedbackNotice feedback={feedback} inline={['name']} />
        <TextInput
          label="Organization name"
          value={draft}
          maxLength={100}
          readOnly={!mayEdit}
          onChange={(event) => setDraft(event.target.value)}
          error={feedback.fieldError('name')}
        />
        {mayEdit && (
          <div>
            <Button type="submit" variant="primary" busy={rename.isPending} disabled={!draft.trim() || draft === name}>
              Save name
            </Button>
          </div>
        )}
      </form>
    </Section>
  );
}
