import { Inject, Injectable } from '@nestjs/common';
import { OnEvent } from '@nestjs/event-emitter';
import type { AccountsEventMap } from '@farmhand/accounts';
import { LOGGER } from '@farmhand/core';
import type { Logger } from 'pino';
import { MAIL_SENDER } from '../notifications.tokens';
import type { MailSender } from './mail-sender';

/**
 * Mails that account flows need (`account.email`: invitations, later password resets and verifications), sent in
 * the process that emitted them. Without SMTP_URL nothing is sent (the flows offer a link to copy). The mail holds a
 * secret link: only its purpose and a failure's SMTP message are logged, never the address's mail body.
 */
@Injectable()
export class AccountMailListener {
  constructor(
    @Inject(MAIL_SENDER) private readonly mail: MailSender,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {}

  @OnEvent('account.email')
  async onAccountEmail(event: AccountsEventMap['account.email']): Promise<void> {
    if (!this.mail.configured) return;
    try {
      await this.mail.send({ to: event.to, subject: event.subject, text: event.text, html: event.html });
      this.logger.info({ orgId: event.orgId, purpose: event.purpose }, 'account mail sent');
    } catch (error) {
      this.logger.error(
        { orgId: event.orgId, purpose: event.purpose, error: error instanceof Error ? error.message : String(error) },
        'account mail not sent',
      );
    }
  }
}
