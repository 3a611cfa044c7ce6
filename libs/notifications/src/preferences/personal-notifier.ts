import { Inject, Injectable } from '@nestjs/common';
import { JobQueue, LOGGER } from '@farmhand/core';
import type { Logger } from 'pino';
import type { SubscribableWebhookEvent } from '../webhook-events';
import { NotificationPreferencesRepository } from './notification-preferences.repository';

/**
 * Where an event happens: one `notification.personal` job per member who chose the event on some personal channel.
 * Nothing is decided here about reach, quiet hours or digests: the worker reloads all of it when it sends.
 */
@Injectable()
export class PersonalNotifier {
  constructor(
    private readonly preferences: NotificationPreferencesRepository,
    private readonly jobs: JobQueue,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {}

  async listening(orgId: string, event: SubscribableWebhookEvent): Promise<string[]> {
    return this.preferences.subscribers(orgId, event);
  }

  async publish(
    orgId: string,
    event: SubscribableWebhookEvent,
    userIds: string[],
    data: Record<string, unknown>,
  ): Promise<void> {
    const results = await Promise.allSettled(
      userIds.map((userId) => this.jobs.enqueue('notification.personal', { orgId, userId, event, data })),
    );
    const failed = results.filter((result) => result.status === 'rejected').length;
    if (failed) this.logger.error({ orgId, event, failed }, 'personal notifications could not be queued');
  }
}
