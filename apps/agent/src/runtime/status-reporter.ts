import type { Status } from '@farmhand/protocol';

import type { BackendStatus } from '../backend/printer-backend';

export interface StatusReporterOptions {
  send: (status: Status) => boolean;
  /** Floor between two sends, even for important changes. */
  minIntervalMs?: number;
  /** How often routine changes (temperatures, progress) are sent. */
  routineIntervalMs?: number;
  /** A status is sent at least this often, changed or not, so the server can tell a live agent from a stale one. */
  heartbeatMs?: number;
}

/**
 * Decides when to send status: state, job, targets and errors go out at once (rate-limited),
 * creeping numbers at a routine pace, and a heartbeat otherwise. Keeps thousands of agents cheap to serve.
 */
export class StatusReporter {
  private latest: BackendStatus | null = null;
  private lastSentKey = '';
  private lastSentImportantKey = '';
  private lastSentAt = 0;
  private timer: NodeJS.Timeout | null = null;
  private heartbeat: NodeJS.Timeout | null = null;

  constructor(private readonly options: StatusReporterOptions) {}

  start(): void {
    const period = this.options.heartbeatMs ?? 30_000;
    this.heartbeat = setInterval(
      () => {
        if (Date.now() - this.lastSentAt >= period) this.sendNow();
      },
      Math.min(period, 5_000),
    );
    this.heartbeat.unref();
  }

  stop(): void {
    if (this.timer) clearTimeout(this.timer);
    if (this.heartbeat) clearInterval(this.heartbeat);
    this.timer = this.heartbeat = null;
  }

  update(status: BackendStatus): void {
    this.latest = status;
    if (JSON.stringify(status) === this.lastSentKey) return;
    const important = importantKey(status) !== this.lastSentImportantKey;
    const interval = important ? (this.options.minIntervalMs ?? 1_000) : (this.options.routineIntervalMs ?? 5_000);
    this.schedule(Math.max(0, this.lastSentAt + interval - Date.now()));
  }

  /** Sends the latest status immediately (on connect and reconnect). */
  sendNow(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    if (!this.latest) return;
    const status: Status = { ...this.latest, sentAt: Date.now() };
    if (!this.options.send(status)) return;
    this.lastSentAt = Date.now();
    this.lastSentKey = JSON.stringify(this.latest);
    this.lastSentImportantKey = importantKey(this.latest);
  }

  private schedule(delay: number): void {
    if (this.timer) return;
    this.timer = setTimeout(() => {
      this.timer = null;
      this.sendNow();
    }, delay);
    this.timer.unref();
  }
}

function importantKey(status: BackendStatus): string {
  const { state, stateText, backend, job, error, temperatures } = status;
  return JSON.stringify([state, stateText, backend, job, error, temperatures.tool0?.target, temperatures.bed?.target]);
}
