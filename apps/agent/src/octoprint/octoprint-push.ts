import { EventEmitter } from 'node:events';

import type { Logger } from 'pino';
import WebSocket from 'ws';

export interface PushSocketOptions {
  /** OctoPrint base URL (http/https); the socket lives at `<base>/sockjs/websocket`. */
  baseUrl: string;
  /** Performs a passive login and returns `name:session`. */
  login: () => Promise<string>;
  logger: Logger;
  /** Silence allowed on the socket before a ping must be answered (OctoPrint is silent while the printer is offline). */
  pingIntervalMs?: number;
  maxMessageBytes?: number;
}

export type PushMessage = { type: string; payload: unknown };

/**
 * OctoPrint's push socket on the raw-websocket endpoint. OctoPrint sends plain JSON objects there
 * (`{"current": {...}}`); SockJS-framed text (`o`, `h`, `a[...]`, `c[...]`) is also understood,
 * for proxies or versions that frame it.
 *
 * Emits `authed`, `message` (PushMessage) and `closed`. It does not reconnect by itself.
 */
export class OctoPrintPushSocket extends EventEmitter {
  private socket: WebSocket | null = null;
  private pingTimer: NodeJS.Timeout | null = null;
  private awaitingPong = false;
  private authed = false;

  constructor(private readonly options: PushSocketOptions) {
    super();
  }

  get isAuthed(): boolean {
    return this.authed;
  }

  /** Opens and authenticates; resolves once the socket is open (authentication follows the `connected` message). */
  open(): Promise<void> {
    const url = new URL(`${this.options.baseUrl}/sockjs/websocket`);
    url.protocol = url.protocol === 'https:' ? 'wss:' : 'ws:';
    const socket = new WebSocket(url, {
      maxPayload: this.options.maxMessageBytes ?? 8 * 1024 * 1024,
      handshakeTimeout: 10_000,
    });
    this.socket = socket;
    return new Promise((resolve, reject) => {
      socket.once('open', () => {
        this.startPing();
        resolve();
      });
      socket.once('error', (error) => reject(error));
      socket.on('error', (error) => this.options.logger.debug({ err: error.message }, 'push socket error'));
      socket.on('pong', () => (this.awaitingPong = false));
      socket.on('message', (data, isBinary) => {
        if (!isBinary) this.receive(data.toString());
      });
      socket.on('close', () => this.handleClose(socket));
    });
  }

  close(): void {
    const socket = this.socket;
    this.socket = null;
    if (socket) {
      socket.removeAllListeners('message');
      socket.terminate();
      this.handleClose(socket, true);
    }
  }

  private handleClose(socket: WebSocket, forced = false): void {
    if (this.socket !== socket && !forced) return;
    this.stopPing();
    const wasAuthed = this.authed;
    this.authed = false;
    this.socket = null;
    this.emit('closed', { wasAuthed });
  }

  private startPing(): void {
    const interval = this.options.pingIntervalMs ?? 15_000;
    this.pingTimer = setInterval(() => {
      if (!this.socket) return;
      if (this.awaitingPong) {
        this.options.logger.warn('push socket stopped answering pings; closing it');
        return this.socket.terminate();
      }
      this.awaitingPong = true;
      this.socket.ping();
    }, interval);
    this.pingTimer.unref();
  }

  private stopPing(): void {
    if (this.pingTimer) clearInterval(this.pingTimer);
    this.pingTimer = null;
    this.awaitingPong = false;
  }

  private receive(text: string): void {
    for (const message of decodeFrames(text)) {
      if (message.type === 'connected') void this.authenticate();
      if (message.type === 'reauthRequired') {
        this.authed = false;
        void this.authenticate();
      }
      if (message.type === 'history' || message.type === 'current') {
        if (!this.authed) {
          this.authed = true;
          this.emit('authed');
        }
      }
      this.emit('message', message);
    }
  }

  private async authenticate(): Promise<void> {
    try {
      const auth = await this.options.login();
      this.socket?.send(JSON.stringify({ auth }));
    } catch (error) {
      this.options.logger.warn({ err: (error as Error).message }, 'passive login for the push socket failed');
      this.socket?.close();
    }
  }
}

/** Plain JSON objects, or SockJS frames carrying JSON strings. Anything else is dropped. */
export function decodeFrames(text: string): PushMessage[] {
  const objects: unknown[] = [];
  const trimmed = text.trim();
  try {
    if (trimmed.startsWith('{')) objects.push(JSON.parse(trimmed));
    else if (trimmed.startsWith('a[')) {
      const items: unknown = JSON.parse(trimmed.slice(1));
      if (Array.isArray(items)) {
        for (const item of items) objects.push(typeof item === 'string' ? JSON.parse(item) : item);
      }
    }
  } catch {
    return [];
  }
  const messages: PushMessage[] = [];
  for (const object of objects) {
    if (object === null || typeof object !== 'object' || Array.isArray(object)) continue;
    for (const [type, payload] of Object.entries(object)) messages.push({ type, payload });
  }
  return messages;
}
