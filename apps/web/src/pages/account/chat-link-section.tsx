import { useState } from 'react';
import { FeedbackNotice, useFeedback } from '../../components/feedback';
import { QueryState } from '../../components/query-state';
import { Button, Notice, Section } from '../../components/ui';
import { formatAgo } from '../../lib/format';
import { useChatLinks, useCreateLinkCode, useUnlinkChatAccount } from '../chatops/chatops.queries';

/** "Link chat account": a one-time code to send in chat (`link <code>`), and the accounts already linked. */
export function ChatLinkSection() {
  const feedback = useFeedback();
  const links = useChatLinks();
  const [code, setCode] = useState<{ code: string; expiresAt: string } | null>(null);
  const create = useCreateLinkCode(feedback, setCode);
  const unlink = useUnlinkChatAccount(feedback);

  return (
    <Section title="Chat accounts">
      <FeedbackNotice feedback={feedback} />
      <p className="muted small">
        Link your Slack, Discord or Telegram account to check and pause printers from chat, with your own permissions.
      </p>
      {code && (
        <Notice tone="success">
          <p>
            Send <code className="mono strong">link {code.code}</code> in chat (Slack:{' '}
            <code className="mono">/farmhand link {code.code}</code>, Telegram:{' '}
            <code className="mono">/link {code.code}</code>, Discord:{' '}
            <code className="mono">/farmhand link code:{code.code}</code>). It works once, until{' '}
            {new Date(code.expiresAt).toLocaleTimeString()}.
          </p>
          <output aria-label="Link code" className="mono strong">
            {code.code}
          </output>
        </Notice>
      )}
      <div>
        <Button busy={create.isPending} onClick={() => create.mutate()}>
          Link chat account
        </Button>
      </div>
      <QueryState query={links}>
        {({ items }) =>
          items.length === 0 ? null : (
            <ul className="chat-list" aria-label="Linked chat accounts">
              {items.map((item) => (
                <li key={item.id} className="row-actions">
                  <span>
                    {item.platformUserName} <span className="muted small">in {item.integrationName}</span>{' '}
                    <span className="muted small">{formatAgo(item.createdAt)}</span>
                  </span>
                  <Button
                    variant="ghost"
                    busy={unlink.isPending && unlink.variables === item.id}
                    onClick={() => unlink.mutate(item.id)}
                  >
                    Unlink
                  </Button>
                </li>
              ))}
            </ul>
          )
        }
      </QueryState>
    </Section>
  );
}
