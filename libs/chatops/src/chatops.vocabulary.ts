/** Plain data shared with the dashboard: the chat platforms and the commands a channel may be allowed. */
export const CHAT_PLATFORMS = ['slack', 'discord', 'telegram'] as const;
export type ChatPlatform = (typeof CHAT_PLATFORMS)[number];

/** `dismiss` is an alert's "It's fine (false alarm)" button; `link` is always allowed and not listed. */
export const CHAT_COMMANDS = ['status', 'pause', 'resume', 'cancel', 'dismiss'] as const;
export type ChatCommand = (typeof CHAT_COMMANDS)[number];

/** Button ids: the notifications library's alert messages carry the first two (Slack action_id, Discord custom_id,
 * Telegram callback_data). */
export const BUTTON_PREFIX = 'farmhand:';
export const ALERT_PAUSE_BUTTON = 'farmhand:alert.pause:';
export const ALERT_DISMISS_BUTTON = 'farmhand:alert.dismiss:';
export const CANCEL_CONFIRM_BUTTON = 'farmhand:cancel.confirm:';
