import type { WebhookEvent } from './api/views';

/** Every event the contract names, as people read it (a new one fails to compile here until it has a label). */
export const EVENT_LABELS: Record<WebhookEvent, string> = {
  'alert.raised': 'Failure alert raised',
  'print.paused_by_detector': 'Print paused by the detector',
  'print.done': 'Print done',
  'print.failed': 'Print failed',
  'printer.offline': 'Printer went offline',
  'spool.low_stock': 'Spool low on filament',
  'bed.waiting': 'Bed waiting to be cleared',
  'queue.empty': 'Queue empty',
  'maintenance.due': 'Maintenance due',
};
