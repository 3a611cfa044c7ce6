import { UnreadableChatRequest, text, type ChatEvent, type ChatReply } from './chat-event';

const PING = 1;
const APPLICATION_COMMAND = 2;
const MESSAGE_COMPONENT = 3;
const DEFERRED_CHANNEL_MESSAGE_WITH_SOURCE = 5;
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
    application_id?: unknown;
    token?: unknown;
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
  const applicationId = text(body.application_id, 32);
  const token = text(body.token, 1000);
  if (!applicationId || !/^\d{1,32}$/.test(applicationId) || !token || !/^[\w.-]+$/.test(token))
    throw new UnreadableChatRequest('interaction without application_id and token');
  const reply = { discord: { applicationId, token } };
  if (body.type === MESSAGE_COMPONENT) {
    const buttonId = text(body.data?.custom_id, 120);
    if (!buttonId) throw new UnreadableChatRequest('component without custom_id');
    return { kind: 'button', user, buttonId, reply };
  }
  if (body.type !== APPLICATION_COMMAND) return { kind: 'ignored' };
  const subcommand = Array.isArray(body.data?.options) ? body.data.options[0] : undefined;
  const name = text(subcommand?.name, 32);
  if (!name) return { kind: 'command', user, text: '', reply };
  const values = (Array.isArray(subcommand?.options) ? subcommand.options : [])
    .map((option) => text(option.value, 200))
    .filter((value): value is string => value !== undefined);
  return { kind: 'command', user, text: [name, ...values].join(' '), reply };
}

export function discordPong(): Record<string, unknown> {
  return { type: PING };
}

/**
 * The immediate answer to a command or a click: "thinking…", shown only to the person who asked (flag 64). Discord
 * waits 3 s for an answer; the outcome replaces it later (`discordEdit`). Type 5 for clicks too: the outcome is a
 * new message to the clicker, the shared alert message and its buttons stay as they are for everyone else.
 */
export function discordDeferred(): Record<string, unknown> {
  return { type: DEFERRED_CHANNEL_MESSAGE_WITH_SOURCE, data: { flags: EPHEMERAL } };
}

/**
 * The body of `PATCH /webhooks/{application_id}/{token}/messages/@original`: the outcome's text and buttons (one
 * action row of danger-styled buttons). Mentions are never parsed: a printer's name cannot ping anyone.
 */
export function discordEdit(reply: ChatReply): Record<string, unknown> {
  const data: Record<string, unknown> = { content: reply.text, allowed_mentions: { parse: [] }, components: [] };
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
  return data;
}
