import type { SubscribableWebhookEvent } from '../webhook-events';

/** Events a member may mark "urgent: deliver anyway" (through quiet hours and around the digest). */
export const URGENT_EVENTS = ['alert.raised', 'print.paused_by_detector'] as const satisfies SubscribableWebhookEvent[];
