import { useState } from 'react';
import { FeedbackNotice, useFeedback } from '../../components/feedback';
import { QueryState } from '../../components/query-state';
import { Button, ConfirmDialog, EmptyState, Notice, PageHeader, SecretOnce, Section } from '../../components/ui';
import { formatAgo } from '../../lib/format';
import { useOrg } from '../../lib/session';
import type { WebhookView } from '../../lib/api/views';
import { CreateWebhookForm } from './create-webhook-form';
import { DeliveriesDialog } from './deliveries-dialog';
import { useWebhookAction, useWebhooks, type WebhookAction } from './webhooks.queries';

export function WebhooksPage() {
  const { ability } = useOrg();
  const webhooks = useWebhooks();
  const feedback = useFeedback();
  const [secret, setSecret] = useState<{ label: string; value: string } | null>(null);
  const [deleting, setDeleting] = useState<WebhookView | null>(null);
  const [showing, setShowing] = useState<WebhookView | null>(null);
  const act = useWebhookAction(feedback, (label, value) => setSecret({ label, value }));
  const mayManage = ability.can('update', 'Webhook');
  const busy = (webhook: WebhookView, ...actions: WebhookAction[]) =>
    act.isPending && act.variables?.webhook.id === webhook.id && actions.includes(act.variables.action);

  return (
    <div className="page">
      <PageHeader
        title="Webhooks"
        subtitle="Farmhand POSTs signed JSON to these URLs when alerts are raised and prints end."
      />
      <FeedbackNotice feedback={feedback} />
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
          <CreateWebhookForm onCreated={(value) => setSecret({ label: 'Signing secret of the new webhook', value })} />
        </Section>
      )}
      <Section title="Webhooks">
        <QueryState query={webhooks}>
          {({ items }) =>
            items.length === 0 ? (
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
                    {items.map((webhook) => (
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
                            <span
                              className={`status ${webhook.lastStatus === 'delivered' ? 'status-ok' : 'status-bad'}`}
                            >
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
                                busy={busy(webhook, 'enable', 'disable')}
                                onClick={() => act.mutate({ webhook, action: webhook.enabled ? 'disable' : 'enable' })}
                              >
                                {webhook.enabled ? 'Disable' : 'Enable'}
                              </Button>
                              <Button
                                busy={busy(webhook, 'test')}
                                onClick={() => act.mutate({ webhook, action: 'test' })}
                              >
                                Send test
                              </Button>
                              <Button
                                busy={busy(webhook, 'rotate')}
                                onClick={() => act.mutate({ webhook, action: 'rotate' })}
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
            )
          }
        </QueryState>
      </Section>
      {showing && <DeliveriesDialog webhook={showing} onClose={() => setShowing(null)} />}
      <ConfirmDialog
        open={deleting !== null}
        title={deleting ? `Delete the webhook to ${deleting.url}?` : ''}
        confirmLabel="Delete webhook"
        tone="danger"
        onConfirm={() => {
          const webhook = deleting!;
          setDeleting(null);
          act.mutate({ webhook, action: 'delete' });
        }}
        onCancel={() => setDeleting(null)}
      >
        Nothing more is sent to it; its delivery log goes too.
      </ConfirmDialog>
    </div>
  );
}
