import { UnreadableChatRequest, text, type ChatEvent, type ChatReply, type ReplyContext } from './chat-event';

interface TelegramUser {
  id?: unknown;
  username?: unknown;
  first_name?: unknown;
}

/**
 * Telegram updates are JSON: a `message` whose text starts with `/` is a command (`/pause@FarmBot A1` reads as
 * `pause A1`), a `callback_query` is a button click (`data`). Anything else (plain chat in a group) is ignored.
 */
export function readTelegram(rawBody: Buffer): ChatEvent {
  let body: {
    update_id?: unknown;
    message?: { message_id?: unknown; text?: unknown; from?: TelegramUser; chat?: { id?: unknown } };
    callback_query?: { id?: unknown; data?: unknown; from?: TelegramUser; message?: { chat?: { id?: unknown } } };
  };
  try {
    body = JSON.parse(rawBody.toString('utf8'));
  } catch {
    throw new UnreadableChatRequest('body is not JSON');
  }
  if (typeof body.update_id !== 'number') throw new UnreadableChatRequest('update without update_id');
  const replayKey = `telegram:${body.update_id}`;
  const userOf = (from: TelegramUser | undefined) => {
    const id = text(from?.id, 64);
    if (!id) throw new UnreadableChatRequest('update without a sender');
    return { id, name: text(from?.username, 100) ?? text(from?.first_name, 100) ?? id };
  };
  if (body.callback_query) {
    const query = body.callback_query;
    const buttonId = text(query.data, 120);
    const callbackQueryId = text(query.id, 100);
    if (!buttonId || !callbackQueryId) throw new UnreadableChatRequest('callback_query without data');
    const reply: ReplyContext = { callbackQueryId, chatId: chatIdOf(query.message?.chat?.id) };
    return { kind: 'button', user: userOf(query.from), buttonId, replayKey, reply };
  }
  const message = body.message;
  const content = text(message?.text, 500);
  if (!message || !content?.startsWith('/')) return { kind: 'ignored' };
  const [command = '', ...rest] = content.slice(1).split(/\s+/);
  const verb = command.split('@')[0]!.toLowerCase();
  const reply: ReplyContext = {
    chatId: chatIdOf(message.chat?.id),
    messageId: typeof message.message_id === 'number' ? message.message_id : undefined,
  };
  return { kind: 'command', user: userOf(message.from), text: [verb, ...rest].join(' '), replayKey, reply };
}

function chatIdOf(value: unknown): string | number | undefined {
  return typeof value === 'number' || typeof value === 'string' ? value : undefined;
}

/**
 * Telegram lets a webhook answer with one Bot API call in its response body: `sendMessage` (buttons as an inline
 * keyboard) for a command, `answerCallbackQuery` (an alert only the clicker sees) for a button.
 */
export function telegramReply(reply: ChatReply, context: ReplyContext): Record<string, unknown> {
  if (context.callbackQueryId) {
    return {
      method: 'answerCallbackQuery',
      callback_query_id: context.callbackQueryId,
      text: reply.text.slice(0, 200),
      show_alert: true,
    };
  }
  const body: Record<string, unknown> = { method: 'sendMessage', chat_id: context.chatId, text: reply.text };
  if (context.messageId !== undefined) body.reply_to_message_id = context.messageId;
  if (reply.buttons?.length) {
    body.reply_markup = {
      inline_keyboard: [reply.buttons.map((button) => ({ text: button.label, callback_data: button.id }))],
    };
  }
  return body;
}
