import type { WebSocket } from 'ws';

import { currentModel, OCTOPRINT_VERSION } from './octoprint-models';
import type { PrinterSite } from './octoprint-rest';
import type { OctoPrintEvent } from '../core/virtual-printer';

const BASE_RATE_MS = 500;
const MAX_INBOUND_BYTES = 16 * 1024;

interface Client {
  socket: WebSocket;
  authed: boolean;
  throttle: number;
  lastCurrent: number;
}

/**
 * OctoPrint's push socket on its raw-websocket endpoint (`/sockjs/websocket`): plain JSON text frames
 * (`{"connected": ...}`, `{"current": ...}`, `{"event": ...}`), no SockJS framing, as sockjs-tornado's
 * RawWebSocketTransport sends them. Status flows only after `{"auth": "name:session"}`.
 */
export class PushHub {
  private readonly clients = new Set<Client>();
  private readonly onEvent = (event: OctoPrintEvent) => this.broadcast({ event });
  private readonly onState = () => this.sendCurrentToAll();

  constructor(private readonly site: PrinterSite) {
    site.printer.on('event', this.onEvent);
    site.printer.on('state', this.onState);
  }

  get size(): number {
    return this.clients.size;
  }

  accept(socket: WebSocket): void {
    const client: Client = { socket, authed: false, throttle: 1, lastCurrent: 0 };
    this.clients.add(client);
    socket.on('close', () => this.clients.delete(client));
    socket.on('error', () => socket.terminate());
    socket.on('message', (data, isBinary) => this.receive(client, data as Buffer, isBinary));
    this.send(client, {
      connected: {
        version: OCTOPRINT_VERSION,
        display_version: OCTOPRINT_VERSION,
        branch: null,
        plugin_hash: 'simulated',
        config_hash: 'simulated',
        debug: false,
        safe_mode: null,
        online: true,
        permissions: [],
      },
    });
  }

  /** Called by the farm's clock; OctoPrint sends `current` only while the printer link is up. */
  tick(now: number): void {
    const printer = this.site.printer;
    if (printer.phase === 'offline' || printer.phase === 'error') return;
    for (const client of this.clients) {
      if (client.authed && now - client.lastCurrent >= BASE_RATE_MS * client.throttle) this.sendCurrentTo(client, now);
    }
  }

  closeAll(code = 1001): void {
    for (const client of this.clients) client.socket.close(code);
    this.clients.clear();
  }

  /** Abrupt loss of the host (test control "offline"). */
  terminateAll(): void {
    for (const client of this.clients) client.socket.terminate();
    this.clients.clear();
  }

  dispose(): void {
    this.site.printer.off('event', this.onEvent);
    this.site.printer.off('state', this.onState);
    this.closeAll();
  }

  private receive(client: Client, data: Buffer, isBinary: boolean): void {
    if (isBinary || data.length > MAX_INBOUND_BYTES) return;
    let message: unknown;
    try {
      message = JSON.parse(data.toString('utf8'));
    } catch {
      return; // OctoPrint logs and ignores invalid JSON.
    }
    if (message === null || typeof message !== 'object') return;
    const { auth, throttle } = message as { auth?: unknown; throttle?: unknown };
    if (typeof auth === 'string') {
      const wasAuthed = client.authed;
      client.authed = auth.split(':').length === 2 && this.site.sessions.has(auth);
      if (client.authed && !wasAuthed) {
        this.send(client, { history: { ...currentModel(this.site.printer, Date.now()), logs: [], messages: [] } });
      }
    } else if (typeof throttle === 'number' && Number.isInteger(throttle) && throttle >= 1 && throttle <= 100) {
      client.throttle = throttle;
    }
  }

  /** OctoPrint pushes a `current` on every state change, including the one to Offline. */
  private sendCurrentToAll(): void {
    const now = Date.now();
    for (const client of this.clients) if (client.authed) this.sendCurrentTo(client, now);
  }

  private sendCurrentTo(client: Client, now: number): void {
    client.lastCurrent = now;
    this.send(client, { current: currentModel(this.site.printer, now) });
  }

  private broadcast(message: unknown): void {
    for (const client of this.clients) if (client.authed) this.send(client, message);
  }

  private send(client: Client, message: unknown): void {
    if (client.socket.readyState === client.socket.OPEN) client.socket.send(JSON.stringify(message));
  }
}
