import { Inject, Injectable } from '@nestjs/common';
import { APP_CONFIG, type AppConfig } from '@farmhand/core';
import type { SendResult, WebhookSender } from '../delivery/webhook-sender';
import type { NotificationChannel } from '../entities/notification-channel.entity';
import type { WebhookDelivery } from '../entities/webhook-delivery.entity';
import { CHANNEL_SECRET_CIPHER, MAIL_SENDER, SIGNED_LINKS, WEBHOOK_SENDER } from '../notifications.tokens';
import type { WebhookSecretCipher } from '../webhook-secret.cipher';
import type { ChannelSecrets } from './channel-kinds';
import { buildMessage, channelRequest, emailContent } from './channel-messages';
import type { MailSender } from './mail-sender';
import type { SignedLinks } from './signed-links';

const permanent = (error: string): SendResult => ({ ok: false, status: null, error, permanent: true });

/**
 * One try of one channel delivery: the message built from the stored event data, rendered for the platform, sent
 * through the webhook sender (the same SSRF guard, timeout and answer cut) or over SMTP. Platforms that answer 200
 * with `ok: false` (Slack's Web API, Telegram) count as failures.
 */
@Injectable()
export class ChannelDeliverer {
  constructor(
    @Inject(WEBHOOK_SENDER) private readonly sender: WebhookSender,
    @Inject(MAIL_SENDER) private readonly mail: MailSender,
    @Inject(CHANNEL_SECRET_CIPHER) private readonly cipher: WebhookSecretCipher,
    @Inject(SIGNED_LINKS) private readonly links: SignedLinks,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  async send(channel: NotificationChannel, delivery: WebhookDelivery): Promise<SendResult> {
    let secrets: ChannelSecrets = {};
    if (channel.secretCiphertext) {
      try {
        secrets = JSON.parse(this.cipher.decrypt(channel.secretCiphertext, channel.id)) as ChannelSecrets;
      } catch {
        return permanent('the channel’s credentials cannot be read (SECRET_KEY changed?); enter them again');
      }
    }
    const message = buildMessage(delivery.orgId, delivery.event, delivery.payload, {
      publicUrl: this.config.PUBLIC_URL.replace(/\/+$/, ''),
      frameUrl: (frameId) => this.links.frameUrl(delivery.orgId, frameId),
    });
    if (channel.kind === 'email') return this.sendMail(channel, message, delivery);

    const request = channelRequest(
      channel.kind,
      message,
      channel.settings,
      secrets,
      {
        slackApiUrl: this.config.SLACK_API_URL.replace(/\/+$/, ''),
        telegramApiUrl: this.config.TELEGRAM_API_URL.replace(/\/+$/, ''),
      },
      delivery.createdAt.toISOString(),
    );
    const result = await this.sender.post(request.url, request.headers, request.body);
    if (result.ok && request.expectOkField && !/"ok"\s*:\s*true/.test(result.answer ?? ''))
      return {
        ok: false,
        status: result.status,
        error: `refused: ${result.answer ?? ''}`.slice(0, 1024),
        permanent: false,
      };
    return result;
  }

  /**
   * One mail per address (each with its own unsubscribe link). Each address's outcome is returned (and recorded on the
   * delivery): a retry after a refusal mails only the addresses not accepted yet, never a second copy to the others.
   */
  private async sendMail(
    channel: NotificationChannel,
    message: ReturnType<typeof buildMessage>,
    delivery: WebhookDelivery,
  ): Promise<SendResult> {
    if (!this.mail.configured) return permanent('SMTP_URL is not set: mail channels cannot send');
    const unsubscribed = new Set(channel.settings.emailUnsubscribed ?? []);
    const to = (channel.settings.emailTo ?? []).filter((address) => !unsubscribed.has(address));
    const recipients = { ...(delivery.recipients ?? {}) };
    const attempt = delivery.attempts + 1;
    const errors: string[] = [];
    for (const address of to) {
      if (recipients[address]?.sent) continue;
      const unsubscribeUrl = this.links.unsubscribeUrl(channel.id, address);
      try {
        await this.mail.send({
          to: address,
          ...emailContent(message, unsubscribeUrl),
          headers: { 'List-Unsubscribe': `<${unsubscribeUrl}>`, 'List-Unsubscribe-Post': 'List-Unsubscribe=One-Click' },
        });
        recipients[address] = { sent: true, attempt };
      } catch (error) {
        const reason = (error instanceof Error ? error.message : String(error)).replace(/\u0000/g, '').slice(0, 300);
        recipients[address] = { sent: false, error: reason, attempt };
        errors.push(`${address}: ${reason}`);
      }
    }
    if (errors.length)
      return {
        ok: false,
        status: null,
        error: `SMTP: ${errors.length} of ${to.length} address(es) refused; ${errors[0]}`.slice(0, 1024),
        permanent: false,
        recipients,
      };
    return { ok: true, status: 250, error: null, permanent: false, recipients };
  }
}
