import { Inject, Injectable } from '@nestjs/common';
import { LOGGER } from '@farmhand/core';
import type { Logger } from 'pino';
import { PersonalNotifier } from './preferences/personal-notifier';
import { WebhookPublisher } from './webhook-publisher.service';
import type { SubscribableWebhookEvent } from './webhook-events';

/**
 * One event of an organization to everyone who listens: webhooks and organization channels (deliveries), and members
 * who chose it personally (`notification.personal` jobs). The facts are looked up once, and only when someone
 * listens. Never throws: an event's emitter must not fail because notifying did.
 */
@Injectable()
export class NotificationFanout {
  constructor(
    private readonly publisher: WebhookPublisher,
    private readonly personal: PersonalNotifier,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {}

  async publish(
    orgId: string,
    event: SubscribableWebhookEvent,
    data: () => Promise<Record<string, unknown>>,
  ): Promise<void> {
    let facts: Promise<Record<string, unknown>> | null = null;
    const once = () => (facts ??= data());
    try {
      await this.publisher.publish(orgId, event, once);
    } catch (error) {
      this.logger.error({ orgId, event, err: error }, 'could not record webhook deliveries for an event');
    }
    try {
      const members = await this.personal.listening(orgId, event);
      if (members.length) await this.personal.publish(orgId, event, members, await once());
    } catch (error) {
      this.logger.error({ orgId, event, err: error }, 'could not queue personal notifications for an event');
    }
  }
}
