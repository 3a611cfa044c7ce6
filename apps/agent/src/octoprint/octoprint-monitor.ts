import { randomUUID } from 'node:crypto';
import { EventEmitter } from 'node:events';

import type { AgentEvent, BackendLink, PrinterState, PrintEventType } from '@farmhand/protocol';
import type { Logger } from 'pino';

import { BackendError } from '../backend/printer-backend';
import type { BackendStatus } from '../backend/printer-backend';
import type { JobLedger } from '../backend/job-ledger';
import type { OctoPrintHttp } from './octoprint-http';
import { OctoPrintPushSocket } from './octoprint-push';
import type { PushMessage } from './octoprint-push';
import {
  connectionStateText,
  emptyObserved,
  fromCurrent,
  fromJob,
  fromPrinter,
  impliedPrintEvent,
  mapOctoPrintEvent,
  mapPrinterState,
} from './octoprint-state';
import type { Observed } from './octoprint-state';

export interface MonitorOptions {
  logger: Logger;
  ledger: JobLedger;
  pollIntervalMs: number;
  usePushSocket: boolean;
  pushRetryMaxMs: number;
  pushPingIntervalMs?: number;
  /** Longest wait between tries while OctoPrint refuses the API key (default 5 min). */
  unauthorizedRetryMaxMs?: number;
}

/**
 * Keeps an up-to-date picture of one OctoPrint: from the push socket while it is authenticated,
 * otherwise by polling /api/connection, /api/printer and /api/job. Emits `status` and `event`.
 */
export class OctoPrintMonitor extends EventEmitter {
  private observed: Observed = emptyObserved();
  private backendLink: BackendLink = 'unreachable';
  private octoprintVersion: string | null = null;
  private push: OctoPrintPushSocket | null = null;
  private pollTimer: NodeJS.Timeout | null = null;
  private pushTimer: NodeJS.Timeout | null = null;
  private pushAttempts = 0;
  private running = false;
  private polling = false;
  private lastState: PrinterState = 'unknown';
  private lastStatusKey = '';
  private lastPrintEvent: { type: PrintEventType; path: string | null } | null = null;
  /** While OctoPrint refuses the key: tries so far, and no poll before `retryAt` (a back-off, not a 403 every 2 s). */
  private refusals = 0;
  private retryAt = 0;
  /** When OctoPrint last reported PrintStarted, to confirm a start that answered 204. */
  lastStartedAt = 0;

  constructor(
    private readonly http: OctoPrintHttp,
    private readonly options: MonitorOptions,
  ) {
    super();
  }

  get pushAuthed(): boolean {
    return this.push?.isAuthed ?? false;
  }

  version(): string | null {
    return this.octoprintVersion;
  }

  link(): BackendLink {
    return this.backendLink;
  }

  async start(): Promise<void> {
    this.running = true;
    this.pollTimer = setInterval(() => {
      if (!this.pushAuthed && Date.now() >= this.retryAt) void this.poll();
    }, this.options.pollIntervalMs);
    this.pollTimer.unref();
    // The push socket opens after a successful poll: with a wrong key or no OctoPrint there is nothing to log in to.
    await this.poll();
  }

  async stop(): Promise<void> {
    this.running = false;
    if (this.pollTimer) clearInterval(this.pollTimer);
    if (this.pushTimer) clearTimeout(this.pushTimer);
    this.pollTimer = this.pushTimer = null;
    this.push?.removeAllListeners();
    this.push?.close();
    this.push = null;
  }

  status(): BackendStatus {
    const o = this.observed;
    const state = this.backendLink === 'ok' ? mapPrinterState(o.flags, o.stateText) : 'unknown';
    const connected = state !== 'offline' && state !== 'unknown' && state !== 'error';
    const active = ['printing', 'pausing', 'paused', 'cancelling'].includes(state);
    return {
      state,
      stateText: o.stateText,
      backend: this.backendLink,
      temperatures: { tool0: connected ? o.tool0 : null, bed: connected ? o.bed : null },
      job: o.filePath ? this.options.ledger.jobRef(o.filePath) : null,
      progress: o.completion,
      printTime: active || o.completion === 100 ? o.printTime : null,
      printTimeLeft: active ? o.printTimeLeft : null,
      z: connected ? o.z : null,
      error: state === 'error' ? (o.error ?? o.stateText) : null,
    };
  }

  /** Reads state over REST once; used while the push socket is down and to confirm commands. */
  async poll(): Promise<void> {
    if (this.polling || !this.running) return;
    this.polling = true;
    try {
      if (this.octoprintVersion === null) {
        const version = await this.http.getJson('/api/version');
        const server = (version.body as { server?: unknown } | null)?.server;
        this.octoprintVersion = typeof server === 'string' ? server.slice(0, 64) : null;
      }
      const connection = await this.http.getJson('/api/connection');
      const printer = await this.http.getJson('/api/printer', [409]);
      const job = await this.http.getJson('/api/job');
      const update: Partial<Observed> =
        printer.status === 409
          ? { stateText: connectionStateText(connection.body), flags: null, tool0: null, bed: null, z: null }
          : fromPrinter(printer.body);
      this.merge({ ...fromJob(job.body), ...update });
      this.refusals = 0;
      this.retryAt = 0;
      this.setLink('ok');
      if (this.options.usePushSocket && !this.push && !this.pushTimer) this.openPush();
    } catch (error) {
      if (error instanceof BackendError && error.code === 'backend_unauthorized') this.refused(error.message);
      else this.setLink('unreachable');
    } finally {
      this.polling = false;
    }
    this.publish(true);
  }

  /** A refused key does not fix itself: say what is wrong once, then try again less and less often. */
  private refused(reason: string): void {
    const capMs = this.options.unauthorizedRetryMaxMs ?? 5 * 60_000;
    const waitMs = Math.min(capMs, this.options.pollIntervalMs * 2 ** Math.min(this.refusals, 20));
    this.refusals += 1;
    this.retryAt = Date.now() + waitMs;
    if (this.backendLink !== 'unauthorized') {
      this.options.logger.warn(
        { reason, retryInSeconds: Math.round(waitMs / 1000) },
        'OctoPrint refused the API key: set the right key (--octoprint-api-key, OCTOPRINT_API_KEY or the config file)',
      );
    }
    this.setLink('unauthorized');
  }

  private openPush(): void {
    if (!this.running || this.push) return;
    const push = new OctoPrintPushSocket({
      baseUrl: this.http.baseUrl,
      login: () => this.login(),
      logger: this.options.logger,
      pingIntervalMs: this.options.pushPingIntervalMs,
    });
    this.push = push;
    push.on('authed', () => {
      this.pushAttempts = 0;
      this.options.logger.info('OctoPrint push socket authenticated; polling paused');
    });
    push.on('message', (message: PushMessage) => this.handlePush(message));
    push.on('closed', ({ wasAuthed }: { wasAuthed: boolean }) => {
      if (this.push !== push) return;
      this.push = null;
      if (wasAuthed) this.options.logger.warn('OctoPrint push socket closed; polling until it is back');
      void this.poll();
      if (this.backendLink === 'ok') this.schedulePush();
    });
    push.open().catch((error: unknown) => {
      this.options.logger.debug({ err: (error as Error).message }, 'OctoPrint push socket did not open');
    });
  }

  private schedulePush(): void {
    if (!this.running || this.pushTimer) return;
    const delay = Math.min(this.options.pushRetryMaxMs, 1_000 * 2 ** Math.min(this.pushAttempts, 10));
    this.pushAttempts += 1;
    this.pushTimer = setTimeout(
      () => {
        this.pushTimer = null;
        this.openPush();
      },
      delay * (0.5 + Math.random() / 2),
    );
    this.pushTimer.unref();
  }

  private async login(): Promise<string> {
    const answer = await this.http.postJson('/api/login', { passive: true });
    const body = answer.body as { name?: unknown; session?: unknown } | null;
    if (typeof body?.name !== 'string' || typeof body.session !== 'string') {
      throw new Error('passive login answered without name and session');
    }
    return `${body.name}:${body.session}`;
  }

  private handlePush(message: PushMessage): void {
    if (message.type === 'connected') {
      const version = (message.payload as { version?: unknown } | null)?.version;
      if (typeof version === 'string') this.octoprintVersion = version.slice(0, 64);
      this.setLink('ok');
    } else if (message.type === 'current' || message.type === 'history') {
      this.setLink('ok');
      this.merge(fromCurrent(message.payload));
      // `history` follows a gap (socket just authenticated): infer what its missing events would have said.
      this.publish(message.type === 'history');
    } else if (message.type === 'event') {
      const { type, payload } = (message.payload ?? {}) as { type?: unknown; payload?: unknown };
      if (typeof type === 'string') this.handleOctoPrintEvent(type, payload);
    }
  }

  private handleOctoPrintEvent(type: string, payload: unknown): void {
    const mapped = mapOctoPrintEvent(type, payload);
    if (!mapped) return;
    if (mapped.kind === 'print') {
      if (mapped.type === 'print.started') this.lastStartedAt = Date.now();
      this.emitPrintEvent(mapped.type, mapped.path, mapped.printTime, mapped.reason);
    } else if (mapped.kind === 'printer-link') {
      this.emitEvent({ type: 'connection.changed', link: 'printer', connected: mapped.connected, reason: null });
      // Disconnected printers send no `current`; refresh over REST so the state does not go stale.
      void this.refreshSoon();
    } else if (mapped.message) {
      this.observed.error = mapped.message.slice(0, 1_000);
    }
  }

  private async refreshSoon(): Promise<void> {
    if (!this.pushAuthed) return;
    try {
      const connection = await this.http.getJson('/api/connection');
      const stateText = connectionStateText(connection.body);
      if (mapPrinterState(null, stateText) !== 'operational') this.merge({ stateText, flags: null });
      this.publish(false);
    } catch {
      // The next poll or push message corrects it.
    }
  }

  private merge(update: Partial<Observed>): void {
    this.observed = { ...this.observed, ...update };
  }

  private setLink(link: BackendLink): void {
    if (link === this.backendLink) return;
    const previous = this.backendLink;
    this.backendLink = link;
    this.options.logger.info({ from: previous, to: link }, 'OctoPrint link changed');
    this.emitEvent({ type: 'connection.changed', link: 'backend', connected: link === 'ok', reason: link });
  }

  private publish(fromPolling: boolean): void {
    const status = this.status();
    if (fromPolling && status.state !== this.lastState && this.lastState !== 'unknown' && status.state !== 'unknown') {
      const implied = impliedPrintEvent(this.lastState, status.state, status.progress);
      if (implied) this.emitPrintEvent(implied, this.observed.filePath, status.printTime, null);
    }
    if (status.state !== 'unknown') this.lastState = status.state;
    const key = JSON.stringify(status);
    if (key !== this.lastStatusKey) {
      this.lastStatusKey = key;
      this.emit('status', status);
    }
  }

  private emitPrintEvent(
    type: PrintEventType,
    path: string | null,
    printTime: number | null,
    reason: string | null,
  ): void {
    // Push events and state-implied events may describe the same transition; report it once.
    if (this.lastPrintEvent?.type === type && this.lastPrintEvent.path === path) return;
    this.lastPrintEvent = { type, path };
    if (type === 'print.started') this.lastStartedAt = Date.now();
    this.emitEvent({
      type,
      job: path ? this.options.ledger.jobRef(path) : null,
      printTime: printTime ?? null,
      reason: reason?.slice(0, 1_000) ?? null,
    });
  }

  private emitEvent(event: DistributiveOmit<AgentEvent, 'id' | 'at'>): void {
    this.emit('event', { ...event, id: randomUUID(), at: Date.now() } as AgentEvent);
  }
}

type DistributiveOmit<T, K extends PropertyKey> = T extends unknown ? Omit<T, K> : never;
