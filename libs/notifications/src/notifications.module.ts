import { Module } from '@nestjs/common';
import { APP_CONFIG, type AppConfig } from '@farmhand/core';
import { WebhookSender } from './delivery/webhook-sender';
import { WebhookJobs } from './jobs/webhook.jobs';
import { NotificationFactsRepository } from './notification-facts.repository';
import { NotificationsListener } from './notifications.listener';
import { WEBHOOK_SECRET_CIPHER, WEBHOOK_SENDER } from './notifications.tokens';
import { WebhookDeliveriesRepository } from './webhook-deliveries.repository';
import { WebhookPublisher } from './webhook-publisher.service';
import { WebhookSecretCipher } from './webhook-secret.cipher';
import { WebhooksController } from './webhooks.controller';
import { WebhooksService } from './webhooks.service';
import { WebhooksRepository } from './webhooks.repository';

/**
 * Webhooks. Imported by every role that emits the events it listens to (api, worker, inference): the listener
 * records deliveries and enqueues them where the event happens; the worker's `notifications` queue sends them.
 * Needs the global AuditModule in the importing role (the API's changes are audited).
 */
@Module({
  controllers: [WebhooksController],
  providers: [
    WebhooksRepository,
    WebhookDeliveriesRepository,
    NotificationFactsRepository,
    WebhookPublisher,
    WebhooksService,
    NotificationsListener,
    WebhookJobs,
    {
      provide: WEBHOOK_SECRET_CIPHER,
      inject: [APP_CONFIG],
      useFactory: (config: AppConfig) => new WebhookSecretCipher(config.SECRET_KEY),
    },
    {
      provide: WEBHOOK_SENDER,
      inject: [APP_CONFIG],
      useFactory: (config: AppConfig) =>
        new WebhookSender({ allowHttp: config.WEBHOOK_ALLOW_HTTP, allowPrivate: config.WEBHOOK_ALLOW_PRIVATE }),
    },
  ],
  exports: [WebhookPublisher, WebhooksService],
})
export class NotificationsModule {}
