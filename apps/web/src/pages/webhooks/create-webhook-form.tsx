import { useState, type FormEvent } from 'react';
import { FeedbackNotice, useFeedback } from '../../components/feedback';
import { Button, TextInput } from '../../components/ui';
import type { WebhookEvent } from '../../lib/api/views';
import { EVENT_LABELS } from '../../lib/event-labels';
import { useCreateWebhook } from './webhooks.queries';

export function CreateWebhookForm({ onCreated }: { onCreated: (secret: string) => void }) {
  const feedback = useFeedback();
  const [draft, setDraft] = useState({
    url: '',
    description: '',
    events: ['alert.raised', 'print.failed'] as WebhookEvent[],
  });
  const create = useCreateWebhook(feedback, (secret) => {
    setDraft((current) => ({ url: '', description: '', events: current.events }));
    onCreated(secret);
  });

  const submit = (event: FormEvent) => {
    event.preventDefault();
    create.mutate({
      url: draft.url.trim(),
      events: draft.events,
      ...(draft.description.trim() ? { description: draft.description.trim() } : {}),
    });
  };

  return (
    <form className="form" onSubmit={submit} noValidate>
      <FeedbackNotice feedback={feedback} inline={['url', 'description', 'events']} />
      <div className="form-grid">
        <TextInput
          label="Endpoint URL"
          type="url"
          placeholder="https://example.com/farmhand"
          value={draft.url}
          onChange={(event) => setDraft((current) => ({ ...current, url: event.target.value }))}
          error={feedback.fieldError('url')}
        />
        <TextInput
          label="Description (optional)"
          value={draft.description}
          onChange={(event) => setDraft((current) => ({ ...current, description: event.target.value }))}
          error={feedback.fieldError('description')}
        />
      </div>
      <fieldset className="fieldset">
        <legend>Events</legend>
        {feedback.fieldError('events') && <p className="field-error">{feedback.fieldError('events')}</p>}
        <div className="checkbox-grid checkbox-grid-wide">
          {(Object.keys(EVENT_LABELS) as WebhookEvent[]).map((name) => (
            <label key={name} className="checkbox">
              <input
                type="checkbox"
                checked={draft.events.includes(name)}
                onChange={(event) =>
                  setDraft((current) => ({
                    ...current,
                    events: event.target.checked
                      ? [...current.events, name]
                      : current.events.filter((candidate) => candidate !== name),
                  }))
                }
              />
              {EVENT_LABELS[name]}
              <span className="mono small muted checkbox-code">{name}</span>
            </label>
          ))}
        </div>
      </fieldset>
      <div>
        <Button
          type="submit"
          variant="primary"
          busy={create.isPending}
          disabled={!draft.url.trim() || !draft.events.length}
        >
          Add webhook
        </Button>
      </div>
    </form>
  );
}
