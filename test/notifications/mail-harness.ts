import type { AddressInfo } from 'node:net';
import { simpleParser, type ParsedMail } from 'mailparser';
import { SMTPServer } from 'smtp-server';

export interface ReceivedMail {
  envelopeTo: string[];
  parsed: ParsedMail;
}

/**
 * A real SMTP server on a free local port: accepts every mail and keeps it parsed. Plain SMTP, no auth, no TLS.
 * An address put in `refuseOnce` is refused at its next RCPT TO (450, a temporary refusal), then accepted again.
 */
export class MailCatcher {
  readonly mails: ReceivedMail[] = [];
  readonly refuseOnce = new Set<string>();
  /** Every RCPT TO the server refused. */
  readonly refused: string[] = [];
  private server?: SMTPServer;
  url = '';

  async start(): Promise<this> {
    this.server = new SMTPServer({
      authOptional: true,
      disabledCommands: ['STARTTLS', 'AUTH'],
      logger: false,
      onRcptTo: (address, _session, callback) => {
        if (!this.refuseOnce.delete(address.address)) return callback();
        this.refused.push(address.address);
        const refusal = Object.assign(new Error('Mailbox busy, try again later'), { responseCode: 450 });
        callback(refusal);
      },
      onData: (stream, session, callback) => {
        simpleParser(stream)
          .then((parsed) => {
            this.mails.push({ envelopeTo: session.envelope.rcptTo.map((to) => to.address), parsed });
            callback();
          })
          .catch((error: Error) => callback(error));
      },
    });
    await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', resolve));
    this.url = `smtp://127.0.0.1:${(this.server.server.address() as AddressInfo).port}`;
    return this;
  }

  to(address: string): ReceivedMail[] {
    return this.mails.filter((mail) => mail.envelopeTo.includes(address));
  }

  async stop(): Promise<void> {
    await new Promise<void>((resolve) => this.server?.close(() => resolve()));
  }
}
