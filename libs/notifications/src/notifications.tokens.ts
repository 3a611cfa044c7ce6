export const WEBHOOK_SENDER = Symbol('WEBHOOK_SENDER');
export const WEBHOOK_SECRET_CIPHER = Symbol('WEBHOOK_SECRET_CIPHER');
export const CHANNEL_SECRET_CIPHER = Symbol('CHANNEL_SECRET_CIPHER');
export const MAIL_SENDER = Symbol('MAIL_SENDER');
export const SIGNED_LINKS = Symbol('SIGNED_LINKS');
