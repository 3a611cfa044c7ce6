import { randomUUID } from 'node:crypto';
import { EventEmitter } from 'node:events';
import { openAsBlob } from 'node:fs';

import { MAX_FRAME_BYTES } from '@farmhand/protocol';
import type { AgentEvent, BackendLink, JobRef, JogArgs, TemperatureArgs } from '@farmhand/protocol';
import type { Logger } from 'pino';
import WebSocket from 'ws';

import { JobLedger } from '../backend/job-ledger';
import {
  BackendError,
  BackendRefusedError,
  BackendUnauthorizedError,
  BackendUnreachableError,
  addressLabel,
} from '../backend/printer-backend';
import type {
  BackendCapabilities,
  BackendStatus,
  CommandData,
  PrinterBackend,
  UploadRequest,
} from '../backend/printer-backend';
import { backoffDelay } from '../runtime/backoff';
import { AGENT_VERSION } from '../version';
import { SUBSCRIBED_OBJECTS, mapMoonrakerState, mergeDiff, printEventOf, progressOf } from './moonraker-state';
import type { KlipperObjects } from './moonraker-state';

export interface MoonrakerClientOptions {
  /** `http(s)://host:7125`; the websocket is `ws(s)://host:7125/websocket`. */
  baseUrl: string;
  /** Moonraker's API key; absent when the gateway is a trusted client. */
  apiKey?: string;
  logger: Logger;
  ledger?: JobLedger;
  /** How often merged status is handed on (Klipper pushes diffs every 250 ms). Default 1 s. */
  statusIntervalMs?: number;
  requestTimeoutMs?: number;
  uploadTimeoutMs?: number;
  reconnectMaxMs?: number;
  /** After an API key is refused, wait at least this long before trying again (default 60 s). */
  unauthorizedRetryMs?: number;
  startConfirmTimeoutMs?: number;
}

/** Klipper: no serial connect/disconnect (FIRMWARE_RESTART is G-code), emergency stop is its own method. */
export const MOONRAKER_CAPABILITIES: BackendCapabilities = {
  commands: ['start', 'pause', 'resume', 'cancel', 'home', 'jog', 'temperature', 'gcode', 'emergency_stop'],
  uploadFormats: ['gcode'],
  snapshot: true,
  liveCamera: true,
};

/** Our name on Moonraker's connection list, so Mainsail, Obico and others see who we are. */
export const MOONRAKER_CLIENT_NAME = 'farmhand-agent';
const MAX_MESSAGE_BYTES = 4 * 1024 * 1024;
const ACTIVE_STATES = ['printing', 'pausing', 'paused', 'cancelling'];

interface Pending {
  resolve(value: unknown): void;
  reject(error: Error): void;
  timer: NodeJS.Timeout;
}

class RpcFailure extends Error {
  constructor(
    readonly code: number,
    message: string,
  ) {
    super(message);
  }
}

/**
 * PrinterBackend for Klipper through Moonraker's JSON-RPC websocket: identifies as an `agent`, subscribes to the
 * printer objects Farmhand needs, merges Klipper's diffs and hands status on at its own cadence; print events come
 * from `print_stats.state` changes at once.
 */
export class MoonrakerClient extends EventEmitter implements PrinterBackend {
  readonly kind = 'moonraker' as const;
  readonly capabilities = MOONRAKER_CAPABILITIES;
  readonly address: string;
  private readonly baseUrl: URL;
  private readonly ledger: JobLedger;
  private socket: WebSocket | null = null;
  private readonly pending = new Map<number, Pending>();
  private nextId = 1;
  private running = false;
  private attempts = 0;
  private reconnectTimer: NodeJS.Timeout | null = null;
  private statusTimer: NodeJS.Timeout | null = null;
  private dirty = false;
  private backendLink: BackendLink = 'unreachable';
  private klippy = 'disconnected';
  private klippyMessage: string | null = null;
  private objects: KlipperObjects = {};
  private printState: string | null = null;
  private moonrakerVersion: string | null = null;
  private lastStartedAt = 0;

  constructor(private readonly options: MoonrakerClientOptions) {
    super();
    this.baseUrl = new URL(options.baseUrl);
    if (this.baseUrl.protocol !== 'http:' && this.baseUrl.protocol !== 'https:') {
      throw new Error('Moonraker URL must be http(s)');
    }
    if (this.baseUrl.username || this.baseUrl.password) {
      throw new Error('put credentials in the API key, not in the Moonraker URL');
    }
    if (options.apiKey !== undefined && !/^[\x20-\x7e]+$/.test(options.apiKey)) {
      throw new Error('the Moonraker API key must be printable ASCII');
    }
    // Endpoints resolve below the base (a reverse proxy may serve Moonraker under a path).
    if (!this.baseUrl.pathname.endsWith('/')) this.baseUrl.pathname += '/';
    this.address = addressLabel(options.baseUrl);
    this.ledger = options.ledger ?? new JobLedger();
  }

  start(): Promise<void> {
    this.running = true;
    this.statusTimer = setInterval(() => this.flushStatus(), this.options.statusIntervalMs ?? 1_000);
    this.statusTimer.unref();
    return this.connectSocket();
  }

  stop(): Promise<void> {
    this.running = false;
    if (this.reconnectTimer) clearTimeout(this.reconnectTimer);
    if (this.statusTimer) clearInterval(this.statusTimer);
    this.socket?.terminate();
    this.socket = null;
    this.failPending(new BackendUnreachableError('agent stopping'));
    return Promise.resolve();
  }

  status(): BackendStatus {
    const printStats = this.objects.print_stats ?? {};
    const message = typeof printStats.message === 'string' ? printStats.message : null;
    const mapped =
      this.backendLink === 'ok'
        ? mapMoonrakerState(this.klippy, this.printState, this.klippy === 'ready' ? message : this.klippyReason())
        : { state: 'unknown' as const, stateText: null, error: null };
    const filename = typeof printStats.filename === 'string' && printStats.filename ? printStats.filename : null;
    const duration = typeof printStats.print_duration === 'number' ? Math.round(printStats.print_duration) : null;
    const progress = mapped.state === 'printing' || mapped.state === 'paused' ? progressOf(this.objects) : null;
    const left =
      progress && progress > 0 && duration !== null ? Math.round((duration * (100 - progress)) / progress) : null;
    const position = this.objects.toolhead?.position;
    return {
      state: mapped.state,
      stateText: mapped.stateText,
      backend: this.backendLink,
      temperatures: {
        tool0: this.heater('extruder'),
        bed: this.heater('heater_bed'),
      },
      job: filename ? this.jobRef(filename) : null,
      progress,
      printTime: duration,
      printTimeLeft: left,
      z: Array.isArray(position) && typeof position[2] === 'number' ? Math.round(position[2] * 100) / 100 : null,
      error: mapped.error ? mapped.error.slice(0, 1_000) : null,
    };
  }

  link(): BackendLink {
    return this.backendLink;
  }

  version(): string | null {
    return this.moonrakerVersion;
  }

  async startPrint(): Promise<CommandData> {
    this.requireIdle('start');
    const filename = this.objects.print_stats?.filename;
    if (typeof filename !== 'string' || !filename) throw new BackendRefusedError('no file is loaded on Klipper');
    const since = Date.now();
    await this.call('printer.print.start', { filename });
    return this.confirmStarted(since);
  }

  async pause(): Promise<CommandData> {
    await this.call('printer.print.pause');
    return { accepted: true };
  }

  async resume(): Promise<CommandData> {
    await this.call('printer.print.resume');
    return { accepted: true };
  }

  async cancel(): Promise<CommandData> {
    await this.call('printer.print.cancel');
    return { accepted: true };
  }

  async emergencyStop(): Promise<CommandData> {
    await this.call('printer.emergency_stop');
    return { accepted: true };
  }

  async home(axes: Array<'x' | 'y' | 'z'>): Promise<CommandData> {
    await this.script([`G28 ${axes.map((axis) => axis.toUpperCase()).join(' ')}`]);
    return { accepted: true };
  }

  async jog(args: JogArgs): Promise<CommandData> {
    const move = (['x', 'y', 'z'] as const)
      .filter((axis) => args[axis] !== undefined)
      .map((axis) => `${axis.toUpperCase()}${args[axis]}`)
      .join(' ');
    const feed = args.speed !== undefined ? ` F${args.speed}` : '';
    // Relative moves are wrapped so that the printer is left in absolute mode, as every slicer expects.
    await this.script(args.absolute ? ['G90', `G1 ${move}${feed}`] : ['G91', `G1 ${move}${feed}`, 'G90']);
    return { accepted: true };
  }

  async setTemperature(args: TemperatureArgs): Promise<CommandData> {
    const heater = args.heater === 'bed' ? 'heater_bed' : 'extruder';
    await this.script([`SET_HEATER_TEMPERATURE HEATER=${heater} TARGET=${args.target}`]);
    return { accepted: true };
  }

  async sendGcode(lines: string[]): Promise<CommandData> {
    await this.script(lines);
    return { accepted: true, lines: lines.length };
  }

  connect(): Promise<CommandData> {
    return Promise.reject(new BackendError('unsupported', 'Klipper has no serial connect; use FIRMWARE_RESTART'));
  }

  disconnect(): Promise<CommandData> {
    return Promise.reject(new BackendError('unsupported', 'Klipper has no serial disconnect'));
  }

  async snapshot(): Promise<Buffer> {
    const answer = (await this.call('server.webcams.list')) as { webcams?: unknown };
    const webcams = Array.isArray(answer?.webcams) ? (answer.webcams as Array<Record<string, unknown>>) : [];
    const camera = webcams.find((webcam) => webcam.enabled !== false && typeof webcam.snapshot_url === 'string');
    if (!camera) throw new BackendError('unsupported', 'Moonraker lists no webcam with a snapshot URL');
    // Root-relative webcam URLs are the web frontend's (Mainsail/Fluidd on port 80), not Moonraker's port.
    const url = new URL(
      String(camera.snapshot_url).slice(0, 2_048),
      `${this.baseUrl.protocol}//${this.baseUrl.hostname}/`,
    );
    if (url.protocol !== 'http:' && url.protocol !== 'https:') {
      throw new BackendError('backend_error', 'webcam URL is not http(s)');
    }
    const sameOrigin = url.origin === this.baseUrl.origin;
    let response: Response;
    try {
      response = await fetch(url, {
        headers: sameOrigin && this.options.apiKey ? { 'X-Api-Key': this.options.apiKey } : {},
        signal: AbortSignal.timeout(this.options.requestTimeoutMs ?? 10_000),
      });
    } catch (error) {
      throw new BackendUnreachableError(`webcam unreachable: ${(error as Error).name}`);
    }
    if (!response.ok) {
      await response.body?.cancel();
      throw new BackendError('backend_error', `webcam answered ${response.status}`);
    }
    const data = Buffer.from(await response.arrayBuffer());
    if (data.length > MAX_FRAME_BYTES) throw new BackendError('too_large', 'webcam snapshot too large');
    if (data.length < 4 || data[0] !== 0xff || data[1] !== 0xd8) {
      throw new BackendError('backend_error', 'the webcam snapshot is not a JPEG');
    }
    return data;
  }

  /** `POST /server/files/upload` with `root=gcodes` and the SHA-256 `checksum` Moonraker verifies (422 on mismatch). */
  async uploadAndSelect(request: UploadRequest): Promise<CommandData> {
    this.requireIdle('upload over');
    const form = new FormData();
    form.append('root', 'gcodes');
    if (request.sha256) form.append('checksum', request.sha256);
    form.append('print', 'false');
    form.append('file', await openAsBlob(request.localPath, { type: 'application/octet-stream' }), request.fileName);
    let response: Response;
    try {
      response = await fetch(new URL('server/files/upload', this.baseUrl), {
        method: 'POST',
        body: form,
        headers: this.options.apiKey ? { 'X-Api-Key': this.options.apiKey } : {},
        signal: AbortSignal.timeout(this.options.uploadTimeoutMs ?? 10 * 60_000),
      });
    } catch (error) {
      throw new BackendUnreachableError(`upload to Moonraker failed: ${(error as Error).name}`);
    }
    const text = (await response.text()).slice(0, 64 * 1024);
    if (response.status === 401 || response.status === 403) {
      throw new BackendUnauthorizedError(`Moonraker refused the API key (${response.status})`);
    }
    if (response.status === 422)
      throw new BackendError('checksum_mismatch', 'Moonraker: uploaded file checksum mismatch');
    if (!response.ok) throw new BackendError('backend_error', `Moonraker answered ${response.status} to the upload`);
    let path = request.fileName;
    try {
      const item = (JSON.parse(text) as { item?: { path?: unknown }; result?: { item?: { path?: unknown } } }) ?? {};
      const reported = item.item?.path ?? item.result?.item?.path;
      if (typeof reported === 'string' && reported) path = reported;
    } catch {
      // Older Moonraker answers `{"result": "ok"}`-like bodies; the name we sent is the path.
    }
    this.ledger.remember(path, { sha256: request.sha256, copyId: request.copyId });
    if (!request.print) return { path, selected: false };
    const since = Date.now();
    await this.call('printer.print.start', { filename: path });
    return { path, ...(await this.confirmStarted(since)) };
  }

  // ---- connection -------------------------------------------------------------------------------------------

  private websocketUrl(): string {
    const url = new URL('websocket', this.baseUrl);
    url.protocol = this.baseUrl.protocol === 'https:' ? 'wss:' : 'ws:';
    return url.href;
  }

  private connectSocket(): Promise<void> {
    return new Promise((resolve) => {
      if (!this.running) return resolve();
      const socket = new WebSocket(this.websocketUrl(), {
        headers: this.options.apiKey ? { 'X-Api-Key': this.options.apiKey } : {},
        maxPayload: MAX_MESSAGE_BYTES,
        handshakeTimeout: this.options.requestTimeoutMs ?? 10_000,
      });
      this.socket = socket;
      let settled = false;
      const done = () => {
        if (!settled) {
          settled = true;
          resolve();
        }
      };
      socket.on('unexpected-response', (_request, response) => {
        response.resume();
        const status = response.statusCode ?? 0;
        if (status === 401 || status === 403) {
          this.options.logger.warn(
            { moonraker: this.address, status },
            'Moonraker refused the API key: check the key in the LAN-secrets file (Moonraker: /access/api_key)',
          );
          this.setLink('unauthorized');
        } else {
          this.setLink('unreachable');
        }
        socket.terminate();
      });
      socket.on('open', () => {
        this.attempts = 0;
        void this.onOpen().finally(done);
      });
      socket.on('message', (data, isBinary) => {
        if (!isBinary) this.onMessage(data.toString());
      });
      socket.on('error', () => undefined);
      socket.on('close', () => {
        if (this.socket === socket) this.socket = null;
        this.failPending(new BackendUnreachableError('Moonraker connection closed'));
        if (this.backendLink === 'ok') this.setLink('unreachable');
        this.klippy = 'disconnected';
        this.dirty = true;
        this.scheduleReconnect();
        done();
      });
    });
  }

  private scheduleReconnect(): void {
    if (!this.running || this.reconnectTimer) return;
    const wait = Math.max(
      backoffDelay(this.attempts++, { baseMs: 500, capMs: this.options.reconnectMaxMs ?? 30_000 }),
      this.backendLink === 'unauthorized' ? (this.options.unauthorizedRetryMs ?? 60_000) : 0,
    );
    this.reconnectTimer = setTimeout(() => {
      this.reconnectTimer = null;
      void this.connectSocket();
    }, wait);
    this.reconnectTimer.unref();
  }

  private async onOpen(): Promise<void> {
    try {
      await this.call('server.connection.identify', {
        client_name: MOONRAKER_CLIENT_NAME,
        version: AGENT_VERSION,
        type: 'agent',
        url: 'https://github.com/farmhand/farmhand',
        ...(this.options.apiKey ? { api_key: this.options.apiKey } : {}),
      });
      const info = (await this.call('server.info')) as { klippy_state?: unknown; moonraker_version?: unknown };
      this.moonrakerVersion = typeof info.moonraker_version === 'string' ? info.moonraker_version.slice(0, 64) : null;
      this.setLink('ok');
      await this.onKlippyState(typeof info.klippy_state === 'string' ? info.klippy_state : 'disconnected');
    } catch (error) {
      if (error instanceof BackendUnauthorizedError) {
        this.options.logger.warn(
          { moonraker: this.address },
          'Moonraker refused the connection: its API key is wrong or missing (Moonraker: /access/api_key)',
        );
        this.setLink('unauthorized');
        this.socket?.terminate();
      } else if (!(error instanceof BackendUnreachableError)) {
        this.options.logger.warn(
          { moonraker: this.address, reason: (error as Error).message },
          'Moonraker setup failed',
        );
      }
    }
  }

  /** Klippy ready: subscribe (again; a Klippy restart drops subscriptions). Otherwise read why it is not. */
  private async onKlippyState(state: string): Promise<void> {
    this.klippy = state;
    this.dirty = true;
    if (state !== 'ready') this.klippyMessage = null;
    if (state === 'ready') {
      const objects = Object.fromEntries(SUBSCRIBED_OBJECTS.map((name) => [name, null]));
      const answer = (await this.call('printer.objects.subscribe', { objects })) as { status?: unknown };
      this.objects = {};
      mergeDiff(this.objects, answer?.status);
      this.afterMerge();
      this.emit('event', this.event({ type: 'connection.changed', link: 'printer', connected: true, reason: null }));
    } else if (state !== 'disconnected') {
      const info = (await this.call('printer.info').catch(() => null)) as { state_message?: unknown } | null;
      this.klippyMessage = typeof info?.state_message === 'string' ? info.state_message.slice(0, 500) : null;
    }
    this.flushStatus();
  }

  private onMessage(text: string): void {
    let message: {
      id?: unknown;
      result?: unknown;
      error?: { code?: unknown; message?: unknown };
      method?: unknown;
      params?: unknown;
    };
    try {
      message = JSON.parse(text) as typeof message;
    } catch {
      return;
    }
    if (typeof message.id === 'number') {
      const pending = this.pending.get(message.id);
      if (!pending) return;
      this.pending.delete(message.id);
      clearTimeout(pending.timer);
      if (message.error) {
        const code = typeof message.error.code === 'number' ? message.error.code : 0;
        const reason = String(message.error.message ?? 'error').slice(0, 500);
        pending.reject(new RpcFailure(code, reason));
      } else pending.resolve(message.result);
      return;
    }
    switch (message.method) {
      case 'notify_status_update': {
        const params = Array.isArray(message.params) ? message.params : [];
        if (mergeDiff(this.objects, params[0])) this.afterMerge();
        break;
      }
      case 'notify_klippy_ready':
        void this.onKlippyState('ready').catch(() => undefined);
        break;
      case 'notify_klippy_shutdown':
        this.emit(
          'event',
          this.event({ type: 'connection.changed', link: 'printer', connected: false, reason: 'shutdown' }),
        );
        void this.onKlippyState('shutdown').catch(() => undefined);
        break;
      case 'notify_klippy_disconnected':
        this.emit(
          'event',
          this.event({ type: 'connection.changed', link: 'printer', connected: false, reason: 'disconnected' }),
        );
        void this.onKlippyState('disconnected').catch(() => undefined);
        break;
    }
  }

  /** Diffs are merged as they come; print events go out at once, status at the agent's cadence. */
  private afterMerge(): void {
    this.dirty = true;
    const webhooks = this.objects.webhooks?.state;
    if (typeof webhooks === 'string' && webhooks !== this.klippy) this.klippy = webhooks;
    const next = this.objects.print_stats?.state;
    if (typeof next !== 'string') return;
    const previous = this.printState;
    this.printState = next;
    // The first picture after (re)subscribing sets the baseline: a print already running is not a new start.
    const type = previous === null ? null : printEventOf(previous, next);
    if (!type) return;
    if (type === 'print.started') this.lastStartedAt = Date.now();
    const printStats = this.objects.print_stats ?? {};
    const filename = typeof printStats.filename === 'string' && printStats.filename ? printStats.filename : null;
    const duration = typeof printStats.print_duration === 'number' ? Math.round(printStats.print_duration) : undefined;
    const reason = type === 'print.failed' && typeof printStats.message === 'string' ? printStats.message : null;
    this.emit('event', this.event({ type, job: filename ? this.jobRef(filename) : null, printTime: duration, reason }));
    this.flushStatus();
  }

  private flushStatus(): void {
    if (!this.dirty) return;
    this.dirty = false;
    this.emit('status', this.status());
  }

  private setLink(link: BackendLink): void {
    if (this.backendLink === link) return;
    this.backendLink = link;
    this.dirty = true;
    this.emit(
      'event',
      this.event({ type: 'connection.changed', link: 'backend', connected: link === 'ok', reason: link }),
    );
    this.flushStatus();
  }

  // ---- helpers ----------------------------------------------------------------------------------------------

  private call(method: string, params?: Record<string, unknown>): Promise<unknown> {
    const socket = this.socket;
    if (!socket || socket.readyState !== WebSocket.OPEN) {
      return Promise.reject(new BackendUnreachableError(`Moonraker at ${this.address} is not connected`));
    }
    const id = this.nextId++;
    return new Promise<unknown>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.pending.delete(id);
        reject(new BackendUnreachableError(`Moonraker did not answer ${method} in time`));
      }, this.options.requestTimeoutMs ?? 10_000);
      this.pending.set(id, { resolve, reject, timer });
      socket.send(JSON.stringify({ jsonrpc: '2.0', method, ...(params ? { params } : {}), id }));
    }).catch((error: unknown) => {
      if (!(error instanceof RpcFailure)) throw error;
      if (error.code === 401 || error.code === 403) {
        throw new BackendUnauthorizedError(`Moonraker refused ${method}: ${error.message}`);
      }
      if (error.code === -32601) throw new BackendError('unsupported', `Moonraker has no ${method}`);
      if (error.code === 503) throw new BackendRefusedError(`Klipper is not ready: ${error.message}`);
      throw new BackendRefusedError(`Klipper refused ${method}: ${error.message}`);
    });
  }

  private script(lines: string[]): Promise<unknown> {
    return this.call('printer.gcode.script', { script: lines.join('\n') });
  }

  private failPending(error: Error): void {
    for (const [id, pending] of this.pending) {
      clearTimeout(pending.timer);
      pending.reject(error);
      this.pending.delete(id);
    }
  }

  /** Why Klippy is not ready: `printer.info`'s message, else the last `webhooks.state_message`. */
  private klippyReason(): string | null {
    const webhooks = this.objects.webhooks?.state_message;
    return this.klippyMessage ?? (typeof webhooks === 'string' ? webhooks.slice(0, 500) : null);
  }

  private heater(name: string): { actual: number | null; target: number | null } | null {
    const heater = this.objects[name];
    if (!heater) return null;
    const value = (field: string) =>
      typeof heater[field] === 'number' ? Math.round((heater[field] as number) * 10) / 10 : null;
    return { actual: value('temperature'), target: value('target') };
  }

  private jobRef(filename: string): JobRef {
    return this.ledger.jobRef(filename);
  }

  private event(event: DistributiveOmit<AgentEvent, 'id' | 'at'>): AgentEvent {
    return { ...event, id: randomUUID(), at: Date.now() } as AgentEvent;
  }

  private requireIdle(action: string): void {
    const { state } = this.status();
    if (ACTIVE_STATES.includes(state)) throw new BackendRefusedError(`cannot ${action} while ${state}`);
  }

  private async confirmStarted(since: number): Promise<CommandData> {
    const deadline = Date.now() + (this.options.startConfirmTimeoutMs ?? 8_000);
    while (Date.now() < deadline) {
      if (this.lastStartedAt >= since || this.printState === 'printing' || this.printState === 'paused') {
        return { printing: true };
      }
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    throw new BackendRefusedError('Klipper accepted the start but no print began');
  }
}

type DistributiveOmit<T, K extends PropertyKey> = T extends unknown ? Omit<T, K> : never;
