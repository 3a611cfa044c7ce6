import { createHash, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Duplex } from 'node:stream';

import { WebSocketServer } from 'ws';
import type { WebSocket } from 'ws';

import { HttpFarm } from '../core/http-farm';
import type { RequestContext } from '../core/http-farm';
import { HttpError, readBody, sendJson } from '../core/http-helpers';
import { boundaryOf, parseMultipart } from '../core/multipart';
import type { SimFarmOptions } from '../core/sim-kind';
import { SimError } from '../core/virtual-printer';
import type { OctoPrintEvent, VirtualPrinter } from '../core/virtual-printer';
import { klippyState, statusObjects } from './moonraker-models';
import type { PrintOutcome } from './moonraker-models';

export const DEFAULT_MOONRAKER_API_KEY = 'farmhandsimulatedmoonrakerkey000';
export const MOONRAKER_VERSION = 'v0.9.3-1-gsimulated';
/** Klipper pushes subscribed objects' changes every 250 ms. */
const STATUS_PUSH_MS = 250;
const MAX_INBOUND_BYTES = 64 * 1024;

interface Client {
  socket: WebSocket;
  /** Authorized by X-Api-Key on the upgrade or `api_key` in `server.connection.identify`. */
  authorized: boolean;
  connectionId: number;
  /** The printer's root URL as this client reached it (webcam URLs are absolute, as with crowsnest on a LAN). */
  baseUrl: string;
  identified: { client_name: string; type: string } | null;
  subscription: Record<string, string[] | null> | null;
  /** What this client was last sent, per object, to compute diffs. */
  sent: Record<string, Record<string, unknown>>;
}

interface Site {
  printer: VirtualPrinter;
  clients: Set<Client>;
  outcome: PrintOutcome;
  message: string;
  lastKlippy: string;
}

/**
 * A virtual Moonraker (Klipper) farm, per its external API docs: JSON-RPC 2.0 over `/websocket`
 * (`server.connection.identify`, `printer.objects.subscribe` then `notify_status_update` diffs every 250 ms,
 * `notify_klippy_ready|shutdown|disconnected`, `printer.print.*`, `printer.gcode.script`, `printer.emergency_stop`,
 * `server.webcams.list`), and HTTP `POST /server/files/upload` (multipart, `root`, `checksum` SHA-256, `print`).
 */
export class MoonrakerFarm extends HttpFarm {
  readonly kind = 'moonraker' as const;
  private readonly sites: Site[] = [];
  private readonly wss = new WebSocketServer({ noServer: true, maxPayload: MAX_INBOUND_BYTES });
  private nextConnectionId = 1000;
  private lastPush = 0;
  /** Every JSON-RPC method called, for conformance tests. */
  readonly calls: Array<{ index: number; method: string; params: unknown }> = [];

  constructor(options: SimFarmOptions) {
    super(options, DEFAULT_MOONRAKER_API_KEY);
    for (const printer of this.printers) {
      const site: Site = { printer, clients: new Set(), outcome: 'standby', message: '', lastKlippy: '' };
      site.lastKlippy = klippyState(printer).state;
      printer.on('event', (event: OctoPrintEvent) => this.onPrinterEvent(site, event));
      printer.on('state', () => this.onPrinterState(site));
      this.sites.push(site);
    }
    this.useFront({
      handle: (index, req, res, ctx) => this.handleHttp(this.sites[index], req, res, ctx),
      upgrade: (index, path, req, socket, head) => this.upgradeSocket(this.sites[index], path, req, socket, head),
      tick: (now) => this.push(now),
      dropConnections: (index) => {
        for (const client of this.sites[index].clients) client.socket.terminate();
        this.sites[index].clients.clear();
      },
      dispose: () => {
        for (const site of this.sites) for (const client of site.clients) client.socket.terminate();
        this.wss.close();
      },
    });
  }

  /** Identified websocket clients of printer `index` (name and type), for tests. */
  clients(index: number): Array<{ client_name: string; type: string } | null> {
    return [...this.sites[index].clients].map((client) => client.identified);
  }

  private authorizedBy(req: IncomingMessage): boolean {
    const key = req.headers['x-api-key'];
    return typeof key === 'string' && this.keyMatches(key);
  }

  private keyMatches(key: string): boolean {
    const expected = createHash('sha256').update(this.options.apiKey).digest();
    return timingSafeEqual(createHash('sha256').update(key).digest(), expected);
  }

  // ---- HTTP ---------------------------------------------------------------------------------------------------

  private async handleHttp(site: Site, req: IncomingMessage, res: ServerResponse, ctx: RequestContext): Promise<void> {
    const error = (status: number, message: string) =>
      sendJson(res, status, { error: { code: status, message, traceback: '' } });
    if (ctx.path === '/webcam/' || ctx.path === '/webcam') {
      if (ctx.query.get('action') !== 'snapshot') return error(404, 'Only ?action=snapshot is simulated');
      const jpeg = await this.snapshot(site.printer);
      res.writeHead(200, { 'Content-Type': 'image/jpeg', 'Content-Length': jpeg.length, 'Cache-Control': 'no-store' });
      return void res.end(jpeg);
    }
    if (!this.authorizedBy(req)) return error(401, 'Unauthorized');
    if (req.method === 'GET' && ctx.path === '/server/info')
      return sendJson(res, 200, { result: this.serverInfo(site) });
    if (req.method === 'GET' && ctx.path === '/printer/info') {
      return sendJson(res, 200, { result: this.printerInfo(site) });
    }
    if (req.method === 'POST' && ctx.path === '/server/files/upload') return this.upload(site, req, res, error);
    return error(404, 'Not Found');
  }

  private async upload(
    site: Site,
    req: IncomingMessage,
    res: ServerResponse,
    error: (status: number, message: string) => void,
  ): Promise<void> {
    let parts;
    try {
      const body = await readBody(req, this.options.maxUploadBytes + 64 * 1024);
      parts = parseMultipart(body, boundaryOf(req.headers['content-type']));
    } catch (caught) {
      return error(caught instanceof HttpError ? caught.status : 400, (caught as Error).message);
    }
    const field = (name: string) => parts.find((part) => part.name === name && part.fileName === null)?.data.toString();
    const file = parts.find((part) => part.name === 'file' && part.fileName !== null);
    if (!file?.fileName) return error(400, 'No file name specified in upload form');
    const root = field('root') ?? 'gcodes';
    if (root !== 'gcodes') return error(400, `Invalid root request: ${root}`);
    const checksum = field('checksum');
    if (checksum !== undefined) {
      const actual = createHash('sha256').update(file.data).digest('hex');
      if (checksum.toLowerCase() !== actual) {
        return error(422, `File checksum mismatch: expected ${checksum}, calculated ${actual}`);
      }
    }
    const folder = (field('path') ?? '').replace(/^\/+|\/+$/g, '');
    let stored;
    try {
      stored = site.printer.addFile(file.fileName, file.data, folder);
    } catch (caught) {
      return error(caught instanceof SimError ? (caught.status === 415 ? 400 : caught.status) : 500, String(caught));
    }
    const print = ['true', '1'].includes((field('print') ?? 'false').toLowerCase());
    let started = false;
    if (print) {
      try {
        site.printer.selectFile(stored.path, true);
        started = true;
      } catch {
        started = false;
      }
    }
    sendJson(res, 201, {
      item: { path: stored.path, root: 'gcodes', modified: stored.date, size: stored.size, permissions: 'rw' },
      print_started: started,
      print_queued: false,
      action: 'create_file',
    });
  }

  // ---- websocket JSON-RPC ---------------------------------------------------------------------------------------

  private upgradeSocket(site: Site, path: string, req: IncomingMessage, socket: Duplex, head: Buffer): boolean {
    if (path !== '/websocket') return false;
    const key = req.headers['x-api-key'];
    if (typeof key === 'string' && !this.keyMatches(key)) {
      socket.end('HTTP/1.1 401 Unauthorized\r\nContent-Length: 0\r\n\r\n');
      return true;
    }
    this.wss.handleUpgrade(req, socket, head, (ws) => {
      const client: Client = {
        socket: ws,
        authorized: typeof key === 'string',
        connectionId: this.nextConnectionId++,
        baseUrl: `http://${req.headers.host ?? '127.0.0.1'}${(req.url ?? '').replace(/\/websocket(\?.*)?$/, '')}`,
        identified: null,
        subscription: null,
        sent: {},
      };
      site.clients.add(client);
      ws.on('close', () => site.clients.delete(client));
      ws.on('error', () => ws.terminate());
      ws.on('message', (data, isBinary) => {
        if (isBinary) return;
        this.receive(site, client, data.toString());
      });
    });
    return true;
  }

  private receive(site: Site, client: Client, text: string): void {
    let message: { jsonrpc?: unknown; method?: unknown; params?: unknown; id?: unknown };
    try {
      message = JSON.parse(text) as typeof message;
    } catch {
      return this.send(client, { jsonrpc: '2.0', error: { code: -32700, message: 'Parse error' }, id: null });
    }
    const id = typeof message.id === 'number' || typeof message.id === 'string' ? message.id : null;
    if (message.jsonrpc !== '2.0' || typeof message.method !== 'string') {
      return this.send(client, { jsonrpc: '2.0', error: { code: -32600, message: 'Invalid Request' }, id });
    }
    const params = (message.params ?? {}) as Record<string, unknown>;
    this.calls.push({ index: site.printer.index, method: message.method, params });
    if (this.calls.length > 1_000) this.calls.shift();
    try {
      const result = this.call(site, client, message.method, params);
      if (id !== null) this.send(client, { jsonrpc: '2.0', result, id });
    } catch (caught) {
      const rpc = caught instanceof RpcError ? caught : new RpcError(400, (caught as Error).message);
      if (id !== null) this.send(client, { jsonrpc: '2.0', error: { code: rpc.code, message: rpc.message }, id });
    }
  }

  private call(site: Site, client: Client, method: string, params: Record<string, unknown>): unknown {
    const printer = site.printer;
    if (method === 'server.connection.identify') {
      if (typeof params.client_name !== 'string' || typeof params.version !== 'string') {
        throw new RpcError(-32602, 'Invalid params: client_name and version are required');
      }
      const type = String(params.type ?? '');
      if (!['web', 'mobile', 'desktop', 'display', 'bot', 'agent', 'other'].includes(type)) {
        throw new RpcError(-32602, `Invalid Client Type: ${type}`);
      }
      if (client.identified) throw new RpcError(-32600, 'Connection already identified');
      if (typeof params.api_key === 'string') {
        if (!this.keyMatches(params.api_key)) throw new RpcError(401, 'Invalid API Key');
        client.authorized = true;
      }
      if (!client.authorized) throw new RpcError(401, 'Unauthorized');
      client.identified = { client_name: params.client_name, type };
      return { connection_id: client.connectionId };
    }
    if (!client.authorized) throw new RpcError(401, 'Unauthorized');
    const klippy = klippyState(printer);
    const requireReady = () => {
      if (klippy.state !== 'ready') throw new RpcError(503, `Klippy Host not connected`);
    };
    switch (method) {
      case 'server.info':
        return this.serverInfo(site);
      case 'printer.info':
        if (klippy.state === 'disconnected') throw new RpcError(503, 'Klippy Host not connected');
        return this.printerInfo(site);
      case 'printer.objects.subscribe':
      case 'printer.objects.query': {
        requireReady();
        const wanted = (params.objects ?? {}) as Record<string, unknown>;
        const selection: Record<string, string[] | null> = {};
        for (const [name, fields] of Object.entries(wanted)) {
          selection[name] = Array.isArray(fields) ? fields.map(String) : null;
        }
        const status = pick(statusObjects(printer, site.outcome, site.message), selection);
        if (method === 'printer.objects.subscribe') {
          client.subscription = selection;
          client.sent = structuredClone(status);
        }
        return { eventtime: eventTime(), status };
      }
      case 'printer.print.start': {
        requireReady();
        if (typeof params.filename !== 'string') throw new RpcError(-32602, 'Invalid params: filename');
        this.simulated(() => printer.selectFile(params.filename as string, true));
        return 'ok';
      }
      case 'printer.print.pause':
        requireReady();
        this.simulated(() => printer.pause('pause'));
        return 'ok';
      case 'printer.print.resume':
        requireReady();
        this.simulated(() => printer.pause('resume'));
        return 'ok';
      case 'printer.print.cancel':
        requireReady();
        this.simulated(() => printer.cancel());
        return 'ok';
      case 'printer.gcode.script': {
        requireReady();
        if (typeof params.script !== 'string') throw new RpcError(-32602, 'Invalid params: script');
        this.simulated(() => printer.sendGcode((params.script as string).split('\n').filter((line) => line.trim())));
        return 'ok';
      }
      case 'printer.emergency_stop':
        if (klippy.state === 'disconnected') throw new RpcError(503, 'Klippy Host not connected');
        printer.fail('Shutdown due to M112 command');
        return 'ok';
      case 'server.webcams.list':
        return {
          webcams: [
            {
              name: 'printer',
              location: 'printer',
              service: 'mjpegstreamer-adaptive',
              enabled: true,
              icon: 'mdiWebcam',
              target_fps: 15,
              target_fps_idle: 5,
              stream_url: `${client.baseUrl}/webcam/?action=stream`,
              snapshot_url: `${client.baseUrl}/webcam/?action=snapshot`,
              flip_horizontal: false,
              flip_vertical: false,
              rotation: 0,
              aspect_ratio: '4:3',
              extra_data: {},
              source: 'database',
              uid: `sim-webcam-${printer.index}`,
            },
          ],
        };
      default:
        throw new RpcError(-32601, `Method not found: ${method}`);
    }
  }

  private simulated(action: () => void): void {
    try {
      action();
    } catch (caught) {
      // Klipper answers a refused command with a 400 and its own message.
      throw new RpcError(400, caught instanceof SimError ? caught.message : String(caught));
    }
  }

  private serverInfo(site: Site): Record<string, unknown> {
    const klippy = klippyState(site.printer);
    return {
      klippy_connected: klippy.state !== 'disconnected',
      klippy_state: klippy.state,
      components: ['file_manager', 'webcam', 'authorization', 'websockets'],
      failed_components: [],
      registered_directories: ['config', 'logs', 'gcodes'],
      warnings: [],
      websocket_count: site.clients.size,
      moonraker_version: MOONRAKER_VERSION,
      api_version: [1, 5, 0],
      api_version_string: '1.5.0',
    };
  }

  private printerInfo(site: Site): Record<string, unknown> {
    const klippy = klippyState(site.printer);
    return {
      state: klippy.state,
      state_message: klippy.message,
      hostname: `sim-klipper-${site.printer.index}`,
      software_version: 'v0.12.0-simulated',
      cpu_info: '4 core simulated',
    };
  }

  // ---- notifications ------------------------------------------------------------------------------------------

  private onPrinterEvent(site: Site, event: OctoPrintEvent): void {
    if (event.type === 'PrintStarted') site.outcome = 'printing';
    else if (event.type === 'PrintDone') site.outcome = 'complete';
    else if (event.type === 'PrintCancelled') site.outcome = 'cancelled';
    else if (event.type === 'PrintFailed' && event.payload?.reason === 'error') {
      site.outcome = 'error';
      site.message = site.printer.errorText || 'Print failed';
    }
  }

  private onPrinterState(site: Site): void {
    const state = klippyState(site.printer).state;
    if (state === site.lastKlippy) return;
    site.lastKlippy = state;
    const method =
      state === 'ready'
        ? 'notify_klippy_ready'
        : state === 'shutdown'
          ? 'notify_klippy_shutdown'
          : state === 'disconnected'
            ? 'notify_klippy_disconnected'
            : null;
    if (!method) return;
    for (const client of site.clients) {
      if (method !== 'notify_klippy_shutdown') client.subscription = null;
      if (client.identified) this.send(client, { jsonrpc: '2.0', method });
    }
  }

  /** Every 250 ms, each subscribed client gets the fields that changed since it was last told. */
  private push(now: number): void {
    if (now - this.lastPush < STATUS_PUSH_MS) return;
    this.lastPush = now;
    for (const site of this.sites) {
      if (site.clients.size === 0 || klippyState(site.printer).state !== 'ready') continue;
      const all = statusObjects(site.printer, site.outcome, site.message);
      for (const client of site.clients) {
        if (!client.subscription) continue;
        const current = pick(all, client.subscription);
        const diff = diffOf(client.sent, current);
        if (Object.keys(diff).length === 0) continue;
        client.sent = structuredClone(current);
        this.send(client, { jsonrpc: '2.0', method: 'notify_status_update', params: [diff, eventTime()] });
      }
    }
  }

  private send(client: Client, message: unknown): void {
    if (client.socket.readyState === client.socket.OPEN) client.socket.send(JSON.stringify(message));
  }
}

class RpcError extends Error {
  constructor(
    readonly code: number,
    message: string,
  ) {
    super(message);
  }
}

/** Klipper's `eventtime`: seconds of the host's monotonic clock. */
function eventTime(): number {
  return Math.round(performance.now()) / 1000;
}

function pick(
  all: Record<string, Record<string, unknown>>,
  selection: Record<string, string[] | null>,
): Record<string, Record<string, unknown>> {
  const out: Record<string, Record<string, unknown>> = {};
  for (const [name, fields] of Object.entries(selection)) {
    const object = all[name];
    if (!object) continue;
    out[name] = fields ? Object.fromEntries(fields.filter((f) => f in object).map((f) => [f, object[f]])) : object;
  }
  return out;
}

function diffOf(
  before: Record<string, Record<string, unknown>>,
  after: Record<string, Record<string, unknown>>,
): Record<string, Record<string, unknown>> {
  const diff: Record<string, Record<string, unknown>> = {};
  for (const [name, object] of Object.entries(after)) {
    for (const [field, value] of Object.entries(object)) {
      if (JSON.stringify(before[name]?.[field]) !== JSON.stringify(value)) (diff[name] ??= {})[field] = value;
    }
  }
  return diff;
}
