import { useState, type FormEvent } from 'react';
import { FeedbackNotice, useFeedback } from '../../components/feedback';
import { Button, SelectInput, TextInput } from '../../components/ui';
import type { ChatPlatform, Schema } from '../../lib/api/views';
import { CommandChoices } from './command-choices';
import { useCreateChatIntegration } from './chatops.queries';

const SECRET_LABELS: Record<ChatPlatform, { label: string; hint: string }> = {
  slack: { label: 'Signing secret', hint: 'Slack app → Basic Information → App Credentials → Signing Secret' },
  discord: { label: 'Public key', hint: 'Discord developer portal → your application → General Information' },
  telegram: {
    label: 'Secret token (optional)',
    hint: 'Leave empty and Farmhand makes one; give it to setWebhook as secret_token',
  },
};

export function CreateIntegrationForm({
  onCreated,
}: {
  onCreated: (created: Schema<'CreatedChatIntegrationDto'>) => void;
}) {
  const feedback = useFeedback();
  const [draft, setDraft] = useState({
    platform: 'slack' as ChatPlatform,
    name: '',
    secret: '',
    allowedCommands: ['status', 'pause'] as Schema<'ChatCommand'>[],
  });
  const create = useCreateChatIntegration(feedback, (created) => {
    setDraft((current) => ({ ...current, name: '', secret: '' }));
    onCreated(created);
  });
  const secretRequired = draft.platform !== 'telegram';

  const submit = (event: FormEvent) => {
    event.preventDefault();
    create.mutate({
      platform: draft.platform,
      name: draft.name.trim(),
      allowedCommands: draft.allowedCommands,
      ...(draft.secret.trim() ? { secret: draft.secret.trim() } : {}),
    });
  };

  return (
    <form className="form" onSubmit={submit} noValidate>
      <FeedbackNotice feedback={feedback} inline={['name', 'secret', 'allowedCommands']} />
      <div className="form-grid form-grid-3">
        <SelectInput
          label="Platform"
          value={draft.platform}
          onChange={(event) => setDraft((current) => ({ ...current, platform: event.target.value as ChatPlatform }))}
        >
          <option value="slack">Slack</option>
          <option value="discord">Discord</option>
          <option value="telegram">Telegram</option>
        </SelectInput>
        <TextInput
          label="Name"
          placeholder="Hackerspace #printers"
          value={draft.name}
          onChange={(event) => setDraft((current) => ({ ...current, name: event.target.value }))}
          error={feedback.fieldError('name')}
        />
        <TextInput
          label={SECRET_LABELS[draft.platform].label}
          hint={SECRET_LABELS[draft.platform].hint}
          type="password"
          autoComplete="off"
          value={draft.secret}
          onChange={(event) => setDraft((current) => ({ ...current, secret: event.target.value }))}
          error={feedback.fieldError('secret')}
        />
      </div>
      <CommandChoices
        value={draft.allowedCommands}
        onChange={(allowedCommands) => setDraft((current) => ({ ...current, allowedCommands }))}
        error={feedback.fieldError('allowedCommands')}
      />
      <div>
        <Button
          type="submit"
          variant="primary"
          busy={create.isPending}
          disabled={!draft.name.trim() || (secretRequired && !draft.secret.trim())}
        >
          Add integration
        </Button>
      </div>
    </form>
  );
}
