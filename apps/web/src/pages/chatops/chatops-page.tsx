import { useState } from 'react';
import { FeedbackNotice, useFeedback } from '../../components/feedback';
import { QueryState } from '../../components/query-state';
import { Button, ConfirmDialog, EmptyState, Notice, PageHeader, SecretOnce, Section } from '../../components/ui';
import { useOrg } from '../../lib/session';
import type { ChatCommand, ChatIntegrationView } from '../../lib/api/views';
import { CommandChoices } from './command-choices';
import { CreateIntegrationForm } from './create-integration-form';
import { useChatIntegrations, useDeleteChatIntegration, useUpdateChatIntegration } from './chatops.queries';

const PLATFORM_NAMES = { slack: 'Slack', discord: 'Discord', telegram: 'Telegram' } as const;
const URL_HINTS = {
  slack: 'Paste as the Request URL of the slash command and of Interactivity.',
  discord: 'Paste as the Interactions Endpoint URL of the application.',
  telegram: 'Give to setWebhook as url, with the secret_token.',
} as const;

/** Owners and admins: where Slack, Discord and Telegram send commands, and which commands each channel may run. */
export function ChatopsPage() {
  const { ability } = useOrg();
  const integrations = useChatIntegrations();
  const feedback = useFeedback();
  const [secret, setSecret] = useState<string | null>(null);
  const [deleting, setDeleting] = useState<ChatIntegrationView | null>(null);
  const [editing, setEditing] = useState<{ id: string; commands: ChatCommand[] } | null>(null);
  const update = useUpdateChatIntegration(feedback);
  const remove = useDeleteChatIntegration(feedback);
  const mayManage = ability.can('update', 'ChatIntegration');

  return (
    <div className="page">
      <PageHeader
        title="Chat-ops"
        subtitle="Members who link their chat account can check and pause printers from Slack, Discord or Telegram, with their own permissions."
      />
      <FeedbackNotice feedback={feedback} />
      {secret && (
        <Notice tone="success">
          <SecretOnce
            label="Telegram secret_token"
            value={secret}
            note="Shown only now. Give it to setWebhook as secret_token."
          />
        </Notice>
      )}
      {ability.can('create', 'ChatIntegration') && (
        <Section title="Add an integration">
          <CreateIntegrationForm onCreated={(created) => setSecret(created.generatedSecret ?? null)} />
        </Section>
      )}
      <Section title="Integrations">
        <QueryState query={integrations}>
          {({ items }) =>
            items.length === 0 ? (
              <EmptyState title="No chat integrations" />
            ) : (
              <ul className="chat-list" aria-label="Chat integrations">
                {items.map((integration) => (
                  <li key={integration.id} className="card">
                    <div className="strong">
                      {integration.name} <span className="muted small">{PLATFORM_NAMES[integration.platform]}</span>
                    </div>
                    <label className="small" htmlFor={`url-${integration.id}`}>
                      Request URL: {URL_HINTS[integration.platform]}
                    </label>
                    <input
                      id={`url-${integration.id}`}
                      className="input mono"
                      readOnly
                      value={integration.requestUrl}
                      onFocus={(event) => event.target.select()}
                    />
                    {editing?.id === integration.id ? (
                      <>
                        <CommandChoices
                          legend={`Allowed commands in ${integration.name}`}
                          value={editing.commands}
                          onChange={(commands) => setEditing({ id: integration.id, commands })}
                        />
                        <div className="row-actions">
                          <Button
                            variant="primary"
                            busy={update.isPending}
                            onClick={() =>
                              update.mutate(
                                { integration, allowedCommands: editing.commands },
                                { onSuccess: () => setEditing(null) },
                              )
                            }
                          >
                            Save commands
                          </Button>
                          <Button variant="ghost" onClick={() => setEditing(null)}>
                            Cancel
                          </Button>
                        </div>
                      </>
                    ) : (
                      <p className="small">
                        Allowed: {integration.allowedCommands.length ? integration.allowedCommands.join(', ') : 'none'}{' '}
                        <span className="muted">({integration.rateLimitPerMinute} requests a minute)</span>
                      </p>
                    )}
                    {mayManage && editing?.id !== integration.id && (
                      <div className="row-actions">
                        <Button
                          onClick={() => setEditing({ id: integration.id, commands: integration.allowedCommands })}
                        >
                          Edit commands
                        </Button>
                        <Button variant="danger" onClick={() => setDeleting(integration)}>
                          Delete
                        </Button>
                      </div>
                    )}
                  </li>
                ))}
              </ul>
            )
          }
        </QueryState>
      </Section>
      <ConfirmDialog
        open={deleting !== null}
        title={deleting ? `Delete ${deleting.name}?` : ''}
        confirmLabel="Delete integration"
        tone="danger"
        onConfirm={() => {
          const integration = deleting!;
          setDeleting(null);
          remove.mutate(integration);
        }}
        onCancel={() => setDeleting(null)}
      >
        Its requests are refused from now on, and the chat accounts linked through it are unlinked.
      </ConfirmDialog>
    </div>
  );
}
