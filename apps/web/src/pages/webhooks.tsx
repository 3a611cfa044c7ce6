import { useState, type FormEvent } from 'react';
import {
  Button,
  ConfirmDialog,
  Dialog,
  EmptyState,
  Notice,
  PageHeader,
  SecretOnce,
  Section,
  Spinner,
  TextInput,
} from '../components/ui';
import { api, ApiError, messageOf, query } from '../lib/api';
import { formatAgo, formatDate } from '../lib/format';
import { useOrg } from '../lib/session';
import { WEBHOOK_EVENTS, type WebhookDelivery, type WebhookView } from '../lib/types';
import { useResource } from '../lib/use-resource';

const EVENT_LABELS: Record<(typeof WEBHOOK_EVENTS)[number], string> = {
  'alert.raised': 'Failure alert raised',
  'print.paused_by_detector': 'Print paused by the detector',
  'print.done': 'Print done',
  'print.failed': 'Print failed',
  'printer.offline': 'Printer went offline',
  'webhook.test': 'Test event',
};

function CreateWebhookForm({ onCreated }: { onCreated: (secret: string) => void }) {
  const { org } = useOrg();
  const [draft, setDraft] = useState({
    url: '',
    description: '',
    events: ['alert.raised', 'print.failed'] as string[],
  });
  const [error, setError] = useState<{ message: string; field?: string } | null>(null);
  const [busy, setBusy] = useState(false);
  const fieldError = (field: string) => (error?.field === field ? error.message : null);

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setBusy(true);
    setError(null);
    try {
      const created = await api.post<WebhookView & { secret: string }>(`/api/orgs/${org.id}/webhooks`, {
        url: draft.url.trim(),
        events: draft.events,
        ...(draft.description.trim() ? { description: draft.description.trim() } : {}),
      });
      setDraft({ url: '', description: '', events: draft.events });
      onCreated(created.secret);
    } catch (failure) {
      setError({ message: messageOf(failure), field: failure instanceof ApiError ? failure.field : undefined });
    } finally {
      setBusy(false);
    }
  };

  return (
    <form className="form" onSubmit={(event) => void submit(event)} noValidate>
      {error && !error.field && <Notice tone="error">{error.message}</Notice>}
      <div className="form-grid form-grid-3">
        <TextInput
          label="Endpoint URL"
          type="url"
          placeholder="https://example.com/farmhand"
          value={draft.url}
          onChange={(event) => setDraft((current) => ({ ...current, url: event.target.value }))}
          error={fieldError('url')}
        />
        <TextInput
          label="Description (optional)"
          value={draft.description}
          onChange={(event) => setDraft((current) => ({ ...current, description: event.target.value }))}
          error={fieldError('description')}
        />
      </div>
      <fieldset className="fieldset">
        <legend>Events</legend>
        {fieldError('events') && <p className="field-error">{fieldError('events')}</p>}
        <div className="checkbox-grid">
          {WEBHOOK_EVENTS.filter((name) => name !== 'webhook.test').map((name) => (
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
              {EVENT_LABELS[name]} <span className="mono small muted">{name}</span>
            </label>
          ))}
        </div>
      </fieldset>
      <div>
        <Button type="submit" variant="primary" busy={busy} disabled={!draft.url.trim() || !draft.events.length}>
          Add webhook
        </Button>
      </div>
    </form>
  );
}

function DeliveriesDialog({ webhook, onClose }: { webhook: WebhookView; onClose: () => void }) {
  const { org } = useOrg();
  const deliveries = useResource(`deliveries:${webhook.id}`, () =>
    api.get<{ items: WebhookDelivery[] }>(
      `/api/orgs/${org.id}/webhooks/${webhook.id}/deliveries${query({ limit: 50 })}`,
    ),
  );
  return (
    <Dialog
      title={`Deliveries to ${webhook.url}`}
      open
      wide
      onClose={onClose}
      footer={
        <>
          <Button onClick={() => void deliveries.reload()}>Refresh</Button>
          <Button variant="primary" onClick={onClose}>
            Close
          </Button>
        </>
      }
    >
      {deliveries.error && <Notice tone="error">{deliveries.error}</Notice>}
      {!deliveries.data ? (
        !deliveries.error && <Spinner />
      ) : deliveries.data.items.length === 0 ? (
        <p className="muted">Nothing was sent yet.</p>
      ) : (
        <div className="table-wrap">
          <table className="table table-dense">
            <thead>
              <tr>
                <th scope="col">Event</th>
                <th scope="col">Status</th>
                <th scope="col">Attempts</th>
                <th scope="col">Response</th>
                <th scope="col">Queued</th>
              </tr>
            </thead>
            <tbody>
              {deliveries.data.items.map((delivery) => (
                <tr key={delivery.id}>
                  <td className="mono">{delivery.event}</td>
                  <td>
                    <span
                      className={`status ${delivery.status === 'delivered' ? 'status-ok' : delivery.status === 'failed' ? 'status-bad' : 'status-muted'}`}
                    >
                      {delivery.status}
                    </span>
                  </td>
                  <td className="numeric">{delivery.attempts}</td>
                  <td>
                    {delivery.responseStatus ?? '—'}
                    {delivery.error && <div className="small text-bad">{delivery.error}</div>}
                  </td>
                  <td title={formatDate(delivery.createdAt)}>{formatAgo(delivery.createdAt)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </Dialog>
  );
}

export function WebhooksPage() {
  const { org, ability } = useOrg();
  const webhooks = useResource(`webhooks:${org.id}`, () =>
    api.get<{ items: WebhookView[] }>(`/api/orgs/${org.id}/webhooks`),
  );
  const [secret, setSecret] = useState<{ label: string; value: string } | null>(null);
  const [message, setMessage] = useState<{ tone: 'success' | 'error'; text: string } | null>(null);
  const [deleting, setDeleting] = useState<WebhookView | null>(null);
  const [showing, setShowing] = useState<WebhookView | null>(null);
  const [busy, setBusy] = useState<string | null>(null);
  const mayManage = ability.can('update', 'Webhook');

  const act = async (webhook: WebhookView, label: string, call: () => Promise<unknown>, done: string) => {
    setBusy(webhook.id + label);
    setMessage(null);
    try {
      await call();
      setMessage({ tone: 'success', text: done });
      await webhooks.reload();
    } catch (failure) {
      setMessage({ tone: 'error', text: messageOf(failure) });
    } finally {
      setBusy(null);
    }
  };
  const base = `/api/orgs/${org.id}/webhooks`;

  return (
    <div className="page">
      <PageHeader
        title="Webhooks"
        subtitle="Farmhand POSTs signed JSON to these URLs when alerts are raised and prints end."
      />
      {message && <Notice tone={message.tone}>{message.text}</Notice>}
      {secret && (
        <Notice tone="success">
          <SecretOnce
            label={secret.label}
            value={secret.value}
            note="Shown only now. Your endpoint checks each request's signature with it."
          />
        </Notice>
      )}
      {ability.can('create', 'Webhook') && (
        <Section title="Add a webhook">
          <CreateWebhookForm
            onCreated={(value) => {
              setSecret({ label: 'Signing secret of the new webhook', value });
              void webhooks.reload();
            }}
          />
        </Section>
      )}
      <Section title="Webhooks">
        {webhooks.error && <Notice tone="error">{webhooks.error}</Notice>}
        {!webhooks.data ? (
          !webhooks.error && <Spinner />
        ) : webhooks.data.items.length === 0 ? (
          <EmptyState title="No webhooks" />
        ) : (
          <div className="table-wrap">
            <table className="table table-dense">
              <thead>
                <tr>
                  <th scope="col">Endpoint</th>
                  <th scope="col">Events</th>
                  <th scope="col">Enabled</th>
                  <th scope="col">Last delivery</th>
                  <th scope="col">
                    <span className="visually-hidden">Actions</span>
                  </th>
                </tr>
              </thead>
              <tbody>
                {webhooks.data.items.map((webhook) => (
                  <tr key={webhook.id}>
                    <td>
                      <div className="mono strong">{webhook.url}</div>
                      {webhook.description && <div className="muted small">{webhook.description}</div>}
                    </td>
                    <td className="small">{webhook.events.join(', ')}</td>
                    <td>
                      <span className={`status ${webhook.enabled ? 'status-ok' : 'status-muted'}`}>
                        {webhook.enabled ? 'On' : 'Off'}
                      </span>
                    </td>
                    <td>
                      {webhook.lastStatus ? (
                        <span className={`status ${webhook.lastStatus === 'delivered' ? 'status-ok' : 'status-bad'}`}>
                          {webhook.lastStatus}
                        </span>
                      ) : (
                        <span className="muted">never</span>
                      )}{' '}
                      {webhook.lastDeliveryAt && (
                        <span className="muted small">{formatAgo(webhook.lastDeliveryAt)}</span>
                      )}
                    </td>
                    <td className="row-actions">
                      <Button variant="ghost" onClick={() => setShowing(webhook)}>
                        Deliveries
                      </Button>
                      {mayManage && (
                        <>
                          <Button
                            busy={busy === webhook.id + 'enable'}
                            onClick={() =>
                              void act(
                                webhook,
                                'enable',
                                () => api.patch(`${base}/${webhook.id}`, { enabled: !webhook.enabled }),
                                `${webhook.url} ${webhook.enabled ? 'disabled' : 'enabled'}`,
                              )
                            }
                          >
                            {webhook.enabled ? 'Disable' : 'Enable'}
                          </Button>
                          <Button
                            busy={busy === webhook.id + 'test'}
                            onClick={() =>
                              void act(
                                webhook,
                                'test',
                                () => api.post(`${base}/${webhook.id}/test`),
                                `A test event is on its way to ${webhook.url}`,
                              )
                            }
                          >
                            Send test
                          </Button>
                          <Button
                            busy={busy === webhook.id + 'rotate'}
                            onClick={() =>
                              void act(
                                webhook,
                                'rotate',
                                async () => {
                                  const rotated = await api.post<{ secret: string }>(
                                    `${base}/${webhook.id}/rotate-secret`,
                                  );
                                  setSecret({ label: `New signing secret of ${webhook.url}`, value: rotated.secret });
                                },
                                'Secret rotated',
                              )
                            }
                          >
                            Rotate secret
                          </Button>
                          <Button variant="danger" onClick={() => setDeleting(webhook)}>
                            Delete
                          </Button>
                        </>
                      )}
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        )}
      </Section>
      {showing && <DeliveriesDialog webhook={showing} onClose={() => setShowing(null)} />}
      <ConfirmDialog
        open={deleting !== null}
        title={deleting ? `Delete the webhook to ${deleting.url}?` : ''}
        confirmLabel="Delete webhook"
        tone="danger"
        busy={busy !== null}
        onConfirm={() => {
          const webhook = deleting!;
          setDeleting(null);
          void act(
            webhook,
            'delete',
            () => api.delete(`${base}/${webhook.id}`),
            `Deleted the webhook to ${webhook.url}`,
          );
        }}
        onCancel={() => setDeleting(null)}
      >
        Nothing more is sent to it; its delivery log goes too.
      </ConfirmDialog>
    </div>
  );
}
