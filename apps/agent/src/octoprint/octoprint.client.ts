import { EventEmitter } from 'node:events';
import { openAsBlob } from 'node:fs';

import { MAX_FRAME_BYTES } from '@farmhand/protocol';
import type { BackendLink, JogArgs, TemperatureArgs } from '@farmhand/protocol';
import type { Logger } from 'pino';

import { JobLedger } from '../backend/job-ledger';
import { BackendError, addressLabel } from '../backend/printer-backend';
import type {
  BackendCapabilities,
  BackendStatus,
  CommandData,
  PrinterBackend,
  UploadRequest,
} from '../backend/printer-backend';
import { OctoPrintHttp } from './octoprint-http';
import { OctoPrintMonitor } from './octoprint-monitor';

export interface OctoPrintClientOptions {
  baseUrl: string;
  apiKey: string;
  logger: Logger;
  ledger?: JobLedger;
  /** Polling period while the push socket is down. */
  pollIntervalMs?: number;
  /** false: never open the push socket (polling only). */
  usePushSocket?: boolean;
  pushRetryMaxMs?: number;
  pushPingIntervalMs?: number;
  unauthorizedRetryMaxMs?: number;
  requestTimeoutMs?: number;
  uploadTimeoutMs?: number;
  /** How long to wait for a print to actually begin after OctoPrint accepted a start. */
  startConfirmTimeoutMs?: number;
}

const SETTINGS_TTL_MS = 5 * 60_000;
const ACTIVE_STATES = ['printing', 'pausing', 'paused', 'cancelling'];

/** Everything OctoPrint's REST API offers; the serial link is OctoPrint's to open and close. */
export const OCTOPRINT_CAPABILITIES: BackendCapabilities = {
  commands: [
    'start',
    'pause',
    'resume',
    'cancel',
    'home',
    'jog',
    'temperature',
    'gcode',
    'connect',
    'disconnect',
    'emergency_stop',
  ],
  uploadFormats: ['gcode'],
  snapshot: true,
  liveCamera: false,
};

/** PrinterBackend for OctoPrint 1.10/1.11 over its REST API and push socket. */
export class OctoPrintClient extends EventEmitter implements PrinterBackend {
  readonly kind = 'octoprint' as const;
  readonly capabilities = OCTOPRINT_CAPABILITIES;
  readonly address: string;
  private readonly http: OctoPrintHttp;
  private readonly monitor: OctoPrintMonitor;
  private readonly ledger: JobLedger;
  private snapshotUrl: { url: string | null; at: number } | null = null;

  constructor(private readonly options: OctoPrintClientOptions) {
    super();
    this.address = addressLabel(options.baseUrl);
    this.http = new OctoPrintHttp({
      baseUrl: options.baseUrl,
      apiKey: options.apiKey,
      timeoutMs: options.requestTimeoutMs,
    });
    this.ledger = options.ledger ?? new JobLedger();
    this.monitor = new OctoPrintMonitor(this.http, {
      logger: options.logger,
      ledger: this.ledger,
      pollIntervalMs: options.pollIntervalMs ?? 2_000,
      usePushSocket: options.usePushSocket ?? true,
      pushRetryMaxMs: options.pushRetryMaxMs ?? 30_000,
      pushPingIntervalMs: options.pushPingIntervalMs,
      unauthorizedRetryMaxMs: options.unauthorizedRetryMaxMs,
    });
    this.monitor.on('status', (status: BackendStatus) => this.emit('status', status));
    this.monitor.on('event', (event: unknown) => this.emit('event', event));
  }

  /** True while status comes from the push socket rather than polling. */
  get pushActive(): boolean {
    return this.monitor.pushAuthed;
  }

  start(): Promise<void> {
    return this.monitor.start();
  }

  stop(): Promise<void> {
    return this.monitor.stop();
  }

  status(): BackendStatus {
    return this.monitor.status();
  }

  link(): BackendLink {
    return this.monitor.link();
  }

  version(): string | null {
    return this.monitor.version();
  }

  /** OctoPrint answers 204 to a start even with no file selected, so the start is confirmed from state or event. */
  async startPrint(): Promise<CommandData> {
    this.requireIdle('start');
    if (!this.status().job) throw new BackendError('invalid_state', 'no file is selected on OctoPrint');
    const since = Date.now();
    await this.http.postJson('/api/job', { command: 'start' });
    return this.confirmStarted(since);
  }

  async pause(): Promise<CommandData> {
    await this.http.postJson('/api/job', { command: 'pause', action: 'pause' });
    return { accepted: true };
  }

  async resume(): Promise<CommandData> {
    await this.http.postJson('/api/job', { command: 'pause', action: 'resume' });
    return { accepted: true };
  }

  async cancel(): Promise<CommandData> {
    await this.http.postJson('/api/job', { command: 'cancel' });
    return { accepted: true };
  }

  /** M112 through OctoPrint's command endpoint: OctoPrint sends it to the firmware ahead of its queue. */
  async emergencyStop(): Promise<CommandData> {
    await this.http.postJson('/api/printer/command', { commands: ['M112'] });
    return { accepted: true };
  }

  async home(axes: Array<'x' | 'y' | 'z'>): Promise<CommandData> {
    await this.http.postJson('/api/printer/printhead', { command: 'home', axes });
    return { accepted: true };
  }

  async jog(args: JogArgs): Promise<CommandData> {
    const body: Record<string, unknown> = { command: 'jog', absolute: args.absolute };
    for (const axis of ['x', 'y', 'z'] as const) if (args[axis] !== undefined) body[axis] = args[axis];
    if (args.speed !== undefined) body.speed = args.speed;
    await this.http.postJson('/api/printer/printhead', body);
    return { accepted: true };
  }

  async setTemperature(args: TemperatureArgs): Promise<CommandData> {
    if (args.heater === 'bed') await this.http.postJson('/api/printer/bed', { command: 'target', target: args.target });
    else await this.http.postJson('/api/printer/tool', { command: 'target', targets: { tool0: args.target } });
    return { accepted: true };
  }

  async sendGcode(lines: string[]): Promise<CommandData> {
    await this.http.postJson('/api/printer/command', { commands: lines });
    return { accepted: true, lines: lines.length };
  }

  async connect(args: { port?: string; baudrate?: number; printerProfile?: string }): Promise<CommandData> {
    await this.http.postJson('/api/connection', { command: 'connect', ...args });
    return { accepted: true };
  }

  async disconnect(): Promise<CommandData> {
    await this.http.postJson('/api/connection', { command: 'disconnect' });
    return { accepted: true };
  }

  async snapshot(): Promise<Buffer> {
    const url = await this.webcamSnapshotUrl();
    if (!url) throw new BackendError('unsupported', 'OctoPrint has no webcam snapshot URL configured');
    const { data } = await this.http.getBinary(url, MAX_FRAME_BYTES);
    if (data.length < 4 || data[0] !== 0xff || data[1] !== 0xd8) {
      throw new BackendError('backend_error', 'the webcam snapshot is not a JPEG');
    }
    return data;
  }

  /** Uploads without OctoPrint's select/print form fields, then selects with `{"command":"select"}`. */
  async uploadAndSelect(request: UploadRequest): Promise<CommandData> {
    this.requireIdle('upload over');
    const form = new FormData();
    form.append('file', await openAsBlob(request.localPath, { type: 'application/octet-stream' }), request.fileName);
    form.append('select', 'false');
    form.append('print', 'false');
    const answer = await this.http.postForm('/api/files/local', form, this.options.uploadTimeoutMs ?? 10 * 60_000);
    const local = (answer.body as { files?: { local?: { path?: unknown } } } | null)?.files?.local;
    const path = typeof local?.path === 'string' ? local.path : request.fileName;
    this.ledger.remember(path, { sha256: request.sha256, copyId: request.copyId });
    const since = Date.now();
    const encoded = path.split('/').map(encodeURIComponent).join('/');
    await this.http.postJson(`/api/files/local/${encoded}`, { command: 'select', print: request.print });
    if (!request.print) return { path, selected: true };
    return { path, ...(await this.confirmStarted(since)) };
  }

  private requireIdle(action: string): void {
    const { state } = this.status();
    if (ACTIVE_STATES.includes(state)) throw new BackendError('invalid_state', `cannot ${action} while ${state}`);
  }

  private async confirmStarted(since: number): Promise<CommandData> {
    const deadline = Date.now() + (this.options.startConfirmTimeoutMs ?? 8_000);
    while (Date.now() < deadline) {
      const { state } = this.status();
      if (state === 'printing' || state === 'paused' || state === 'pausing') return { printing: true };
      if (this.monitor.lastStartedAt >= since) {
        // Started (the push event came first): read the state once more so the next command sees it printing.
        await this.monitor.poll();
        return { printing: true };
      }
      if (!this.monitor.pushAuthed) await this.monitor.poll();
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
    throw new BackendError('invalid_state', 'OctoPrint accepted the start but no print began');
  }

  private async webcamSnapshotUrl(): Promise<string | null> {
    if (this.snapshotUrl && Date.now() - this.snapshotUrl.at < SETTINGS_TTL_MS) return this.snapshotUrl.url;
    const { body } = await this.http.getJson('/api/settings');
    const settings = (body ?? {}) as {
      webcam?: { snapshotUrl?: unknown; webcamEnabled?: unknown };
      plugins?: { classicwebcam?: { snapshot?: unknown } };
    };
    const candidates = [settings.webcam?.snapshotUrl, settings.plugins?.classicwebcam?.snapshot];
    const url = candidates.find((value): value is string => typeof value === 'string' && value.length > 0) ?? null;
    this.snapshotUrl = { url: url?.slice(0, 2_048) ?? null, at: Date.now() };
    return this.snapshotUrl.url;
  }
}
