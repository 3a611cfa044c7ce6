import { DomainException } from '@farmhand/core';
import { validateWebhookUrl, type WebhookUrlPolicy } from '../webhook-url';

export const CHANNEL_KINDS = ['slack', 'discord', 'telegram', 'ntfy', 'email'] as const;
export type ChannelKind = (typeof CHANNEL_KINDS)[number];

/** What names a destination without granting anything: shown to admins, stored in clear. */
export interface ChannelSettings {
  /** Slack: `webhook` (incoming webhook URL) or `bot` (bot token + channel id, chat.postMessage). */
  slackMode?: 'webhook' | 'bot';
  /** Slack bot mode: the conversation id (C…). */
  slackChannelId?: string;
  telegramChatId?: string;
  ntfyServerUrl?: string;
  ntfyTopic?: string;
  emailTo?: string[];
  /** Addresses that followed their unsubscribe link: never mailed again by this channel. */
  emailUnsubscribed?: string[];
  /** Where a webhook URL points, origin only (the path carries the token): shown instead of the URL. */
  webhookOrigin?: string;
}

/** What grants posting; encrypted at rest, never returned. */
export interface ChannelSecrets {
  webhookUrl?: string;
  botToken?: string;
  ntfyToken?: string;
}

/** The create/update body, flattened (the DTO validates shapes; this checks what belongs to which kind). */
export interface ChannelTargetInput {
  webhookUrl?: string;
  botToken?: string;
  slackChannelId?: string;
  telegramChatId?: string;
  ntfyServerUrl?: string;
  ntfyTopic?: string;
  ntfyToken?: string;
  emailTo?: string[];
}

export const MAX_EMAIL_RECIPIENTS = 20;
const SLACK_BOT_TOKEN = /^xox[bp]-[A-Za-z0-9-]{10,250}$/;
const SLACK_CHANNEL = /^[A-Z0-9]{6,20}$/;
// BotFather tokens: `<bot id>:<35 characters>`; the id goes into the API path, so nothing else may appear.
const TELEGRAM_TOKEN = /^\d{5,15}:[A-Za-z0-9_-]{30,60}$/;
const TELEGRAM_CHAT = /^(-?\d{1,20}|@[A-Za-z][A-Za-z0-9_]{4,31})$/;
const NTFY_TOPIC = /^[A-Za-z0-9_-]{1,64}$/;
const NTFY_TOKEN = /^tk_[A-Za-z0-9]{20,64}$/;
const EMAIL =
  /^[^\s@<>(),;:"[\]\\]{1,64}@[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?)+$/;

function invalid(field: string, message: string): never {
  throw DomainException.invalid('channel_invalid', message, field);
}

function required<T>(value: T | undefined | null, field: string, kind: ChannelKind): T {
  if (value === undefined || value === null || value === '')
    invalid(field, `${field} is required for a ${kind} channel`);
  return value;
}

export function isEmailAddress(value: string): boolean {
  return value.length <= 254 && EMAIL.test(value);
}

/**
 * Splits and checks a channel's target for its kind: every URL through the webhook SSRF rules (https only, no
 * credentials, no private or metadata addresses unless allowed), tokens against their documented shapes, fields of
 * another kind refused. Returns what is stored in clear and what is encrypted.
 */
export function checkChannelTarget(
  kind: ChannelKind,
  input: ChannelTargetInput,
  policy: WebhookUrlPolicy,
): { settings: ChannelSettings; secrets: ChannelSecrets } {
  const allowed: Record<ChannelKind, (keyof ChannelTargetInput)[]> = {
    slack: ['webhookUrl', 'botToken', 'slackChannelId'],
    discord: ['webhookUrl'],
    telegram: ['botToken', 'telegramChatId'],
    ntfy: ['ntfyServerUrl', 'ntfyTopic', 'ntfyToken'],
    email: ['emailTo'],
  };
  for (const [field, value] of Object.entries(input))
    if (value !== undefined && !allowed[kind].includes(field as keyof ChannelTargetInput))
      invalid(field, `${field} does not belong to a ${kind} channel`);
  const url = (raw: string, field: string) => {
    try {
      return validateWebhookUrl(raw.trim(), policy);
    } catch (error) {
      if (error instanceof DomainException) throw DomainException.invalid(error.code, error.message, field);
      throw error;
    }
  };
  switch (kind) {
    case 'slack': {
      if (input.webhookUrl !== undefined) {
        if (input.botToken !== undefined || input.slackChannelId !== undefined)
          invalid('webhookUrl', 'a Slack channel takes either webhookUrl or botToken + slackChannelId');
        const webhookUrl = url(input.webhookUrl, 'webhookUrl');
        return {
          settings: { slackMode: 'webhook', webhookOrigin: new URL(webhookUrl).origin },
          secrets: { webhookUrl },
        };
      }
      const botToken = required(input.botToken, 'botToken', kind);
      if (!SLACK_BOT_TOKEN.test(botToken)) invalid('botToken', 'botToken must be a Slack bot token (xoxb-…)');
      const channelId = required(input.slackChannelId, 'slackChannelId', kind);
      if (!SLACK_CHANNEL.test(channelId)) invalid('slackChannelId', 'slackChannelId must be a Slack channel id (C…)');
      return { settings: { slackMode: 'bot', slackChannelId: channelId }, secrets: { botToken } };
    }
    case 'discord': {
      const webhookUrl = url(required(input.webhookUrl, 'webhookUrl', kind), 'webhookUrl');
      return { settings: { webhookOrigin: new URL(webhookUrl).origin }, secrets: { webhookUrl } };
    }
    case 'telegram': {
      const botToken = required(input.botToken, 'botToken', kind);
      if (!TELEGRAM_TOKEN.test(botToken)) invalid('botToken', 'botToken must be a token from BotFather (123456:ABC…)');
      const chatId = required(input.telegramChatId, 'telegramChatId', kind);
      if (!TELEGRAM_CHAT.test(chatId))
        invalid('telegramChatId', 'telegramChatId must be a numeric chat id or an @channel name');
      return { settings: { telegramChatId: chatId }, secrets: { botToken } };
    }
    case 'ntfy': {
      const server = new URL(url(required(input.ntfyServerUrl, 'ntfyServerUrl', kind), 'ntfyServerUrl'));
      if (server.search) invalid('ntfyServerUrl', 'ntfyServerUrl must not carry a query');
      const topic = required(input.ntfyTopic, 'ntfyTopic', kind);
      if (!NTFY_TOPIC.test(topic)) invalid('ntfyTopic', 'ntfyTopic must be 1-64 letters, digits, - or _');
      if (input.ntfyToken !== undefined && !NTFY_TOKEN.test(input.ntfyToken))
        invalid('ntfyToken', 'ntfyToken must be an ntfy access token (tk_…)');
      const serverUrl = server.toString().replace(/\/+$/, '');
      return {
        settings: { ntfyServerUrl: serverUrl, ntfyTopic: topic },
        secrets: input.ntfyToken ? { ntfyToken: input.ntfyToken } : {},
      };
    }
    case 'email': {
      const to = [...new Set(required(input.emailTo, 'emailTo', kind).map((address) => address.trim().toLowerCase()))];
      if (!to.length || to.length > MAX_EMAIL_RECIPIENTS)
        invalid('emailTo', `emailTo must list 1 to ${MAX_EMAIL_RECIPIENTS} addresses`);
      for (const address of to) if (!isEmailAddress(address)) invalid('emailTo', 'emailTo must list mail addresses');
      return { settings: { emailTo: to }, secrets: {} };
    }
  }
}

/** One line naming the destination for admins: never a token, never a webhook path. */
export function describeTarget(kind: ChannelKind, settings: ChannelSettings): string {
  switch (kind) {
    case 'slack':
      return settings.slackMode === 'bot'
        ? `Slack channel ${settings.slackChannelId} (bot token)`
        : `Slack incoming webhook at ${settings.webhookOrigin}`;
    case 'discord':
      return `Discord webhook at ${settings.webhookOrigin}`;
    case 'telegram':
      return `Telegram chat ${settings.telegramChatId}`;
    case 'ntfy':
      return `ntfy topic ${settings.ntfyTopic} on ${settings.ntfyServerUrl}`;
    case 'email':
      return `Mail to ${(settings.emailTo ?? []).join(', ')}`;
  }
}
