import { useState } from 'react';
import { FeedbackNotice, useFeedback } from '../../components/feedback';
import { QueryState } from '../../components/query-state';
import { Button, ConfirmDialog, EmptyState, PageHeader, Section } from '../../components/ui';
import { formatAgo } from '../../lib/format';
import { useOrg } from '../../lib/session';
import type { NotificationChannelView } from '../../lib/api/views';
import { BedWaitingSettings } from './bed-waiting-form';
import { ChannelDeliveriesDialog } from './channel-deliveries-dialog';
import { useChannelAction, useChannels, type ChannelAction } from './channels.queries';
import { CreateChannelForm, KIND_LABELS } from './create-channel-form';

/** The organization's notification channels; only whole-organization admins reach this page (`NotificationChannel`). */
export function NotificationsPage() {
  const { ability } = useOrg();
  const channels = useChannels();
  const feedback = useFeedback();
  const [deleting, setDeleting] = useState<NotificationChannelView | null>(null);
  const [showing, setShowing] = useState<NotificationChannelView | null>(null);
  const act = useChannelAction(feedback);
  const mayManage = ability.can('update', 'NotificationChannel');
  const busy = (channel: NotificationChannelView, ...actions: ChannelAction[]) =>
    act.isPending && act.variables?.channel.id === channel.id && actions.includes(act.variables.action);

  return (
    <div className="page">
      <PageHeader
        title="Notifications"
        subtitle="Slack, Discord, Telegram, ntfy and mail channels that hear about alerts and prints."
      />
      <FeedbackNotice feedback={feedback} />
      {ability.can('create', 'NotificationChannel') && (
        <Section title="Add a channel">
          <CreateChannelForm />
        </Section>
      )}
      <Section title="Bed waiting">
        <BedWaitingSettings mayManage={mayManage} feedback={feedback} />
      </Section>
      <Section title="Channels">
        <QueryState query={channels}>
          {({ items }) =>
            items.length === 0 ? (
              <EmptyState title="No notification channels" />
            ) : (
              <div className="table-wrap">
                <table className="table table-dense">
                  <thead>
                    <tr>
                      <th scope="col">Channel</th>
                      <th scope="col">Events</th>
                      <th scope="col">Enabled</th>
                      <th scope="col">Last delivery</th>
                      <th scope="col">
                        <span className="visually-hidden">Actions</span>
                      </th>
                    </tr>
                  </thead>
                  <tbody>
                    {items.map((channel) => (
                      <tr key={channel.id}>
                        <td>
                          <div className="strong">
                            {channel.name} <span className="muted small">{KIND_LABELS[channel.kind]}</span>
                          </div>
                          <div className="muted small">{channel.target}</div>
                        </td>
                        <td className="small">{channel.events.join(', ')}</td>
                        <td>
                          <span className={`status ${channel.enabled ? 'status-ok' : 'status-muted'}`}>
                            {channel.enabled ? 'On' : 'Off'}
                          </span>
                        </td>
                        <td>
                          {channel.lastStatus ? (
                            <span
                              className={`status ${channel.lastStatus === 'delivered' ? 'status-ok' : 'status-bad'}`}
                            >
                              {channel.lastStatus}
                            </span>
                          ) : (
                            <span className="muted">never</span>
                          )}{' '}
                          {channel.lastDeliveryAt && (
                            <span className="muted small">{formatAgo(channel.lastDeliveryAt)}</span>
                          )}
                        </td>
                        <td className="row-actions">
                          <Button variant="ghost" onClick={() => setShowing(channel)}>
                            Deliveries
                          </Button>
                          {mayManage && (
                            <>
                              <Button
                                busy={busy(channel, 'enable', 'disable')}
                                onClick={() => act.mutate({ channel, action: channel.enabled ? 'disable' : 'enable' })}
                              >
                                {channel.enabled ? 'Disable' : 'Enable'}
                              </Button>
                              <Button
                                busy={busy(channel, 'test')}
                                onClick={() => act.mutate({ channel, action: 'test' })}
                              >
                                Send test
                              </Button>
                              <Button variant="danger" onClick={() => setDeleting(channel)}>
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
      {showing && <ChannelDeliveriesDialog channel={showing} onClose={() => setShowing(null)} />}
      <ConfirmDialog
        open={deleting !== null}
        title={deleting ? `Delete the channel ${deleting.name}?` : ''}
        confirmLabel="Delete channel"
        tone="danger"
        onConfirm={() => {
          const channel = deleting!;
          setDeleting(null);
          act.mutate({ channel, action: 'delete' });
        }}
        onCancel={() => setDeleting(null)}
      >
        Nothing more is sent to it; its stored credentials and delivery log go too.
      </ConfirmDialog>
    </div>
  );
}
