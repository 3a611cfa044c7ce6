import { EventEmitter } from 'node:events';

import { AGENT_NAMESPACE, SINGLE_PRINTER_PROTOCOL_VERSION } from '@farmhand/protocol';
import type { Logger } from 'pino';
import { io } from 'socket.io-client';
import type { Socket } from 'socket.io-client';

import { backoffDelay, DEFAULT_BACKOFF } from './backoff';
import type { BackoffPolicy } from './backoff';

/** What an agent runtime needs of its link to Farmhand: a whole socket, or one printer on a gateway's socket. */
export interface AgentLink extends EventEmitter {
  readonly connected: boolean;
  /** The protocol version the printer's hello names on this link. */
  readonly protocolVersion: number;
  connect(): void;
  send(event: string, payload: unknown): boolean;
  reconnectSoon(withinMs: number): void;
  close(): void;
}

export interface ServerLinkOptions {
  serverUrl: string;
  /** The printer's credential; a gateway's multiplexed socket has none and sends `auth` instead. */
  credential?: string;
  auth?: Record<string, unknown>;
  logger: Logger;
  backoff?: BackoffPolicy;
  random?: () => number;
  connectTimeoutMs?: number;
}

/**
 * The agent's socket.io connection to `/agent`. The credential travels only in the handshake's auth payload
 * (never in the URL, where proxies log it). Reconnects itself with exponential backoff and jitter, including
 * after the server closed the connection, which socket.io's own reconnection does not do.
 *
 * Emits `connected`, `disconnected` (reason) and `message` (event name, arguments).
 */
export class ServerLink extends EventEmitter implements AgentLink {
  private socket: Socket | null = null;
  private retryTimer: NodeJS.Timeout | null = null;
  private attempt = 0;
  private closed = false;
  /** Set by the server's `server_closing` hint: the next reconnect waits a random part of this, not the backoff. */
  private reconnectWithinMs: number | null = null;

  readonly protocolVersion = SINGLE_PRINTER_PROTOCOL_VERSION;

  constructor(private readonly options: ServerLinkOptions) {
    super();
  }

  get connected(): boolean {
    return this.socket?.connected ?? false;
  }

  connect(): void {
    this.closed = false;
    const url = new URL(AGENT_NAMESPACE, this.options.serverUrl).toString();
    const socket = io(url, {
      auth: this.options.auth ?? { credential: this.options.credential },
      transports: ['websocket'],
      reconnection: false,
      forceNew: true,
      timeout: this.options.connectTimeoutMs ?? 20_000,
    });
    this.socket = socket;
    socket.on('connect', () => {
      this.attempt = 0;
      this.options.logger.info({ server: new URL(this.options.serverUrl).origin }, 'connected to Farmhand');
      this.emit('connected');
    });
    socket.on('connect_error', (error: Error & { data?: { code?: string } }) => {
      const rejected = /unauthori[sz]ed|forbidden|credential|revoked/i.test(
        `${error.message} ${error.data?.code ?? ''}`,
      );
      this.options.logger.warn({ reason: error.message, rejected }, 'could not connect to Farmhand');
      // A refused credential will not become valid by retrying fast.
      this.scheduleRetry(rejected ? Number.POSITIVE_INFINITY : undefined);
    });
    socket.on('disconnect', (reason: string) => {
      this.options.logger.warn({ reason }, 'disconnected from Farmhand');
      this.emit('disconnected', reason);
      if (reason !== 'io client disconnect') this.scheduleRetry();
    });
    socket.onAny((event: string, ...args: unknown[]) => this.emit('message', event, args));
  }

  /** Sends when connected; returns false otherwise (socket.io's offline buffer would replay stale state). */
  send(event: string, payload: unknown): boolean {
    if (!this.socket?.connected) return false;
    this.socket.emit(event, payload);
    return true;
  }

  /** Sends and waits for the acknowledgement; rejects when not connected or after `timeoutMs`. */
  async request(event: string, payload: unknown, timeoutMs: number): Promise<unknown> {
    if (!this.socket?.connected) throw new Error('not connected');
    return this.socket.timeout(timeoutMs).emitWithAck(event, payload);
  }

  /**
   * The server is going away on purpose (a deploy): reconnect after a random delay within the window, so a load
   * balancer spreads these agents over the remaining instances without a stampede, and without the long backoff.
   */
  reconnectSoon(withinMs: number): void {
    this.reconnectWithinMs = Math.max(0, withinMs);
    this.options.logger.info({ withinMs }, 'server is closing; reconnecting to another instance');
  }

  close(): void {
    this.closed = true;
    if (this.retryTimer) clearTimeout(this.retryTimer);
    this.retryTimer = null;
    this.socket?.removeAllListeners();
    this.socket?.offAny();
    this.socket?.disconnect();
    this.socket = null;
  }

  private scheduleRetry(forceAttempt?: number): void {
    if (this.closed || this.retryTimer) return;
    const policy = this.options.backoff ?? DEFAULT_BACKOFF;
    // The hint serves one reconnect; if that fails too (no other instance yet), the ordinary backoff follows.
    const hinted = forceAttempt === undefined ? this.reconnectWithinMs : null;
    this.reconnectWithinMs = null;
    const random = this.options.random ?? Math.random;
    const delay =
      hinted !== null
        ? Math.round(random() * hinted)
        : backoffDelay(forceAttempt ?? this.attempt, policy, this.options.random);
    if (hinted === null) this.attempt += 1;
    this.options.logger.info({ delayMs: delay }, 'reconnecting to Farmhand later');
    this.retryTimer = setTimeout(() => {
      this.retryTimer = null;
      if (!this.closed && this.socket && !this.socket.connected) this.socket.connect();
    }, delay);
  }
}
