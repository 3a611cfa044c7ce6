import { Inject, Module, type OnApplicationShutdown } from '@nestjs/common';
import { AccountsModule } from '@farmhand/accounts';
import { APP_CONFIG, type AppConfig } from '@farmhand/core';
import { FrameStorage, FramesRepository } from '@farmhand/detection';
import { CopyDirectoryModule } from '@farmhand/jobs';
import { PrinterDirectoryModule } from '@farmhand/printers';
import { AccountMailListener } from './channels/account-mail.listener';
import { ChannelDeliverer } from './channels/channel-deliverer';
import { ChannelsController } from './channels/channels.controller';
import { ChannelsService } from './channels/channels.service';
import { MailSender } from './channels/mail-sender';
import { NotificationChannelsRepository } from './channels/notification-channels.repository';
import { NotificationLinksController } from './channels/notification-links.controller';
import { NotificationLinksService } from './channels/notification-links.service';
import { SignedLinks } from './channels/signed-links';
import { WebhookSender } from './delivery/webhook-sender';
import { PushJobs } from './jobs/push.jobs';
import { WebhookJobs } from './jobs/webhook.jobs';
import { NotificationFacts } from './notification-facts';
import { NotificationsListener } from './notifications.listener';
import { NotificationEventsJobs } from './jobs/notification-events.jobs';
import { PersonalNotificationJobs } from './jobs/personal-notification.jobs';
import { NotificationFanout } from './notification-fanout';
import { NotificationClock } from './preferences/notification-clock';
import { NotificationPreferencesController } from './preferences/notification-preferences.controller';
import { NotificationPreferencesRepository } from './preferences/notification-preferences.repository';
import { NotificationPreferencesService } from './preferences/notification-preferences.service';
import { NotificationSettingsController } from './preferences/notification-settings.controller';
import { NotificationSettingsService } from './preferences/notification-settings.service';
import { PersonalNotifier } from './preferences/personal-notifier';
import {
  CHANNEL_SECRET_CIPHER,
  MAIL_SENDER,
  PUSH_SENDER,
  SIGNED_LINKS,
  WEBHOOK_SECRET_CIPHER,
  WEBHOOK_SENDER,
} from './notifications.tokens';
import { PushSender } from './push/push-sender';
import { PushSubscriptionsController } from './push/push-subscriptions.controller';
import { PushSubscriptionsRepository } from './push/push-subscriptions.repository';
import { PushSubscriptionsService } from './push/push-subscriptions.service';
import { vapidKeysFrom } from './push/vapid-keys';
import { WebhookDeliveriesRepository } from './webhook-deliveries.repository';
import { WebhookPublisher } from './webhook-publisher.service';
import { WebhookSecretCipher } from './webhook-secret.cipher';
import { WebhooksController } from './webhooks.controller';
import { WebhooksService } from './webhooks.service';
import { WebhooksRepository } from './webhooks.repository';

/**
 * Webhooks and notification channels (Slack, Discord, Telegram, ntfy, email; one delivery machinery), browser push
 * (Web Push: each person's subscriptions, `notification.push` / `push.deliver` jobs), signed frame and
 * unsubscribe links, and the account mails. Imported by every role that emits the events it listens to (api, worker, inference): the listener
 * records deliveries and enqueues them where the event happens; the worker's `notifications` queue sends them.
 * Needs the global AuditModule in the importing role (the API's changes are audited).
 */
@Module({
  imports: [AccountsModule, PrinterDirectoryModule, CopyDirectoryModule],
  controllers: [
    WebhooksController,
    ChannelsController,
    NotificationLinksController,
    PushSubscriptionsController,
    NotificationPreferencesController,
    NotificationSettingsController,
  ],
  providers: [
    NotificationPreferencesRepository,
    NotificationPreferencesService,
    NotificationSettingsService,
    PersonalNotifier,
    PersonalNotificationJobs,
    NotificationFanout,
    NotificationEventsJobs,
    NotificationClock,
    NotificationChannelsRepository,
    ChannelsService,
    ChannelDeliverer,
    NotificationLinksService,
    AccountMailListener,
    FramesRepository,
    FrameStorage,
    {
      provide: CHANNEL_SECRET_CIPHER,
      inject: [APP_CONFIG],
      useFactory: (config: AppConfig) => new WebhookSecretCipher(config.SECRET_KEY, 'farmhand:channel-secret:v1'),
    },
    {
      provide: SIGNED_LINKS,
      inject: [APP_CONFIG],
      useFactory: (config: AppConfig) => new SignedLinks(config.SECRET_KEY, config.PUBLIC_URL.replace(/\/+$/, '')),
    },
    {
      provide: MAIL_SENDER,
      inject: [APP_CONFIG],
      useFactory: (config: AppConfig) => new MailSender(config.SMTP_URL, config.MAIL_FROM),
    },
    WebhooksRepository,
    WebhookDeliveriesRepository,
    NotificationFacts,
    WebhookPublisher,
    WebhooksService,
    NotificationsListener,
    WebhookJobs,
    PushSubscriptionsRepository,
    PushSubscriptionsService,
    PushJobs,
    {
      provide: PUSH_SENDER,
      inject: [APP_CONFIG],
      useFactory: (config: AppConfig) => {
        const keys = vapidKeysFrom(config);
        // The push service's endpoint gets the webhooks' SSRF guard, with push's own http / private switches.
        const http = new WebhookSender({ allowHttp: config.PUSH_ALLOW_HTTP, allowPrivate: config.PUSH_ALLOW_PRIVATE });
        return keys ? new PushSender(keys, http) : null;
      },
    },
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
  exports: [WebhookPublisher, WebhooksService, ChannelsService],
})
export class NotificationsModule implements OnApplicationShutdown {
  constructor(@Inject(MAIL_SENDER) private readonly mail: MailSender) {}

  onApplicationShutdown(): void {
    this.mail.close();
  }
}
