import { UnreadableChatRequest, text, type ChatEvent, type ChatReply } from './chat-event';

const PING = 1;
const APPLICATION_COMMAND = 2;
const MESSAGE_COMPONENT = 3;
const CHANNEL_MESSAGE_WITH_SOURCE = 4;
const EPHEMERAL = 64;

interface DiscordOption {
  name?: unknown;
  type?: unknown;
  value?: unknown;
  options?: DiscordOption[];
}

/**
 * Discord interactions are JSON: PING (type 1) to check the endpoint, the `/farmhand <subcommand>` application
 * command (type 2, the subcommand and its options in `data.options`), a button click (type 3, `data.custom_id`).
 */
export function readDiscord(rawBody: Buffer): ChatEvent {
  let body: {
    type?: unknown;
    data?: { name?: unknown; custom_id?: unknown; options?: DiscordOption[] };
    member?: { user?: { id?: unknown; username?: unknown; global_name?: unknown } };
    user?: { id?: unknown; username?: unknown; global_name?: unknown };
  };
  try {
    body = JSON.parse(rawBody.toString('utf8'));
  } catch {
    throw new UnreadableChatRequest('body is not JSON');
  }
  if (body.type === PING) return { kind: 'ping' };
  const author = body.member?.user ?? body.user;
  const userId = text(author?.id, 64);
  if (!userId) throw new UnreadableChatRequest('interaction without a user');
  const user = { id: userId, name: text(author?.username, 100) ?? text(author?.global_name, 100) ?? userId };
  if (body.type === MESSAGE_COMPONENT) {
    const buttonId = text(body.data?.custom_id, 120);
    if (!buttonId) throw new UnreadableChatRequest('component without custom_id');
    return { kind: 'button', user, buttonId, reply: {} };
  }
  if (body.type !== APPLICATION_COMMAND) return { kind: 'ignored' };
  const subcommand = Array.isArray(body.data?.options) ? body.data.options[0] : undefined;
  const name = text(subcommand?.name, 32);
  if (!name) return { kind: 'command', user, text: '', reply: {} };
  const values = (Array.isArray(subcommand?.options) ? subcommand.options : [])
    .map((option) => text(option.value, 200))
    .filter((value): value is string => value !== undefined);
  return { kind: 'command', user, text: [name, ...values].join(' '), reply: {} };
}

export function discordPong(): Record<string, unknown> {
  return { type: PING };
}

/** An ephemeral channel message (flag 64); buttons as one action row of danger-styled buttons. */
export function discordReply(reply: ChatReply): Record<string, unknown> {
  const data: Record<string, unknown> = { content: reply.text, flags: EPHEMERAL };
  if (reply.buttons?.length) {
    data.components = [
      {
        type: 1,
        components: reply.buttons.map((button) => ({
          type: 2,
          style: button.danger ? 4 : 2,
          label: button.label,
          custom_id: button.id,
        })),
      },
    ];
  }
  return { type: CHANNEL_MESSAGE_WITH_SOURCE, data };
}
