/** Who typed or clicked, as the platform names them (never trusted for identity: the link decides who acts). */
export interface ChatUser {
  id: string;
  name: string;
}

/** What arrived from a chat platform, once verified and read. */
export type ChatEvent =
  | { kind: 'ping' }
  | { kind: 'ignored' }
  | { kind: 'command'; user: ChatUser; text: string; replayKey?: string; reply: ReplyContext }
  | { kind: 'button'; user: ChatUser; buttonId: string; replayKey?: string; reply: ReplyContext };

/** Platform details the answer needs (Telegram's chat and callback ids). */
export interface ReplyContext {
  chatId?: string | number;
  messageId?: number;
  callbackQueryId?: string;
  /** Slack interactive clicks are answered by a POST to their `response_url` (always on hooks.slack.com). */
  responseUrl?: string;
  /** A Discord interaction's application id and token: the deferred answer is edited through them (15 min). */
  discord?: { applicationId: string; token: string };
}

export interface ChatButton {
  id: string;
  label: string;
  danger?: boolean;
}

/** What Farmhand answers, before each platform's wire format; always shown only to the person who asked. */
export interface ChatReply {
  text: string;
  buttons?: ChatButton[];
}

export class UnreadableChatRequest extends Error {}

/** A body field as a bounded single-line string, or undefined. */
export function text(value: unknown, max = 500): string | undefined {
  if (typeof value === 'number') return String(value);
  if (typeof value !== 'string') return undefined;
  return value.slice(0, max);
}
