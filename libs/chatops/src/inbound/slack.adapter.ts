import { UnreadableChatRequest, text, type ChatEvent, type ChatReply } from './chat-event';

/** Only Slack's own host is ever called back: a response_url is never a way to make Farmhand call elsewhere. */
const SLACK_RESPONSE_URL = /^https:\/\/hooks\.slack\.com\/actions\/[A-Za-z0-9/_-]+$/;

/**
 * Slack sends slash commands as `application/x-www-form-urlencoded` fields (command, text, user_id, user_name,
 * team_id) and interactive clicks as one form field, `payload=<json>` (type `block_actions`).
 */
export function readSlack(rawBody: Buffer): ChatEvent {
  const form = new URLSearchParams(rawBody.toString('utf8'));
  const payload = form.get('payload');
  if (payload !== null) {
    let parsed: unknown;
    try {
      parsed = JSON.parse(payload);
    } catch {
      throw new UnreadableChatRequest('payload is not JSON');
    }
    const body = parsed as {
      type?: unknown;
      user?: { id?: unknown; username?: unknown; name?: unknown };
      actions?: Array<{ action_id?: unknown; value?: unknown }>;
      response_url?: unknown;
    };
    if (body.type !== 'block_actions') return { kind: 'ignored' };
    const userId = text(body.user?.id, 64);
    const action = Array.isArray(body.actions) ? body.actions[0] : undefined;
    const buttonId = text(action?.action_id, 120) ?? text(action?.value, 120);
    if (!userId || !buttonId) throw new UnreadableChatRequest('block_actions without user or action');
    const name = text(body.user?.username, 100) ?? text(body.user?.name, 100) ?? userId;
    const responseUrl = text(body.response_url, 500);
    const reply = responseUrl && SLACK_RESPONSE_URL.test(responseUrl) ? { responseUrl } : {};
    return { kind: 'button', user: { id: userId, name }, buttonId, reply };
  }
  // Slack's certificate check of a slash command's URL: signed like the rest, answered with nothing.
  if (form.get('ssl_check') !== null) return { kind: 'ignored' };
  const userId = text(form.get('user_id'), 64);
  if (!userId || form.get('command') === null) throw new UnreadableChatRequest('not a slash command');
  return {
    kind: 'command',
    user: { id: userId, name: text(form.get('user_name'), 100) ?? userId },
    text: text(form.get('text'), 500) ?? '',
    reply: {},
  };
}

/** Ephemeral (only the person who asked sees it); buttons as a Block Kit actions block. */
export function slackReply(reply: ChatReply): Record<string, unknown> {
  const body: Record<string, unknown> = { response_type: 'ephemeral', replace_original: false, text: reply.text };
  if (reply.buttons?.length) {
    body.blocks = [
      { type: 'section', text: { type: 'mrkdwn', text: reply.text } },
      {
        type: 'actions',
        elements: reply.buttons.map((button) => ({
          type: 'button',
          text: { type: 'plain_text', text: button.label },
          action_id: button.id,
          value: button.id,
          ...(button.danger ? { style: 'danger' } : {}),
        })),
      },
    ];
  }
  return body;
}
