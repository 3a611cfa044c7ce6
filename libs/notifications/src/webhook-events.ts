/** What a webhook may subscribe to (contract C). `webhook.test` is only sent by the test action, to one webhook. */
export const WEBHOOK_EVENTS = [
  'alert.raised',
  'print.paused_by_detector',
  'print.done',
  'print.failed',
  'printer.offline',
  /** A print took a spool under its low-stock mark (libs/spools), once per crossing. */
  'spool.low_stock',
] as const;
export type SubscribableWebhookEvent = (typeof WEBHOOK_EVENTS)[number];
export type WebhookEvent = SubscribableWebhookEvent | 'webhook.test' | 'channel.test';

export const DELIVERY_STATUSES = ['pending', 'delivered', 'failed'] as const;
export type DeliveryStatus = (typeof DELIVERY_STATUSES)[number];
