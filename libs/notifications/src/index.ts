export { NotificationsModule } from './notifications.module';
export { WebhooksService, toWebhookView, toDeliveryView } from './webhooks.service';
export type { WebhookView, DeliveryView } from './webhooks.service';
export { WebhookPublisher } from './webhook-publisher.service';
export { WebhookJobs, MAX_DELIVERY_ATTEMPTS, deliveryBody } from './jobs/webhook.jobs';
export { WebhookSender, WEBHOOK_TIMEOUT_MS, RESPONSE_SNIPPET_BYTES } from './delivery/webhook-sender';
export type { SendResult } from './delivery/webhook-sender';
export { WebhookSecretCipher, WEBHOOK_SECRET_PREFIX } from './webhook-secret.cipher';
export { signWebhook, verifyWebhook, SIGNATURE_HEADER, TIMESTAMP_HEADER } from './webhook-signature';
export { classifyAddress, validateWebhookUrl, addressAllowed } from './webhook-url';
export type { AddressClass, WebhookUrlPolicy } from './webhook-url';
export { WEBHOOK_EVENTS, DELIVERY_STATUSES } from './webhook-events';
export type { DeliveryStatus, SubscribableWebhookEvent, WebhookEvent } from './webhook-events';
export { Webhook } from './entities/webhook.entity';
export { WebhookDelivery } from './entities/webhook-delivery.entity';
export { NotificationChannel } from './entities/notification-channel.entity';
export { NotificationPreference } from './entities/notification-preference.entity';
export { HeldNotification } from './entities/held-notification.entity';
export { NotificationSettings } from './entities/notification-settings.entity';
export type { HoldReason, PersonalChannel } from './entities/held-notification.entity';
export { ChannelsService, toChannelView } from './channels/channels.service';
export type { ChannelView } from './channels/channels.service';
export { CHANNEL_KINDS } from './channels/channel-kinds';
export type { ChannelKind } from './channels/channel-kinds';
export {
  buildMessage,
  channelRequest,
  emailContent,
  PAUSE_ACTION_PREFIX,
  DISMISS_ACTION_PREFIX,
} from './channels/channel-messages';
export type { NotificationMessage } from './channels/channel-messages';
export { SignedLinks, FRAME_LINK_TTL_SECONDS } from './channels/signed-links';
export { MailSender } from './channels/mail-sender';
export { PushSubscription } from './entities/push-subscription.entity';
export { PushSubscriptionsService, PUSH_SUBSCRIPTIONS_PER_USER } from './push/push-subscriptions.service';
export { PushSender } from './push/push-sender';
export type { PushMessage, PushTarget } from './push/push-sender';
export { vapidKeysFrom, newVapidKeys } from './push/vapid-keys';
export type { VapidKeys } from './push/vapid-keys';
export { pushUrgency } from './jobs/push.jobs';
export { PersonalNotificationJobs } from './jobs/personal-notification.jobs';
export { NotificationClock } from './preferences/notification-clock';
export { URGENT_EVENTS } from './preferences/personal-events';
