import { EventEmitter2 } from '@nestjs/event-emitter';
import type { ApiHarness } from './api-harness';
import { waitFor } from './wait-for';

export interface AccountMail {
  purpose: 'invitation' | 'password_reset' | 'email_verification';
  to: string;
  subject: string;
  text: string;
}

/**
 * Records the `account.email` domain events the api emits (what the notifications library would send over SMTP), so
 * a test can follow a reset or verification link as a person reading their mail would.
 */
export function captureAccountMail(api: ApiHarness) {
  const mails: AccountMail[] = [];
  api.app.get(EventEmitter2).on('account.email', (mail: AccountMail) => mails.push(mail));
  return {
    mails,
    /** The token in the link of the latest mail of this purpose to this address (waits for it). */
    async token(to: string, purpose: AccountMail['purpose'], after = 0): Promise<string> {
      const mail = await waitFor(
        () => mails.filter((candidate) => candidate.to === to && candidate.purpose === purpose)[after],
        `a ${purpose} mail to ${to}`,
        10_000,
      );
      return tokenOf(mail.text);
    },
  };
}

/** The token from a link's fragment (`…#token=…`). */
export function tokenOf(text: string): string {
  const match = /#token=([A-Za-z0-9_-]+)/.exec(text);
  if (!match) throw new Error(`no link with a token in: ${text.slice(0, 80)}`);
  return match[1]!;
}
