import type { ChannelKind, ChannelSecrets, ChannelSettings } from './channel-kinds';

/** The platform-neutral content of one notification. */
export interface NotificationMessage {
  title: string;
  /** Plain text lines (no markup): each renderer escapes them for its platform. */
  lines: string[];
  /** 1 (min) to 5 (max), ntfy's scale; chat platforms use it for colour. */
  priority: 1 | 2 | 3 | 4 | 5;
  /** ntfy tags (emoji short codes). */
  tags: string[];
  /** The dashboard page about it. */
  link: string | null;
  /** A short-lived signed URL of the webcam frame (alerts only). */
  imageUrl: string | null;
  /** Alerts carry Pause / It's fine buttons; their ids are the chat-ops contract (libs/chatops handles the clicks). */
  alertId: string | null;
}

export interface MessageLinks {
  /** PUBLIC_URL, no trailing slash. */
  publicUrl: string;
  /** Signs a frame of the organization for a short while; null when the event has none. */
  frameUrl: (frameId: string) => string;
}

/** An HTTP request to a chat platform; URLs hold tokens: never log them. */
export interface OutboundRequest {
  url: string;
  headers: Record<string, string>;
  body: string;
  /** The platform answers 200 with `{ ok: false }` on errors (Slack Web API, Telegram Bot API). */
  expectOkField: boolean;
}

export const PAUSE_ACTION_PREFIX = 'farmhand:alert.pause:';
export const DISMISS_ACTION_PREFIX = 'farmhand:alert.dismiss:';
export const PAUSE_LABEL = 'Pause';
export const DISMISS_LABEL = 'It’s fine (false alarm)';

const text = (value: unknown): string | null => (typeof value === 'string' && value ? value : null);

function minutes(seconds: unknown): string | null {
  if (typeof seconds !== 'number') return null;
  const hours = Math.floor(seconds / 3600);
  const rest = Math.round((seconds % 3600) / 60);
  return hours ? `${hours} h ${rest} min` : `${rest} min`;
}

/** From a delivery's event and data (as the listener stored it) to the message every channel renders. */
export function buildMessage(
  orgId: string,
  event: string,
  data: Record<string, unknown>,
  links: MessageLinks,
): NotificationMessage {
  const printer = text(data.printerName) ?? 'a printer';
  const printerId = text(data.printerId);
  const org = `${links.publicUrl}/orgs/${orgId}`;
  const printerLink = printerId ? `${org}/printers/${printerId}` : `${org}/printers`;
  const frameId = text(data.frameId);
  const base = { link: printerLink, imageUrl: null, alertId: null, tags: [] as string[] };
  switch (event) {
    case 'alert.raised': {
      const score = typeof data.score === 'number' ? `${Math.round(data.score * 100)} %` : null;
      const critical = data.level === 'pause';
      return {
        ...base,
        title: `Possible print failure on ${printer}`,
        lines: [
          `The detector ${critical ? 'is confident' : 'suspects'} that the print on ${printer} is failing${score ? ` (score ${score})` : ''}.`,
          'Pause the print, or tell Farmhand it is fine.',
        ],
        priority: critical ? 5 : 4,
        tags: ['warning', 'printer'],
        link: `${org}/alerts`,
        imageUrl: frameId ? links.frameUrl(frameId) : null,
        alertId: text(data.alertId),
      };
    }
    case 'print.paused_by_detector':
      return {
        ...base,
        title: `Print paused on ${printer}`,
        lines: [`The failure detector paused the print on ${printer}. Check the printer, then resume or cancel.`],
        priority: 5,
        tags: ['pause_button', 'printer'],
        imageUrl: frameId ? links.frameUrl(frameId) : null,
      };
    case 'print.done': {
      const job = text(data.jobName) ?? 'A print';
      const took = minutes(data.durationSeconds);
      return {
        ...base,
        title: `${job} finished on ${printer}`,
        lines: [
          `${job}${typeof data.copies === 'number' && data.copies > 1 ? ` (copy ${String(data.copyNumber)} of ${data.copies})` : ''} finished on ${printer}${took ? ` after ${took}` : ''}.`,
          ...(data.state === 'awaiting_bed_clear' ? ['The bed is waiting to be cleared.'] : []),
        ],
        priority: 3,
        tags: ['white_check_mark'],
      };
    }
    case 'print.failed': {
      const job = text(data.jobName) ?? 'A print';
      const reason = text(data.failureDetail) ?? text(data.failureReason);
      return {
        ...base,
        title: `${job} failed on ${printer}`,
        lines: [`${job} failed on ${printer}${reason ? `: ${reason}` : '.'}`],
        priority: 4,
        tags: ['x'],
      };
    }
    case 'printer.offline':
      return {
        ...base,
        title: `${printer} went offline`,
        lines: [`Farmhand lost contact with ${printer}.`],
        priority: 4,
        tags: ['electric_plug'],
      };
    case 'bed.waiting': {
      const job = text(data.jobName) ?? 'A print';
      return {
        ...base,
        title: `The bed of ${printer} waits to be cleared`,
        lines: [
          `${job} finished on ${printer} ${typeof data.waitingMinutes === 'number' ? `${data.waitingMinutes} minutes` : 'a while'} ago and the plate is still on the bed. Clear it so the queue can go on.`,
        ],
        priority: 3,
        tags: ['hourglass'],
      };
    }
    case 'queue.empty':
      return {
        ...base,
        title: 'The print queue is empty',
        lines: ['The last queued copy has left the queue; printers will go idle once they finish.'],
        priority: 2,
        tags: ['inbox_tray'],
        link: `${org}/queue`,
      };
    case 'maintenance.due': {
      const task = text(data.taskName) ?? 'A maintenance task';
      const overdue = data.level === 'overdue';
      const units: Record<string, string> = {
        print_hours: 'print hours',
        filament_grams: 'g of filament',
        prints: 'prints',
        days: 'days',
      };
      const unit = units[String(data.intervalKind)] ?? '';
      const used =
        typeof data.used === 'number' && typeof data.limit === 'number'
          ? ` (${data.used} of ${data.limit} ${unit})`
          : '';
      return {
        ...base,
        title: overdue ? `${task} is overdue on ${printer}` : `${task} is due soon on ${printer}`,
        lines: [
          overdue
            ? `${task} on ${printer} has passed its interval${used}.`
            : `${task} on ${printer} is at 90 % of its interval${used}.`,
        ],
        priority: overdue ? 4 : 3,
        tags: ['wrench'],
        link: `${org}/maintenance`,
      };
    }
    default:
      return {
        ...base,
        title: 'Farmhand test notification',
        lines: [text(data.message) ?? 'A test from Farmhand: this channel is set up.'],
        priority: 3,
        tags: ['bell'],
        link: org,
      };
  }
}

export function escapeHtml(value: string): string {
  return value.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

/** Slack mrkdwn: `&`, `<` and `>` are control characters (links, mentions); everything else is literal enough. */
function escapeSlack(value: string): string {
  return value.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

/** Discord markdown: backslash the characters that format or mention. */
function escapeDiscord(value: string): string {
  return value.replace(/([\\*_~`|>#[\]@<])/g, '\\$1');
}

/** Slack Block Kit: header, section, image (when there is a frame), actions (alerts), context link. */
export function slackPayload(message: NotificationMessage): { text: string; blocks: unknown[] } {
  const blocks: unknown[] = [
    { type: 'header', text: { type: 'plain_text', text: message.title.slice(0, 150), emoji: false } },
    { type: 'section', text: { type: 'mrkdwn', text: message.lines.map(escapeSlack).join('\n').slice(0, 3000) } },
  ];
  if (message.imageUrl)
    blocks.push({ type: 'image', image_url: message.imageUrl, alt_text: 'Webcam frame when the alert was raised' });
  if (message.alertId)
    blocks.push({
      type: 'actions',
      block_id: `farmhand:alert:${message.alertId}`,
      elements: [
        {
          type: 'button',
          action_id: `${PAUSE_ACTION_PREFIX}${message.alertId}`,
          text: { type: 'plain_text', text: PAUSE_LABEL },
          style: 'danger',
          value: message.alertId,
        },
        {
          type: 'button',
          action_id: `${DISMISS_ACTION_PREFIX}${message.alertId}`,
          text: { type: 'plain_text', text: DISMISS_LABEL },
          value: message.alertId,
        },
      ],
    });
  if (message.link)
    blocks.push({ type: 'context', elements: [{ type: 'mrkdwn', text: `<${message.link}|Open in Farmhand>` }] });
  // `text` is the notification and screen-reader fallback for the blocks.
  return { text: `${message.title}: ${message.lines.join(' ')}`.slice(0, 3000), blocks };
}

const DISCORD_COLOURS: Record<number, number> = { 1: 0x95a5a6, 2: 0x95a5a6, 3: 0x2ecc71, 4: 0xe67e22, 5: 0xe74c3c };

/** Discord execute-webhook body: one embed, and an action row of two buttons for alerts; no mentions ever. */
export function discordPayload(message: NotificationMessage, at: string): Record<string, unknown> {
  const embed: Record<string, unknown> = {
    title: message.title.slice(0, 256),
    description: message.lines.map(escapeDiscord).join('\n').slice(0, 4096),
    color: DISCORD_COLOURS[message.priority],
    timestamp: at,
    footer: { text: 'Farmhand' },
    ...(message.link ? { url: message.link } : {}),
    ...(message.imageUrl ? { image: { url: message.imageUrl } } : {}),
  };
  return {
    username: 'Farmhand',
    embeds: [embed],
    allowed_mentions: { parse: [] },
    ...(message.alertId
      ? {
          components: [
            {
              type: 1,
              components: [
                { type: 2, style: 4, label: PAUSE_LABEL, custom_id: `${PAUSE_ACTION_PREFIX}${message.alertId}` },
                { type: 2, style: 2, label: DISMISS_LABEL, custom_id: `${DISMISS_ACTION_PREFIX}${message.alertId}` },
              ],
            },
          ],
        }
      : {}),
  };
}

/** Telegram Bot API: sendPhoto (caption) when there is a frame, else sendMessage; HTML parse mode. */
export function telegramPayload(
  message: NotificationMessage,
  chatId: string,
): { method: 'sendMessage' | 'sendPhoto'; body: Record<string, unknown> } {
  const html = [
    `<b>${escapeHtml(message.title)}</b>`,
    ...message.lines.map(escapeHtml),
    ...(message.link ? [`<a href="${escapeHtml(message.link)}">Open in Farmhand</a>`] : []),
  ].join('\n');
  const markup = message.alertId
    ? {
        reply_markup: {
          inline_keyboard: [
            [
              { text: PAUSE_LABEL, callback_data: `${PAUSE_ACTION_PREFIX}${message.alertId}` },
              { text: DISMISS_LABEL, callback_data: `${DISMISS_ACTION_PREFIX}${message.alertId}` },
            ],
          ],
        },
      }
    : {};
  if (message.imageUrl)
    return {
      method: 'sendPhoto',
      body: { chat_id: chatId, photo: message.imageUrl, caption: html.slice(0, 1024), parse_mode: 'HTML', ...markup },
    };
  return {
    method: 'sendMessage',
    body: {
      chat_id: chatId,
      text: html.slice(0, 4096),
      parse_mode: 'HTML',
      link_preview_options: { is_disabled: true },
      ...markup,
    },
  };
}

/** HTTP header values are latin1: anything else goes as RFC 2047 (ntfy decodes `=?UTF-8?B?…?=`). */
function headerValue(value: string): string {
  const clean = value.replace(/[\r\n]+/g, ' ');
  return /^[\x20-\x7e]*$/.test(clean) ? clean : `=?UTF-8?B?${Buffer.from(clean, 'utf8').toString('base64')}?=`;
}

/** ntfy publish: the message as the body, the rest in its documented headers. */
export function ntfyRequest(
  message: NotificationMessage,
  settings: ChannelSettings,
  secrets: ChannelSecrets,
): OutboundRequest {
  const headers: Record<string, string> = {
    'Content-Type': 'text/plain; charset=utf-8',
    Title: headerValue(message.title),
    Priority: String(message.priority),
    ...(message.tags.length ? { Tags: message.tags.join(',') } : {}),
    ...(message.link ? { Click: message.link } : {}),
    ...(message.imageUrl ? { Attach: message.imageUrl, Filename: 'frame.jpg' } : {}),
    ...(secrets.ntfyToken ? { Authorization: `Bearer ${secrets.ntfyToken}` } : {}),
  };
  return {
    url: `${settings.ntfyServerUrl}/${settings.ntfyTopic}`,
    headers,
    body: message.lines.join('\n'),
    expectOkField: false,
  };
}

export interface PlatformBases {
  /** https://slack.com/api */
  slackApiUrl: string;
  /** https://api.telegram.org */
  telegramApiUrl: string;
}

/** The request for an HTTP channel (every kind but email). */
export function channelRequest(
  kind: Exclude<ChannelKind, 'email'>,
  message: NotificationMessage,
  settings: ChannelSettings,
  secrets: ChannelSecrets,
  bases: PlatformBases,
  at: string,
): OutboundRequest {
  const json = { 'Content-Type': 'application/json; charset=utf-8', 'User-Agent': 'Farmhand-Notifications' };
  switch (kind) {
    case 'slack': {
      const payload = slackPayload(message);
      if (settings.slackMode === 'bot')
        return {
          url: `${bases.slackApiUrl}/chat.postMessage`,
          headers: { ...json, Authorization: `Bearer ${secrets.botToken}` },
          body: JSON.stringify({ channel: settings.slackChannelId, unfurl_links: false, ...payload }),
          expectOkField: true,
        };
      return { url: secrets.webhookUrl!, headers: json, body: JSON.stringify(payload), expectOkField: false };
    }
    case 'discord': {
      const url = new URL(secrets.webhookUrl!);
      url.searchParams.set('wait', 'true');
      // Buttons on a webhook that no application owns need this flag (Discord drops them otherwise).
      if (message.alertId) url.searchParams.set('with_components', 'true');
      return {
        url: url.toString(),
        headers: json,
        body: JSON.stringify(discordPayload(message, at)),
        expectOkField: false,
      };
    }
    case 'telegram': {
      const { method, body } = telegramPayload(message, settings.telegramChatId!);
      return {
        url: `${bases.telegramApiUrl}/bot${secrets.botToken}/${method}`,
        headers: json,
        body: JSON.stringify(body),
        expectOkField: true,
      };
    }
    case 'ntfy':
      return ntfyRequest(message, settings, secrets);
  }
}

/** Mail: plain text plus a simple HTML version, and the person's unsubscribe link in both. */
export function emailContent(
  message: NotificationMessage,
  unsubscribeUrl: string,
): { subject: string; text: string; html: string } {
  const text = [
    ...message.lines,
    '',
    ...(message.link ? [`Open in Farmhand: ${message.link}`] : []),
    ...(message.imageUrl ? [`Webcam frame (link valid for a short while): ${message.imageUrl}`] : []),
    '',
    `Stop these mails: ${unsubscribeUrl}`,
  ].join('\n');
  const html = [
    '<!doctype html><html><body style="font-family:sans-serif">',
    `<h2>${escapeHtml(message.title)}</h2>`,
    ...message.lines.map((line) => `<p>${escapeHtml(line)}</p>`),
    ...(message.imageUrl
      ? [`<p><img src="${escapeHtml(message.imageUrl)}" alt="Webcam frame" style="max-width:100%"></p>`]
      : []),
    ...(message.link ? [`<p><a href="${escapeHtml(message.link)}">Open in Farmhand</a></p>`] : []),
    `<p style="color:#666;font-size:small"><a href="${escapeHtml(unsubscribeUrl)}">Unsubscribe</a></p>`,
    '</body></html>',
  ].join('\n');
  return { subject: `[Farmhand] ${message.title}`, text, html };
}
