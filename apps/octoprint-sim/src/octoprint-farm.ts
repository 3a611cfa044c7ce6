import { createServer } from 'node:http';
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Duplex } from 'node:stream';

import type { Logger } from 'pino';
import { WebSocketServer } from 'ws';

import { HttpError, readBody, sendError, sendJson } from './http-helpers';
import { handleOctoPrintRequest } from './octoprint-rest';
import type { PrinterSite } from './octoprint-rest';
import { PushHub } from './push-socket';
import { VirtualPrinter } from './virtual-printer';
import { WebcamRenderer } from './webcam-renderer';

export interface FarmOptions {
  printers: number;
  /** Shared port serving every printer under `/p/<index>`; 0 picks a free one. */
  port?: number;
  host?: string;
  /** Simulated seconds per real second (60 turns an hour-long print into a minute). */
  timeScale?: number;
  /** The API key every simulated OctoPrint expects in `X-Api-Key`. */
  apiKey?: string;
  /** Also serve each printer at the root of its own port (`port + 1 + index`, or a free one when `port` is 0). */
  portPerPrinter?: boolean;
  maxUploadBytes?: number;
  /** Printers start connected to their (virtual) serial port, like OctoPrint with autoconnect. */
  startConnected?: boolean;
  logger?: Logger;
}

export const DEFAULT_API_KEY = 'farmhand-simulated-octoprint-key';
const TICK_MS = 100;
const MAX_CONTROL_BODY = 4 * 1024;

/** A virtual OctoPrint farm: N printers behind the REST API and push socket of OctoPrint 1.10/1.11. */
export class OctoPrintFarm {
  private readonly sites: PrinterSite[] = [];
  private readonly hubs: PushHub[] = [];
  private readonly servers: Server[] = [];
  private readonly directServers: Server[] = [];
  private readonly wss = new WebSocketServer({ noServer: true, maxPayload: 64 * 1024 });
  private readonly renderer = new WebcamRenderer();
  private clock: NodeJS.Timeout | null = null;
  private readonly pushDisabled = new Set<number>();
  private readonly options: Required<Omit<FarmOptions, 'logger'>> & { logger?: Logger };

  constructor(options: FarmOptions) {
    if (!Number.isInteger(options.printers) || options.printers < 1 || options.printers > 10_000) {
      throw new Error('printers must be an integer between 1 and 10000');
    }
    this.options = {
      port: 0,
      host: '127.0.0.1',
      timeScale: 1,
      apiKey: DEFAULT_API_KEY,
      portPerPrinter: false,
      maxUploadBytes: 256 * 1024 * 1024,
      startConnected: true,
      ...options,
    };
    if (!(this.options.timeScale > 0)) throw new Error('timeScale must be positive');
    for (let index = 0; index < options.printers; index++) {
      const printer = new VirtualPrinter(index, {
        timeScale: this.options.timeScale,
        startConnected: this.options.startConnected,
      });
      const site: PrinterSite = {
        printer,
        apiKey: this.options.apiKey,
        sessions: new Set(),
        maxUploadBytes: this.options.maxUploadBytes,
        renderSnapshot: (p) => this.renderer.render(sceneOf(p)),
      };
      this.sites.push(site);
      this.hubs.push(new PushHub(site));
    }
  }

  get size(): number {
    return this.sites.length;
  }

  printer(index: number): VirtualPrinter {
    const site = this.sites[index];
    if (!site) throw new RangeError(`no printer ${index}`);
    return site.printer;
  }

  get port(): number {
    return (this.servers[0]?.address() as AddressInfo | null)?.port ?? 0;
  }

  get baseUrl(): string {
    return `http://${urlHost(this.options.host)}:${this.port}`;
  }

  /** OctoPrint base URL of printer `index` on the shared port. */
  url(index: number): string {
    this.printer(index);
    return `${this.baseUrl}/p/${index}`;
  }

  /** OctoPrint base URL of printer `index` on its own port (needs `portPerPrinter`). */
  directUrl(index: number): string {
    const server = this.directServers[index];
    if (!server) throw new Error('portPerPrinter is off');
    return `http://${urlHost(this.options.host)}:${(server.address() as AddressInfo).port}`;
  }

  /** Push sockets open on printer `index`, authenticated or not. */
  pushClients(index: number): number {
    return this.hubs[index].size;
  }

  async start(): Promise<void> {
    const main = this.createServer(null);
    await listen(main, this.options.port, this.options.host);
    this.servers.push(main);
    if (this.options.portPerPrinter) {
      for (let index = 0; index < this.sites.length; index++) {
        const server = this.createServer(index);
        await listen(server, this.options.port === 0 ? 0 : this.options.port + 1 + index, this.options.host);
        this.servers.push(server);
        this.directServers.push(server);
      }
    }
    this.clock = setInterval(() => this.tick(), TICK_MS);
    this.clock.unref();
  }

  async stop(): Promise<void> {
    if (this.clock) clearInterval(this.clock);
    this.clock = null;
    for (const hub of this.hubs) hub.dispose();
    this.wss.close();
    await Promise.all(
      this.servers.map(
        (server) =>
          new Promise<void>((resolve) => {
            server.close(() => resolve());
            server.closeAllConnections();
          }),
      ),
    );
    this.servers.length = 0;
    this.directServers.length = 0;
  }

  /** Test control: the host disappears (requests and push sockets are dropped) until `setOnline`. */
  setOffline(index: number): void {
    this.printer(index).reachable = false;
    this.hubs[index].terminateAll();
  }

  setOnline(index: number): void {
    this.printer(index).reachable = true;
  }

  /** Test control: refuse push sockets (as a proxy that does not pass WebSockets would) while REST keeps working. */
  setPushEnabled(index: number, enabled: boolean): void {
    this.printer(index);
    if (enabled) this.pushDisabled.delete(index);
    else {
      this.pushDisabled.add(index);
      this.hubs[index].terminateAll();
    }
  }

  tick(now = Date.now()): void {
    for (let index = 0; index < this.sites.length; index++) {
      this.sites[index].printer.tick(now);
      this.hubs[index].tick(now);
    }
  }

  private createServer(fixedIndex: number | null): Server {
    const server = createServer((req, res) => {
      this.handle(fixedIndex, req, res).catch(() => {
        if (!res.headersSent) sendError(res, 500, 'Internal simulator error');
        else res.destroy();
      });
    });
    server.on('upgrade', (req, socket, head) => this.upgrade(fixedIndex, req, socket, head));
    server.on('clientError', (_error, socket) => socket.destroy());
    return server;
  }

  private async handle(fixedIndex: number | null, req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = parseUrl(req.url);
    if (!url) return sendError(res, 400, 'Bad request');
    const host = hostOf(req, this.options.host, this.port);
    if (fixedIndex !== null) {
      return this.serveSite(fixedIndex, req, res, url.pathname, url.searchParams, `http://${host}`);
    }
    const control = /^\/sim\/p\/(\d+)\/([a-z]+)$/.exec(url.pathname);
    if (control) return this.control(Number(control[1]), control[2], req, res);
    const prefixed = /^\/p\/(\d+)(\/.*)?$/.exec(url.pathname);
    if (prefixed) {
      const index = Number(prefixed[1]);
      if (!this.sites[index]) return sendError(res, 404, `No printer ${index}`);
      return this.serveSite(index, req, res, prefixed[2] ?? '/', url.searchParams, `http://${host}/p/${index}`);
    }
    if (url.pathname === '/' || url.pathname === '/sim') {
      const printers = this.sites.map(({ printer }) => ({
        index: printer.index,
        url: `http://${host}/p/${printer.index}`,
        phase: printer.phase,
        reachable: printer.reachable,
      }));
      return sendJson(res, 200, { printers });
    }
    sendError(res, 404, 'Not found');
  }

  private async serveSite(
    index: number,
    req: IncomingMessage,
    res: ServerResponse,
    path: string,
    query: URLSearchParams,
    baseUrl: string,
  ): Promise<void> {
    const site = this.sites[index];
    if (!site.printer.reachable) return void req.socket.destroy();
    await handleOctoPrintRequest(site, req, res, { path, query, baseUrl });
  }

  private async control(index: number, action: string, req: IncomingMessage, res: ServerResponse): Promise<void> {
    const site = this.sites[index];
    if (!site) return sendError(res, 404, `No printer ${index}`);
    if (req.method !== 'POST') return sendError(res, 405, 'Use POST');
    let body: Record<string, unknown> = {};
    try {
      const raw = (await readBody(req, MAX_CONTROL_BODY)).toString('utf8');
      if (raw.trim()) body = JSON.parse(raw) as Record<string, unknown>;
    } catch (error) {
      return sendError(res, error instanceof HttpError ? error.status : 400, 'Expected an empty or JSON body');
    }
    const printer = site.printer;
    switch (action) {
      case 'fail':
        printer.fail(typeof body.message === 'string' ? body.message.slice(0, 500) : undefined);
        break;
      case 'offline':
        this.setOffline(index);
        break;
      case 'online':
        this.setOnline(index);
        break;
      case 'spaghetti':
        printer.spaghetti = body.on !== false;
        break;
      case 'disconnect':
        printer.disconnect();
        break;
      default:
        return sendError(res, 404, `Unknown control ${action}`);
    }
    this.options.logger?.info({ printer: index, action }, 'simulator control');
    sendJson(res, 200, { index, phase: printer.phase, reachable: printer.reachable, spaghetti: printer.spaghetti });
  }

  private upgrade(fixedIndex: number | null, req: IncomingMessage, socket: Duplex, head: Buffer): void {
    socket.on('error', () => socket.destroy());
    const url = parseUrl(req.url);
    let index: number | null = null;
    if (url && fixedIndex !== null && url.pathname === '/sockjs/websocket') index = fixedIndex;
    const prefixed = url && fixedIndex === null ? /^\/p\/(\d+)\/sockjs\/websocket$/.exec(url.pathname) : null;
    if (prefixed) index = Number(prefixed[1]);
    const site = index === null ? undefined : this.sites[index];
    if (!site || !site.printer.reachable || this.pushDisabled.has(index!)) return void socket.destroy();
    this.wss.handleUpgrade(req, socket, head, (ws) => this.hubs[index!].accept(ws));
  }
}

function sceneOf(printer: VirtualPrinter) {
  const file = printer.selected;
  return {
    seed: printer.index + 1,
    completion: file ? (printer.completion() ?? 0) : 0,
    layerCount: file?.analysis.layerCount ?? 100,
    spaghetti: printer.spaghetti,
    nozzleHot: printer.tool0.actual > 150,
  };
}

function parseUrl(raw: string | undefined): URL | null {
  try {
    return new URL(raw ?? '/', 'http://sim.invalid');
  } catch {
    return null;
  }
}

function hostOf(req: IncomingMessage, host: string, port: number): string {
  const header = req.headers.host;
  return header && /^[A-Za-z0-9.\-:[\]]{1,255}$/.test(header) ? header : `${urlHost(host)}:${port}`;
}

function urlHost(host: string): string {
  if (host === '0.0.0.0' || host === '::') return '127.0.0.1';
  return host.includes(':') ? `[${host}]` : host;
}

function listen(server: Server, port: number, host: string): Promise<void> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
}
