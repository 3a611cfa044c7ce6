import { createTransport, type Transporter } from 'nodemailer';

export interface OutgoingMail {
  to: string;
  subject: string;
  text: string;
  html?: string;
  headers?: Record<string, string>;
}

/**
 * SMTP over nodemailer from SMTP_URL (`smtp://` upgrades with STARTTLS when the server offers it, `smtps://` is TLS
 * from the start; credentials in the URL). Without SMTP_URL `configured` is false and nothing is sent.
 */
export class MailSender {
  private readonly transport: Transporter | null;

  constructor(
    smtpUrl: string | undefined,
    private readonly from: string,
  ) {
    this.transport = smtpUrl
      ? createTransport(
          // A URL's query sets options too (nodemailer parses it): the timeouts keep a dead server from stalling jobs.
          `${smtpUrl}${smtpUrl.includes('?') ? '&' : '?'}connectionTimeout=10000&greetingTimeout=10000&socketTimeout=20000`,
        )
      : null;
  }

  get configured(): boolean {
    return this.transport !== null;
  }

  /**
   * Resolves with the server's message id; rejects with the SMTP error (its message never holds the body), also when
   * the server refused the recipient (`info.rejected`) but nodemailer went on.
   */
  async send(mail: OutgoingMail): Promise<string> {
    if (!this.transport) throw new Error('SMTP_URL is not set');
    const info = (await this.transport.sendMail({ from: this.from, ...mail })) as {
      messageId: string;
      rejected?: unknown[];
      rejectedErrors?: { message?: string }[];
    };
    if (info.rejected?.length)
      throw new Error(info.rejectedErrors?.[0]?.message ?? `the server refused ${info.rejected.length} recipient(s)`);
    return info.messageId;
  }

  close(): void {
    this.transport?.close();
  }
}
