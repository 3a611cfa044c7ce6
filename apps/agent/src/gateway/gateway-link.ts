import { EventEmitter } from 'node:events';

import {
  GATEWAY_EVENTS,
  GATEWAY_SERVER_EVENTS,
  MULTIPLEX_VERSION,
  SERVER_EVENTS,
  attachResultSchema,
  detachedSchema,
  printerEnvelopeSchema,
  serverClosingSchema,
} from '@farmhand/protocol';
import type { DetachReason, PrinterEnvelope } from '@farmhand/protocol';
import type { Logger } from 'pino';

import { backoffDelay, DEFAULT_BACKOFF } from '../runtime/backoff';
import type { BackoffPolicy } from '../runtime/backoff';
import { ServerLink } from '../runtime/server-link';
import type { AgentLink } from '../runtime/server-link';

export interface GatewayLinkOptions {
  serverUrl: string;
  logger: Logger;
  backoff?: BackoffPolicy;
  random?: () => number;
  /** How long an `attach` may wait for its answer (default 20 s). */
  attachTimeoutMs?: number;
}

/** Refusals a fast retry cannot fix: the printer waits the longest backoff before trying again. */
const LONG_WAIT: ReadonlySet<string> = new Set(['unauthorized', 'revoked', 'abusive', 'replaced', 'deleted']);

/**
 * One multiplexed socket of a farm gateway (protocol 2): the socket itself carries no credential; every printer
 * is attached with its own credential and its messages travel in `printer` envelopes. The socket reconnects with
 * backoff (its `ServerLink`); each printer re-attaches on its own, so a refused or cut-off printer waits without
 * holding up the others.
 */
export class GatewayLink {
  private readonly socket: ServerLink;
  private readonly printers = new Map<string, PrinterLink>();
  private started = false;

  constructor(private readonly options: GatewayLinkOptions) {
    this.socket = new ServerLink({
      serverUrl: options.serverUrl,
      auth: { multiplex: MULTIPLEX_VERSION },
      logger: options.logger,
      backoff: options.backoff,
      random: options.random,
    });
    this.socket.on('connected', () => {
      for (const printer of this.printers.values()) printer.socketUp();
    });
    this.socket.on('disconnected', () => {
      for (const printer of this.printers.values()) printer.socketDown();
    });
    this.socket.on('message', (event: string, args: unknown[]) => this.onMessage(event, args));
  }

  get connected(): boolean {
    return this.socket.connected;
  }

  /** The link of one printer, for its `AgentRuntime`. */
  printer(printerId: string, credential: string, logger: Logger): PrinterLink {
    const link = new PrinterLink(this, this.socket, printerId, credential, logger, this.options);
    this.printers.set(printerId, link);
    return link;
  }

  /** Printers attached right now on this socket. */
  get attached(): number {
    let count = 0;
    for (const printer of this.printers.values()) if (printer.connected) count += 1;
    return count;
  }

  start(): void {
    if (this.started) return;
    this.started = true;
    this.socket.connect();
  }

  /** Called by a printer link that closed: the socket goes when no printer wants it. */
  released(link: PrinterLink): void {
    if (this.printers.get(link.printerId) === link) this.printers.delete(link.printerId);
    if (this.printers.size === 0 && this.started) {
      this.started = false;
      this.socket.close();
    }
  }

  private onMessage(event: string, args: unknown[]): void {
    if (event === GATEWAY_SERVER_EVENTS.printer) {
      const envelope = printerEnvelopeSchema.safeParse(args[0]);
      const link = envelope.success ? this.printers.get(envelope.data.printerId) : undefined;
      if (!envelope.success || !link) {
        this.options.logger.warn(
          { printerId: envelope.success ? envelope.data.printerId : null },
          'dropped a server message for a printer this gateway does not serve',
        );
        return;
      }
      link.deliver(envelope.data, args.slice(1));
      return;
    }
    if (event === GATEWAY_SERVER_EVENTS.detached) {
      const detached = detachedSchema.safeParse(args[0]);
      if (detached.success) this.printers.get(detached.data.printerId)?.detached(detached.data.reason);
      return;
    }
    if (event === SERVER_EVENTS.closing) {
      const closing = serverClosingSchema.safeParse(args[0]);
      if (closing.success) this.socket.reconnectSoon(closing.data.reconnectWithinMs);
      return;
    }
    if (event === SERVER_EVENTS.protocolError) {
      const code = (args[0] as { code?: unknown } | null)?.code;
      this.options.logger.warn({ code: typeof code === 'string' ? code : null }, 'server rejected a gateway message');
      return;
    }
    this.options.logger.warn({ event: event.slice(0, 64) }, 'dropped an unknown server message');
  }
}

/**
 * One printer's share of a gateway socket, with the interface of a single agent's `ServerLink`: `connected` once
 * the server accepted the printer's credential, `disconnected` when the socket drops or the server ends the
 * attachment (revocation, abuse, a newer link of the printer).
 */
export class PrinterLink extends EventEmitter implements AgentLink {
  readonly protocolVersion = MULTIPLEX_VERSION;
  private wanted = false;
  private attached = false;
  private attaching = false;
  private attempt = 0;
  private retryTimer: NodeJS.Timeout | null = null;

  constructor(
    private readonly gateway: GatewayLink,
    private readonly socket: ServerLink,
    readonly printerId: string,
    private readonly credential: string,
    private readonly logger: Logger,
    private readonly options: GatewayLinkOptions,
  ) {
    super();
  }

  get connected(): boolean {
    return this.attached && this.socket.connected;
  }

  connect(): void {
    this.wanted = true;
    this.gateway.start();
    if (this.socket.connected) this.attach();
  }

  send(event: string, payload: unknown): boolean {
    if (!this.connected) return false;
    return this.socket.send(GATEWAY_EVENTS.printer, {
      printerId: this.printerId,
      event,
      data: payload,
    } satisfies PrinterEnvelope);
  }

  /** The server's closing hint is for the whole socket, which the gateway link follows. */
  reconnectSoon(): void {}

  close(): void {
    this.wanted = false;
    this.clearRetry();
    if (this.attached && this.socket.connected) this.socket.send(GATEWAY_EVENTS.detach, { printerId: this.printerId });
    this.attached = false;
    this.gateway.released(this);
  }

  socketUp(): void {
    if (this.wanted) this.attach();
  }

  socketDown(): void {
    this.clearRetry();
    this.attaching = false;
    if (!this.attached) return;
    this.attached = false;
    this.emit('disconnected', 'transport');
  }

  deliver(envelope: PrinterEnvelope, rest: unknown[]): void {
    if (!this.attached) return;
    this.emit('message', envelope.event, [envelope.data, ...rest]);
  }

  detached(reason: DetachReason): void {
    const was = this.attached;
    this.attached = false;
    this.logger.warn({ reason }, 'the server ended this printer’s attachment');
    if (was) this.emit('disconnected', reason);
    this.scheduleRetry(LONG_WAIT.has(reason));
  }

  private attach(): void {
    if (this.attaching || this.attached || !this.wanted) return;
    this.attaching = true;
    this.clearRetry();
    this.socket
      .request(GATEWAY_EVENTS.attach, { credential: this.credential }, this.options.attachTimeoutMs ?? 20_000)
      .then(
        (answer) => {
          this.attaching = false;
          if (!this.wanted) return;
          const result = attachResultSchema.safeParse(answer);
          if (!result.success) {
            this.logger.warn('the server answered an attach oddly');
            this.scheduleRetry(false);
            return;
          }
          if (!result.data.ok) {
            this.logger.warn({ code: result.data.code }, 'the server refused this printer’s credential');
            this.scheduleRetry(LONG_WAIT.has(result.data.code));
            return;
          }
          if (result.data.printerId !== this.printerId) {
            // The credential names another printer than the gateway's file: serving it would mix two printers up.
            this.logger.error(
              { credentialPrinterId: result.data.printerId },
              'this printer’s credential belongs to another printer; check the gateway file',
            );
            this.socket.send(GATEWAY_EVENTS.detach, { printerId: result.data.printerId });
            this.scheduleRetry(true);
            return;
          }
          this.attached = true;
          this.attempt = 0;
          this.emit('connected');
        },
        (error: unknown) => {
          this.attaching = false;
          // Not connected: the socket's reconnect attaches again. Connected but unanswered: try later.
          if (this.socket.connected) {
            this.logger.warn({ reason: (error as Error).message }, 'attach not answered');
            this.scheduleRetry(false);
          }
        },
      );
  }

  private scheduleRetry(long: boolean): void {
    if (!this.wanted || this.retryTimer) return;
    const delay = backoffDelay(
      long ? Number.POSITIVE_INFINITY : this.attempt,
      this.options.backoff ?? DEFAULT_BACKOFF,
      this.options.random,
    );
    this.attempt += 1;
    this.retryTimer = setTimeout(() => {
      this.retryTimer = null;
      if (this.socket.connected) this.attach();
    }, delay);
    this.retryTimer.unref();
  }

  private clearRetry(): void {
    if (this.retryTimer) clearTimeout(this.retryTimer);
    this.retryTimer = null;
  }
}
