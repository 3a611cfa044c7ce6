export const WEBHOOK_SENDER = Symbol('WEBHOOK_SENDER');
export const WEBHOOK_SECRET_CIPHER = Symbol('WEBHOOK_SECRET_CIPHER');
export const CHANNEL_SECRET_CIPHER = Symbol('CHANNEL_SECRET_CIPHER');
export const MAIL_SENDER = Symbol('MAIL_SENDER');
export const SIGNED_LINKS = Symbol('SIGNED_LINKS');
/** The Web Push sender, or null when no VAPID key pair is configured (push is off). */
export const PUSH_SENDER = Symbol('PUSH_SENDER');
