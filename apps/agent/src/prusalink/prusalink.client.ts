import { randomUUID } from 'node:crypto';
import { EventEmitter } from 'node:events';
import { openAsBlob } from 'node:fs';

import { MAX_FRAME_BYTES } from '@farmhand/protocol';
import type { AgentEvent, BackendLink, JobRef } from '@farmhand/protocol';
import type { Logger } from 'pino';

import { JobLedger } from '../backend/job-ledger';
import {
  BackendError,
  BackendRefusedError,
  BackendUnauthorizedError,
  BackendUnreachableError,
  BackendUnsupportedError,
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
import { DigestSession } from './digest-auth';
import { isActivePrusaState, mapPrusaLinkState, progressPercent, prusaEventOf } from './prusalink-state';

export interface PrusaLinkClientOptions {
  /** `http(s)://host[:port]` of the printer (Buddy firmware) or of the Prusa Link host (MK3 + Raspberry Pi). */
  baseUrl: string;
  /** Prusa Link's API key (`X-Api-Key`); or `username` + `password` for HTTP Digest (user `maker` by default). */
  apiKey?: string;
  username?: string;
  password?: string;
  logger: Logger;
  ledger?: JobLedger;
  /** Prusa Link is polled (it pushes nothing): default every 2 s. */
  pollIntervalMs?: number;
  requestTimeoutMs?: number;
  uploadTimeoutMs?: number;
  reconnectMaxMs?: number;
  /** After credentials are refused, wait at least this long before trying again (default 60 s). */
  unauthorizedRetryMs?: number;
  startConfirmTimeoutMs?: number;
  /** Some models report progress as a fraction (0–1); `auto` tells them apart by the print times. */
  progressScale?: 'auto' | 'percent' | 'fraction';
}

/**
 * Prusa Link's v1 API has no G-code console, no jog, home or temperature endpoints, and no emergency stop: only the
 * job (pause, resume, stop), uploads that print, and a camera snapshot where a camera is set up.
 */
export const PRUSALINK_CAPABILITIES: BackendCapabilities = {
  commands: ['start', 'pause', 'resume', 'cancel'],
  uploadFormats: ['gcode', 'bgcode'],
  snapshot: true,
  liveCamera: false,
};

const MAX_JSON_BYTES = 256 * 1024;
const ACTIVE = ['printing', 'paused', 'pausing', 'cancelling'];

interface PrusaStatus {
  storage?: { name?: unknown; path?: unknown; read_only?: unknown };
  printer?: Record<string, unknown>;
  job?: { id?: unknown; progress?: unknown; time_remaining?: unknown; time_printing?: unknown };
}

/**
 * PrinterBackend for Prusa Link (MK4/MK3.9/MINI/XL/Core One firmware, and MK3 with Prusa Link on a Raspberry Pi):
 * polls `GET /api/v1/status`, reads the job's file from `GET /api/v1/job` when the job id changes, drives the job
 * with `PUT /api/v1/job/{id}/pause|resume` and `DELETE /api/v1/job/{id}`, uploads with
 * `PUT /api/v1/files/{storage}/{path}` (`Print-After-Upload`, `Overwrite`), and authenticates with `X-Api-Key` or
 * HTTP Digest.
 */
export class PrusaLinkClient extends EventEmitter implements PrinterBackend {
  readonly kind = 'prusalink' as const;
  readonly capabilities = PRUSALINK_CAPABILITIES;
  readonly address: string;
  private readonly baseUrl: URL;
  private readonly ledger: JobLedger;
  private readonly digest: DigestSession | null;
  private running = false;
  private timer: NodeJS.Timeout | null = null;
  private attempts = 0;
  private backendLink: BackendLink = 'unreachable';
  private raw: PrusaStatus | null = null;
  private printerState: string | null = null;
  /** The state events are computed from (null until the first status after connecting). */
  private baseline: { state: string; jobId: number | null } | null = null;
  private jobId: number | null = null;
  private jobFile: string | null = null;
  private storage = 'usb';
  private serverVersion: string | null = null;
  private lastUploaded: string | null = null;
  private lastSent = '';
  private polling: Promise<void> | null = null;

  constructor(private readonly options: PrusaLinkClientOptions) {
    super();
    this.baseUrl = new URL(options.baseUrl);
    if (this.baseUrl.protocol !== 'http:' && this.baseUrl.protocol !== 'https:') {
      throw new Error('Prusa Link URL must be http(s)');
    }
    if (this.baseUrl.username || this.baseUrl.password) {
      throw new Error('put credentials in the LAN-secrets file, not in the Prusa Link URL');
    }
    if (!this.baseUrl.pathname.endsWith('/')) this.baseUrl.pathname += '/';
    if (options.apiKey !== undefined && !/^[\x20-\x7e]+$/.test(options.apiKey)) {
      throw new Error('the Prusa Link API key must be printable ASCII');
    }
    if (!options.apiKey && !options.password) {
      throw new Error('Prusa Link needs an API key, or a user name and password for HTTP Digest');
    }
    this.digest = options.apiKey ? null : new DigestSession(options.username || 'maker', options.password!);
    this.address = addressLabel(options.baseUrl);
    this.ledger = options.ledger ?? new JobLedger();
  }

  start(): Promise<void> {
    this.running = true;
    return this.pollOnce().finally(() => this.schedule());
  }

  stop(): Promise<void> {
    this.running = false;
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    return Promise.resolve();
  }

  status(): BackendStatus {
    const printer = this.raw?.printer ?? {};
    const job = this.raw?.job;
    const mapped =
      this.backendLink === 'ok' && this.printerState
        ? mapPrusaLinkState(this.printerState, this.jobId !== null, this.printerMessage())
        : { state: 'unknown' as const, stateText: null, error: null };
    const active = mapped.state === 'printing' || mapped.state === 'paused';
    const num = (value: unknown) => (typeof value === 'number' && Number.isFinite(value) ? value : null);
    const round = (value: unknown) => {
      const n = num(value);
      return n === null ? null : Math.round(n * 10) / 10;
    };
    return {
      state: mapped.state,
      stateText: mapped.stateText,
      backend: this.backendLink,
      temperatures: {
        tool0:
          num(printer.temp_nozzle) !== null
            ? { actual: round(printer.temp_nozzle), target: round(printer.target_nozzle) }
            : null,
        bed:
          num(printer.temp_bed) !== null
            ? { actual: round(printer.temp_bed), target: round(printer.target_bed) }
            : null,
      },
      job: this.jobFile ? this.jobRef(this.jobFile) : null,
      progress: active
        ? progressPercent(job?.progress, job?.time_printing, job?.time_remaining, this.options.progressScale)
        : null,
      printTime: active && num(job?.time_printing) !== null ? Math.round(num(job?.time_printing)!) : null,
      printTimeLeft: active && num(job?.time_remaining) !== null ? Math.round(num(job?.time_remaining)!) : null,
      z: num(printer.axis_z) !== null ? Math.round(num(printer.axis_z)! * 100) / 100 : null,
      error: mapped.error ? mapped.error.slice(0, 1_000) : null,
    };
  }

  link(): BackendLink {
    return this.backendLink;
  }

  version(): string | null {
    return this.serverVersion;
  }

  /** Prints the file last uploaded without printing (`POST /api/v1/files/{storage}/{path}`). */
  async startPrint(): Promise<CommandData> {
    this.requireIdle('start');
    if (!this.lastUploaded) throw new BackendRefusedError('no file was uploaded to this printer to start');
    const response = await this.request('POST', this.filePath(this.lastUploaded));
    await this.expectOk(response, 'start the print');
    return this.confirmStarted();
  }

  async pause(): Promise<CommandData> {
    await this.jobCommand('PUT', 'pause');
    return { accepted: true };
  }

  async resume(): Promise<CommandData> {
    await this.jobCommand('PUT', 'resume');
    return { accepted: true };
  }

  async cancel(): Promise<CommandData> {
    await this.jobCommand('DELETE', null);
    return { accepted: true };
  }

  emergencyStop(): Promise<CommandData> {
    return Promise.reject(new BackendUnsupportedError('Prusa Link has no emergency stop; stop the print instead'));
  }

  home(): Promise<CommandData> {
    return Promise.reject(new BackendUnsupportedError('Prusa Link cannot home the axes remotely'));
  }

  jog(): Promise<CommandData> {
    return Promise.reject(new BackendUnsupportedError('Prusa Link cannot jog the print head remotely'));
  }

  setTemperature(): Promise<CommandData> {
    return Promise.reject(new BackendUnsupportedError('Prusa Link cannot set temperatures remotely'));
  }

  sendGcode(): Promise<CommandData> {
    return Promise.reject(new BackendUnsupportedError('Prusa Link has no G-code console'));
  }

  connect(): Promise<CommandData> {
    return Promise.reject(new BackendUnsupportedError('Prusa Link keeps its own printer connection'));
  }

  disconnect(): Promise<CommandData> {
    return Promise.reject(new BackendUnsupportedError('Prusa Link keeps its own printer connection'));
  }

  /** `GET /api/v1/cameras/snap`: the active camera's last snapshot (204 or 404 when no camera is set up). */
  async snapshot(): Promise<Buffer> {
    const response = await this.request('GET', 'api/v1/cameras/snap', { accept: 'image/jpeg' });
    if (response.status === 204 || response.status === 404) {
      await response.body?.cancel();
      throw new BackendUnsupportedError('Prusa Link has no camera snapshot (no camera set up)');
    }
    await this.expectOk(response, 'read the camera', true);
    const data = Buffer.from(await response.arrayBuffer());
    if (data.length > MAX_FRAME_BYTES) throw new BackendError('too_large', 'camera snapshot too large');
    if (data.length < 4 || data[0] !== 0xff || data[1] !== 0xd8) {
      throw new BackendError('backend_error', 'the camera snapshot is not a JPEG');
    }
    return data;
  }

  /** `PUT /api/v1/files/{storage}/{name}` with `Print-After-Upload` and `Overwrite` (structured-field booleans). */
  async uploadAndSelect(request: UploadRequest): Promise<CommandData> {
    this.requireIdle('upload over');
    const name = request.fileName.replace(/[/\\]/g, '_');
    const body = await openAsBlob(request.localPath, { type: 'application/octet-stream' });
    const response = await this.request('PUT', this.filePath(name), {
      body,
      timeoutMs: this.options.uploadTimeoutMs ?? 10 * 60_000,
      headers: {
        'Content-Type': 'application/octet-stream',
        'Print-After-Upload': request.print ? '?1' : '?0',
        Overwrite: '?1',
      },
    });
    if (response.status === 413) {
      await response.body?.cancel();
      throw new BackendError('too_large', 'Prusa Link: the file does not fit the printer storage');
    }
    await this.expectOk(response, 'take the upload');
    this.ledger.remember(name, { sha256: request.sha256, copyId: request.copyId });
    this.lastUploaded = name;
    if (!request.print) return { path: name, selected: false };
    return { path: name, ...(await this.confirmStarted()) };
  }

  // ---- polling ----------------------------------------------------------------------------------------------

  private schedule(): void {
    if (!this.running) return;
    const interval = this.options.pollIntervalMs ?? 2_000;
    const wait =
      this.backendLink === 'ok'
        ? interval
        : Math.max(
            backoffDelay(this.attempts, { baseMs: interval, capMs: this.options.reconnectMaxMs ?? 30_000 }),
            this.backendLink === 'unauthorized' ? (this.options.unauthorizedRetryMs ?? 60_000) : 0,
          );
    this.timer = setTimeout(() => {
      this.timer = null;
      void this.pollOnce().finally(() => this.schedule());
    }, wait);
    this.timer.unref();
  }

  /** One poll; concurrent callers (a command confirming a start) share the one in flight. */
  private pollOnce(): Promise<void> {
    this.polling ??= this.poll().finally(() => {
      this.polling = null;
    });
    return this.polling;
  }

  private async poll(): Promise<void> {
    try {
      const response = await this.request('GET', 'api/v1/status');
      await this.expectOk(response, 'report its status');
      const status = (await this.json(response)) as PrusaStatus;
      if (this.backendLink !== 'ok') await this.onConnected();
      this.attempts = 0;
      this.setLink('ok');
      await this.absorb(status);
    } catch (error) {
      this.attempts++;
      if (error instanceof BackendUnauthorizedError) {
        if (this.backendLink !== 'unauthorized') {
          this.options.logger.warn(
            { prusalink: this.address, auth: this.digest ? 'digest' : 'api-key' },
            this.digest
              ? 'Prusa Link refused the user name or password (HTTP Digest): check them in the LAN-secrets file'
              : 'Prusa Link refused the API key: check it in the LAN-secrets file (printer: Settings > Network)',
          );
        }
        this.setLink('unauthorized');
      } else {
        if (this.backendLink === 'ok') {
          this.options.logger.warn({ prusalink: this.address, reason: (error as Error).message }, 'Prusa Link lost');
        }
        this.setLink('unreachable');
      }
    }
  }

  /** After (re)connecting: the software version and the storage to upload to (the first writable one). */
  private async onConnected(): Promise<void> {
    try {
      const version = await this.request('GET', 'api/version');
      if (version.ok) {
        const body = (await this.json(version)) as { server?: unknown };
        this.serverVersion = typeof body.server === 'string' ? body.server.slice(0, 64) : null;
      } else await version.body?.cancel();
      const storage = await this.request('GET', 'api/v1/storage');
      if (storage.ok) {
        const body = (await this.json(storage)) as { storage_list?: unknown };
        const list = Array.isArray(body.storage_list) ? (body.storage_list as Array<Record<string, unknown>>) : [];
        const writable = list.find(
          (item) => item.available !== false && item.read_only !== true && typeof item.path === 'string',
        );
        const name = writable ? String(writable.path).replace(/^\/+|\/+$/g, '') : '';
        if (/^[A-Za-z0-9_-]{1,32}$/.test(name)) this.storage = name;
      } else await storage.body?.cancel();
    } catch {
      // Version and storage only refine reports and uploads; the status poll decides the link.
    }
  }

  private async absorb(status: PrusaStatus): Promise<void> {
    const state = typeof status.printer?.state === 'string' ? status.printer.state.toUpperCase() : 'IDLE';
    const jobId = typeof status.job?.id === 'number' ? status.job.id : null;
    if (jobId !== null && jobId !== this.jobId) this.jobFile = await this.readJobFile();
    if (jobId === null && !['FINISHED', 'STOPPED'].includes(state)) this.jobFile = null;
    const previous = this.baseline;
    this.raw = status;
    this.printerState = state;
    this.jobId = jobId;
    // The first picture after connecting sets the baseline: a print already running is not a new start. BUSY within
    // a job (stopping, parking) keeps the active baseline, so the STOPPED after it still reads as a cancel.
    const type = previous ? prusaEventOf(previous, { state, jobId }) : null;
    if (!(state === 'BUSY' && previous && jobId === previous.jobId && isActivePrusaState(previous.state))) {
      this.baseline = { state, jobId };
    }
    if (type) {
      const printTime =
        typeof status.job?.time_printing === 'number' ? Math.round(status.job.time_printing) : undefined;
      const reason = type === 'print.failed' ? this.printerMessage() : null;
      this.emit('event', this.event({ type, job: this.jobFile ? this.jobRef(this.jobFile) : null, printTime, reason }));
    }
    this.emitStatus();
  }

  /** The job's file as Farmhand named it: the long (display) name; Buddy's `name` may be an 8.3 short name. */
  private async readJobFile(): Promise<string | null> {
    const response = await this.request('GET', 'api/v1/job');
    if (response.status === 204) return null;
    if (!response.ok) {
      await response.body?.cancel();
      return null;
    }
    const job = (await this.json(response)) as { file?: { display_name?: unknown; name?: unknown } };
    const name = job.file?.display_name ?? job.file?.name;
    return typeof name === 'string' && name ? name.slice(0, 1_024) : null;
  }

  private emitStatus(): void {
    const status = this.status();
    const key = JSON.stringify(status);
    if (key === this.lastSent) return;
    this.lastSent = key;
    this.emit('status', status);
  }

  private setLink(link: BackendLink): void {
    if (this.backendLink === link) return;
    this.backendLink = link;
    if (link !== 'ok') {
      this.printerState = null;
      this.baseline = null;
    }
    this.emit(
      'event',
      this.event({ type: 'connection.changed', link: 'backend', connected: link === 'ok', reason: link }),
    );
    this.emitStatus();
  }

  // ---- HTTP -------------------------------------------------------------------------------------------------

  private filePath(name: string): string {
    return `api/v1/files/${encodeURIComponent(this.storage)}/${encodeURIComponent(name)}`;
  }

  /**
   * One request with the LAN secret: `X-Api-Key`, or Digest with the cached challenge; a 401 with a fresh (or stale)
   * nonce is retried once, so a Digest printer costs one extra round trip per nonce, not per request.
   */
  private async request(
    method: string,
    path: string,
    init: { body?: Blob; headers?: Record<string, string>; timeoutMs?: number; accept?: string } = {},
  ): Promise<Response> {
    const url = new URL(path, this.baseUrl);
    const uri = `${url.pathname}${url.search}`;
    for (let attempt = 0; ; attempt++) {
      const headers: Record<string, string> = { Accept: init.accept ?? 'application/json', ...init.headers };
      if (this.options.apiKey) headers['X-Api-Key'] = this.options.apiKey;
      const authorization = this.digest?.authorization(method, uri);
      if (authorization) headers.Authorization = authorization;
      let response: Response;
      try {
        response = await fetch(url, {
          method,
          headers,
          body: init.body,
          redirect: 'manual',
          signal: AbortSignal.timeout(init.timeoutMs ?? this.options.requestTimeoutMs ?? 10_000),
        });
      } catch (error) {
        throw new BackendUnreachableError(`Prusa Link at ${this.address} unreachable: ${(error as Error).name}`);
      }
      if (response.status === 401 && this.digest && attempt === 0) {
        if (this.digest.accept(response.headers.get('www-authenticate'))) {
          await response.body?.cancel();
          continue;
        }
      }
      return response;
    }
  }

  private async expectOk(response: Response, what: string, keepBody = false): Promise<void> {
    if (response.ok) {
      if (!keepBody && response.status !== 200) await response.body?.cancel();
      return;
    }
    const text = (await response.text().catch(() => '')).slice(0, 300);
    let detail = '';
    try {
      const body = JSON.parse(text) as { message?: unknown; title?: unknown };
      detail = typeof body.message === 'string' ? body.message : typeof body.title === 'string' ? body.title : '';
    } catch {
      detail = text.replace(/<[^>]*>/g, ' ').trim();
    }
    detail = detail.replace(/\s+/g, ' ').slice(0, 200);
    const suffix = detail ? `: ${detail}` : '';
    if (response.status === 401 || response.status === 403) {
      throw new BackendUnauthorizedError(
        `Prusa Link refused ${this.digest ? 'the user name or password' : 'the API key'} (${response.status})`,
      );
    }
    if (response.status === 409) throw new BackendRefusedError(`Prusa Link would not ${what} now${suffix}`);
    if (response.status === 404)
      throw new BackendError('not_found', `Prusa Link could not ${what}: not found${suffix}`);
    if (response.status === 415) throw new BackendRefusedError(`Prusa Link does not print this file type${suffix}`);
    throw new BackendError('backend_error', `Prusa Link answered ${response.status} when asked to ${what}${suffix}`);
  }

  private async json(response: Response): Promise<unknown> {
    const declared = Number(response.headers.get('content-length') ?? 0);
    if (declared > MAX_JSON_BYTES) {
      await response.body?.cancel();
      throw new BackendError('backend_error', 'Prusa Link answer too large');
    }
    const text = await response.text();
    if (text.length > MAX_JSON_BYTES) throw new BackendError('backend_error', 'Prusa Link answer too large');
    try {
      const value = JSON.parse(text) as unknown;
      return value && typeof value === 'object' ? value : {};
    } catch {
      throw new BackendError('backend_error', 'Prusa Link answered with something other than JSON');
    }
  }

  private async jobCommand(method: 'PUT' | 'DELETE', action: 'pause' | 'resume' | null): Promise<void> {
    await this.pollOnce();
    if (this.jobId === null) throw new BackendRefusedError('Prusa Link has no job to ' + (action ?? 'stop'));
    const path = `api/v1/job/${this.jobId}${action ? `/${action}` : ''}`;
    const response = await this.request(method, path);
    await this.expectOk(response, action ? `${action} the print` : 'stop the print');
    void this.pollOnce();
  }

  private async confirmStarted(): Promise<CommandData> {
    const before = this.jobId;
    const deadline = Date.now() + (this.options.startConfirmTimeoutMs ?? 10_000);
    while (Date.now() < deadline) {
      await this.pollOnce();
      if (this.printerState === 'PRINTING' && this.jobId !== null && this.jobId !== before) return { printing: true };
      if (this.printerState === 'PRINTING' && before === null) return { printing: true };
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
    throw new BackendRefusedError('Prusa Link took the file but no print began');
  }

  private printerMessage(): string | null {
    const status = this.raw?.printer?.status_printer as { ok?: unknown; message?: unknown } | undefined;
    return status && status.ok === false && typeof status.message === 'string' ? status.message.slice(0, 500) : null;
  }

  private jobRef(name: string): JobRef {
    return this.ledger.jobRef(name);
  }

  private event(event: DistributiveOmit<AgentEvent, 'id' | 'at'>): AgentEvent {
    return { ...event, id: randomUUID(), at: Date.now() } as AgentEvent;
  }

  private requireIdle(action: string): void {
    const { state } = this.status();
    if (ACTIVE.includes(state)) throw new BackendRefusedError(`cannot ${action} while ${state}`);
  }
}

type DistributiveOmit<T, K extends PropertyKey> = T extends unknown ? Omit<T, K> : never;
