import { Inject, Injectable } from '@nestjs/common';
import { MemberDirectory } from '@farmhand/accounts';
import { JobQueue, LOGGER, OnJob, type JobPayloads } from '@farmhand/core';
import type { Logger } from 'pino';
import { PUSH_SENDER } from '../notifications.tokens';
import type { PushSender } from '../push/push-sender';
import { PushSubscriptionsRepository } from '../push/push-subscriptions.repository';
import { MAX_DELIVERY_ATTEMPTS } from './webhook.jobs';

/** Alerts wake the device (`Urgency: high`) and are dropped after an hour: a stale alarm misleads. */
const ALERT_TTL_SECONDS = 3600;
/** Anything else may wait a day for a browser that is offline (print done, queue empty). */
const DEFAULT_TTL_SECONDS = 24 * 3600;

export function pushUrgency(event: string): { urgency: 'high' | 'normal'; ttlSeconds: number } {
  const alert = event.startsWith('alert.') || event === 'push.test';
  return alert
    ? { urgency: 'high', ttlSeconds: ALERT_TTL_SECONDS }
    : { urgency: 'normal', ttlSeconds: DEFAULT_TTL_SECONDS };
}

/**
 * `notification.push` (one person, one message) fans out to one `push.deliver` per subscription, so a browser whose
 * push service is down is retried alone (the notifications queue's backoff) and the others get the message once.
 */
@Injectable()
export class PushJobs {
  constructor(
    private readonly subscriptions: PushSubscriptionsRepository,
    private readonly members: MemberDirectory,
    private readonly jobs: JobQueue,
    @Inject(PUSH_SENDER) private readonly sender: PushSender | null,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {}

  @OnJob('notification.push')
  async fanOut(payload: JobPayloads['notification.push'], job: { id?: string }) {
    if (!this.sender) return { status: 'push_not_configured' };
    // Reloaded, never trusted from the payload: someone removed from the organization gets nothing more from it.
    if (!(await this.members.findByUser(payload.orgId, payload.userId))) {
      const removed = await this.subscriptions.deleteForUser(payload.orgId, payload.userId);
      return { status: 'not_a_member', removed };
    }
    const subscriptions = await this.subscriptions.listForUser(payload.orgId, payload.userId);
    const { userId: _userId, correlationId, ...message } = payload;
    for (const subscription of subscriptions)
      await this.jobs.enqueue(
        'push.deliver',
        { ...message, correlationId, subscriptionId: subscription.id },
        // A retried fan-out queues each browser once.
        job.id ? { jobId: `push-${job.id}-${subscription.id}` } : {},
      );
    return { status: 'queued', subscriptions: subscriptions.length };
  }

  /**
   * One try to one browser. 2xx: delivered. 404 / 410: the browser dropped the subscription, so it is deleted. Other
   * 4xx (a refused key, a payload too large): failed, no retry fixes it. 429, 5xx, no answer: thrown, retried.
   */
  @OnJob('push.deliver')
  async deliver(payload: JobPayloads['push.deliver'], job: { attemptsMade: number }) {
    if (!this.sender) return { status: 'push_not_configured' };
    const subscription = await this.subscriptions.find(payload.orgId, payload.subscriptionId);
    if (!subscription) return { status: 'stale' };
    const attempts = job.attemptsMade + 1;
    const result = await this.sender.send(subscription, payload, pushUrgency(payload.event));
    // The endpoint is a capability URL for that browser: logs name the subscription, never the URL.
    const log = { orgId: payload.orgId, subscriptionId: subscription.id, event: payload.event, attempts };
    if (result.ok) {
      this.logger.info({ ...log, responseStatus: result.status }, 'push delivered');
      return { status: 'delivered', responseStatus: result.status };
    }
    if (result.status === 404 || result.status === 410) {
      await this.subscriptions.delete(payload.orgId, subscription.id);
      this.logger.info({ ...log, responseStatus: result.status }, 'push subscription expired; removed');
      return { status: 'expired', responseStatus: result.status };
    }
    const clientError = result.status !== null && result.status >= 400 && result.status < 500 && result.status !== 429;
    if (result.permanent || clientError || attempts >= MAX_DELIVERY_ATTEMPTS) {
      this.logger.warn({ ...log, responseStatus: result.status, error: result.error }, 'push failed for good');
      return { status: 'failed', responseStatus: result.status };
    }
    throw new Error(`push not accepted (${result.status ? `HTTP ${result.status}` : 'no answer'})`);
  }
}
