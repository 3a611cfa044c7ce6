import { useState, type FormEvent } from 'react';
import { FeedbackNotice, useFeedback } from '../../components/feedback';
import { Button, SelectInput, TextInput } from '../../components/ui';
import type { NotificationChannelKind, WebhookEvent } from '../../lib/api/views';
import { EVENT_LABELS } from '../../lib/event-labels';
import { useCreateChannel, type NewChannel } from './channels.queries';

export const KIND_LABELS: Record<NotificationChannelKind, string> = {
  slack: 'Slack',
  discord: 'Discord',
  telegram: 'Telegram',
  ntfy: 'ntfy',
  email: 'Email',
};

type Target =
  | 'webhookUrl'
  | 'botToken'
  | 'slackChannelId'
  | 'telegramChatId'
  | 'ntfyServerUrl'
  | 'ntfyTopic'
  | 'ntfyToken'
  | 'emailTo';

/** The fields each kind asks for (the server checks them again: channel-kinds.ts). */
const FIELDS: Record<
  NotificationChannelKind,
  { name: Target; label: string; placeholder: string; secret?: boolean }[]
> = {
  slack: [
    {
      name: 'webhookUrl',
      label: 'Incoming webhook URL',
      placeholder: 'https://hooks.slack.com/services/…',
      secret: true,
    },
  ],
  discord: [
    { name: 'webhookUrl', label: 'Webhook URL', placeholder: 'https://discord.com/api/webhooks/…', secret: true },
  ],
  telegram: [
    { name: 'botToken', label: 'Bot token', placeholder: '123456789:AA…', secret: true },
    { name: 'telegramChatId', label: 'Chat id', placeholder: '-1001234567890' },
  ],
  ntfy: [
    { name: 'ntfyServerUrl', label: 'Server', placeholder: 'https://ntfy.sh' },
    { name: 'ntfyTopic', label: 'Topic', placeholder: 'farm-alerts' },
    { name: 'ntfyToken', label: 'Access token (optional)', placeholder: 'tk_…', secret: true },
  ],
  email: [{ name: 'emailTo', label: 'Addresses (comma-separated)', placeholder: 'ops@example.com, lead@example.com' }],
};

export function CreateChannelForm() {
  const feedback = useFeedback();
  const [kind, setKind] = useState<NotificationChannelKind>('slack');
  const [name, setName] = useState('');
  const [values, setValues] = useState<Partial<Record<Target, string>>>({});
  const [events, setEvents] = useState<WebhookEvent[]>(['alert.raised', 'print.failed']);
  const create = useCreateChannel(feedback, () => {
    setName('');
    setValues({});
  });

  const submit = (event: FormEvent) => {
    event.preventDefault();
    const body: NewChannel = { kind, name: name.trim(), events };
    for (const field of FIELDS[kind]) {
      const value = values[field.name]?.trim();
      if (!value) continue;
      if (field.name === 'emailTo')
        body.emailTo = value
          .split(',')
          .map((address) => address.trim())
          .filter(Boolean);
      else body[field.name] = value;
    }
    create.mutate(body);
  };

  return (
    <form className="form" onSubmit={submit} noValidate>
      <FeedbackNotice feedback={feedback} inline={['name', 'events', ...FIELDS[kind].map((field) => field.name)]} />
      <div className="form-grid form-grid-3">
        <SelectInput
          label="Kind"
          value={kind}
          onChange={(event) => {
            setKind(event.target.value as NotificationChannelKind);
            setValues({});
          }}
        >
          {(Object.keys(KIND_LABELS) as NotificationChannelKind[]).map((option) => (
            <option key={option} value={option}>
              {KIND_LABELS[option]}
            </option>
          ))}
        </SelectInput>
        <TextInput
          label="Name"
          placeholder="#print-farm"
          value={name}
          onChange={(event) => setName(event.target.value)}
          error={feedback.fieldError('name')}
        />
        {FIELDS[kind].map((field) => (
          <TextInput
            key={`${kind}-${field.name}`}
            label={field.label}
            placeholder={field.placeholder}
            type={field.secret ? 'password' : 'text'}
            autoComplete="off"
            value={values[field.name] ?? ''}
            onChange={(event) => setValues((current) => ({ ...current, [field.name]: event.target.value }))}
            error={feedback.fieldError(field.name)}
          />
        ))}
      </div>
      <fieldset className="fieldset">
        <legend>Events</legend>
        {feedback.fieldError('events') && <p className="field-error">{feedback.fieldError('events')}</p>}
        <div className="checkbox-grid">
          {(Object.keys(EVENT_LABELS) as WebhookEvent[]).map((option) => (
            <label key={option} className="checkbox">
              <input
                type="checkbox"
                checked={events.includes(option)}
                onChange={(event) =>
                  setEvents((current) =>
                    event.target.checked ? [...current, option] : current.filter((candidate) => candidate !== option),
                  )
                }
              />
              {EVENT_LABELS[option]}
            </label>
          ))}
        </div>
      </fieldset>
      <p className="muted small">
        Credentials are stored encrypted and never shown again. See docs/notifications.md for how to create them.
      </p>
      <div>
        <Button type="submit" variant="primary" busy={create.isPending} disabled={!name.trim() || !events.length}>
          Add channel
        </Button>
      </div>
    </form>
  );
}
