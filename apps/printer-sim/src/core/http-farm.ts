import { createServer } from 'node:http';
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Duplex } from 'node:stream';

import { HttpError, readBody, sendError, sendJson } from './http-helpers';
import type { SimFarm, SimFarmOptions, SimKind } from './sim-kind';
import { VirtualPrinter } from './virtual-printer';
import type { VirtualPrinterOptions } from './virtual-printer';
import { loadWebcamPhotos, photoFor } from './webcam-photos';
import type { WebcamPhotos } from './webcam-photos';
import { WebcamRenderer } from './webcam-renderer';

const TICK_MS = 100;
const MAX_CONTROL_BODY = 4 * 1024;

export interface RequestContext {
  /** Path below the printer's root, e.g. `/api/job`. */
  path: string;
  query: URLSearchParams;
  /** Absolute URL of the printer's root as the client reached it (no trailing slash). */
  baseUrl: string;
}

/** The protocol part of an HTTP-served simulator: everything else (ports, prefixes, clock, controls) is shared. */
export interface HttpFront {
  handle(index: number, req: IncomingMessage, res: ServerResponse, ctx: RequestContext): Promise<void>;
  /** A websocket upgrade at `path` below printer `index`'s root; false refuses it. */
  upgrade?(index: number, path: string, req: IncomingMessage, socket: Duplex, head: Buffer): boolean;
  tick?(now: number): void;
  /** The host went away: drop open sockets. */
  dropConnections?(index: number): void;
  dispose?(): void;
}

export type ResolvedFarmOptions = Required<Omit<SimFarmOptions, 'logger' | 'webcamPhotos'>> &
  Pick<SimFarmOptions, 'logger' | 'webcamPhotos'>;

export function resolveFarmOptions(options: SimFarmOptions, defaultApiKey: string): ResolvedFarmOptions {
  if (!Number.isInteger(options.printers) || options.printers < 1 || options.printers > 10_000) {
    throw new Error('printers must be an integer between 1 and 10000');
  }
  const resolved = {
    port: 0,
    host: '127.0.0.1',
    timeScale: 1,
    apiKey: defaultApiKey,
    portPerPrinter: false,
    maxUploadBytes: 256 * 1024 * 1024,
    startConnected: true,
    ...options,
  };
  if (!(resolved.timeScale > 0)) throw new Error('timeScale must be positive');
  return resolved;
}

/**
 * N virtual printers behind one HTTP front: printer i at `/p/<i>` on the shared port (and at the root of its own port
 * with `portPerPrinter`), test controls at `POST /sim/p/<i>/<action>`, `GET /` listing the printers, one clock.
 */
export abstract class HttpFarm implements SimFarm {
  abstract readonly kind: SimKind;
  protected readonly printers: VirtualPrinter[] = [];
  protected readonly renderer = new WebcamRenderer();
  protected readonly options: ResolvedFarmOptions;
  private readonly servers: Server[] = [];
  private readonly directServers: Server[] = [];
  private clock: NodeJS.Timeout | null = null;
  private front: HttpFront | null = null;
  private photos: WebcamPhotos | null = null;

  constructor(options: SimFarmOptions, defaultApiKey: string, printerOptions: Partial<VirtualPrinterOptions> = {}) {
    this.options = resolveFarmOptions(options, defaultApiKey);
    for (let index = 0; index < this.options.printers; index++) {
      this.printers.push(
        new VirtualPrinter(index, {
          timeScale: this.options.timeScale,
          startConnected: this.options.startConnected,
          ...printerOptions,
        }),
      );
    }
  }

  /** Set once by the subclass's constructor. */
  protected useFront(front: HttpFront): void {
    this.front = front;
  }

  get size(): number {
    return this.printers.length;
  }

  printer(index: number): VirtualPrinter {
    const printer = this.printers[index];
    if (!printer) throw new RangeError(`no printer ${index}`);
    return printer;
  }

  get port(): number {
    return (this.servers[0]?.address() as AddressInfo | null)?.port ?? 0;
  }

  get baseUrl(): string {
    return `http://${urlHost(this.options.host)}:${this.port}`;
  }

  /** Base URL of printer `index` on the shared port. */
  url(index: number): string {
    this.printer(index);
    return `${this.baseUrl}/p/${index}`;
  }

  /** Base URL of printer `index` on its own port (needs `portPerPrinter`). */
  directUrl(index: number): string {
    const server = this.directServers[index];
    if (!server) throw new Error('portPerPrinter is off');
    return `http://${urlHost(this.options.host)}:${(server.address() as AddressInfo).port}`;
  }

  /** JPEG of the printer's camera: a real photo with `webcamPhotos`, else a drawing of a part growing layer by layer. */
  snapshot(printer: VirtualPrinter): Promise<Buffer> {
    const photo = photoFor(this.photos, printer);
    if (photo) return Promise.resolve(photo);
    return this.renderer.render(sceneOf(printer));
  }

  async start(): Promise<void> {
    if (this.options.webcamPhotos) this.photos = await loadWebcamPhotos(this.options.webcamPhotos);
    const main = this.createServer(null);
    await listen(main, this.options.port, this.options.host);
    this.servers.push(main);
    if (this.options.portPerPrinter) {
      for (let index = 0; index < this.printers.length; index++) {
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
    this.front?.dispose?.();
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

  /** Test control: the host disappears (requests and sockets are dropped) until `setOnline`. */
  setOffline(index: number): void {
    this.printer(index).reachable = false;
    this.front?.dropConnections?.(index);
  }

  setOnline(index: number): void {
    this.printer(index).reachable = true;
  }

  tick(now = Date.now()): void {
    for (const printer of this.printers) printer.tick(now);
    this.front?.tick?.(now);
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
      if (!this.printers[index]) return sendError(res, 404, `No printer ${index}`);
      return this.serveSite(index, req, res, prefixed[2] ?? '/', url.searchParams, `http://${host}/p/${index}`);
    }
    if (url.pathname === '/' || url.pathname === '/sim') {
      const printers = this.printers.map((printer) => ({
        index: printer.index,
        url: `http://${host}/p/${printer.index}`,
        phase: printer.phase,
        reachable: printer.reachable,
      }));
      return sendJson(res, 200, { kind: this.kind, printers });
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
    if (!this.printers[index].reachable) return void req.socket.destroy();
    await this.front!.handle(index, req, res, { path, query, baseUrl });
  }

  private async control(index: number, action: string, req: IncomingMessage, res: ServerResponse): Promise<void> {
    const printer = this.printers[index];
    if (!printer) return sendError(res, 404, `No printer ${index}`);
    if (req.method !== 'POST') return sendError(res, 405, 'Use POST');
    let body: Record<string, unknown> = {};
    try {
      const raw = (await readBody(req, MAX_CONTROL_BODY)).toString('utf8');
      if (raw.trim()) body = JSON.parse(raw) as Record<string, unknown>;
    } catch (error) {
      return sendError(res, error instanceof HttpError ? error.status : 400, 'Expected an empty or JSON body');
    }
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
    let index: number | null = fixedIndex;
    let path = url?.pathname ?? '/';
    if (url && fixedIndex === null) {
      const prefixed = /^\/p\/(\d+)(\/.*)$/.exec(url.pathname);
      index = prefixed ? Number(prefixed[1]) : null;
      path = prefixed?.[2] ?? '/';
    }
    const printer = index === null ? undefined : this.printers[index];
    if (!url || !printer || !printer.reachable || !this.front?.upgrade) return void socket.destroy();
    if (!this.front.upgrade(index!, path, req, socket, head)) socket.destroy();
  }
}

export function sceneOf(printer: VirtualPrinter) {
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

export function urlHost(host: string): string {
  if (host === '0.0.0.0' || host === '::') return '127.0.0.1';
  return host.includes(':') ? `[${host}]` : host;
}

export function listen(server: Server, port: number, host: string): Promise<void> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
}
