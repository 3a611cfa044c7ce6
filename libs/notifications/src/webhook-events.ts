/** What a webhook may subscribe to (contract C). `webhook.test` is only sent by the test action, to one webhook. */
export const WEBHOOK_EVENTS = [
  'alert.raised',
  'print.paused_by_detector',
  'print.done',
  'print.failed',
  'printer.offline',
  /** A print took a spool under its low-stock mark (libs/spools), once per crossing. */
  'spool.low_stock',
  /** A finished print's plate waited to be cleared for BED_WAITING_MINUTES; once per waiting period. */
  'bed.waiting',
  /** The organization's last queued copy left the queue (started, or was cancelled); once per transition. */
  'queue.empty',
  /** A maintenance task on a printer reached 90 % (`due`) or 100 % (`overdue`) of its interval; once per level. */
  'maintenance.due',
] as const;
export type SubscribableWebhookEvent = (typeof WEBHOOK_EVENTS)[number];
export type WebhookEvent = SubscribableWebhookEvent | 'webhook.test' | 'channel.test';

export const DELIVERY_STATUSES = ['pending', 'delivered', 'failed'] as const;
export type DeliveryStatus = (typeof DELIVERY_STATUSES)[number];
