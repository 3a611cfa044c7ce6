import { AGENT_HTTP_PATHS, FRAME_CAPTURED_AT_HEADER } from '@farmhand/protocol';
import type { Logger } from 'pino';

import { BackendError } from '../backend/printer-backend';
import type { CommandData, PrinterBackend } from '../backend/printer-backend';

export interface FrameUploaderOptions {
  serverUrl: string;
  credential: string;
  backend: PrinterBackend;
  logger: Logger;
  /** Seconds between frames while a print is running (default 10). */
  intervalSeconds?: number;
  /** Seconds between frames otherwise; 0 disables them (default 300). */
  idleIntervalSeconds?: number;
  /** Frames are only worth taking while the server can be reached. */
  isServerReachable: () => boolean;
}

const PRINTING_STATES = ['printing', 'pausing', 'paused'];
const MAX_FAILURE_DELAY_MS = 5 * 60_000;

/** Takes webcam snapshots from the backend and POSTs them to `<server>/api/agent/frames` as JPEG. */
export class FrameUploader {
  private timer: NodeJS.Timeout | null = null;
  private lastAttemptAt = 0;
  private failures = 0;
  private busy = false;
  private intervalSeconds: number;
  uploaded = 0;

  constructor(private readonly options: FrameUploaderOptions) {
    this.intervalSeconds = options.intervalSeconds ?? 10;
  }

  start(): void {
    this.timer = setInterval(() => void this.tick(), 1_000);
    this.timer.unref();
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
  }

  /** Seconds between frames while printing (the server's setting once it sent one). */
  get interval(): number {
    return this.intervalSeconds;
  }

  setInterval(seconds: number): void {
    this.intervalSeconds = seconds;
  }

  /** Capture and upload one frame now (the `snapshot` command). */
  async captureAndUpload(): Promise<CommandData> {
    const capturedAt = Date.now();
    const jpeg = await this.options.backend.snapshot();
    const url = new URL(AGENT_HTTP_PATHS.frames, this.options.serverUrl);
    let response: Response;
    try {
      response = await fetch(url, {
        method: 'POST',
        headers: {
          Authorization: `Bearer ${this.options.credential}`,
          'Content-Type': 'image/jpeg',
          [FRAME_CAPTURED_AT_HEADER]: String(capturedAt),
        },
        body: jpeg,
        signal: AbortSignal.timeout(30_000),
      });
    } catch (error) {
      throw new BackendError('internal', `frame upload failed: ${(error as Error).name}`);
    }
    await response.body?.cancel();
    if (!response.ok) throw new BackendError('internal', `frame upload answered ${response.status}`);
    this.uploaded += 1;
    return { bytes: jpeg.length, capturedAt };
  }

  private currentIntervalMs(): number | null {
    const { state, backend } = this.options.backend.status();
    if (backend !== 'ok') return null;
    if (PRINTING_STATES.includes(state)) return this.intervalSeconds * 1_000;
    const idle = this.options.idleIntervalSeconds ?? 300;
    return idle > 0 && state !== 'offline' ? idle * 1_000 : null;
  }

  private async tick(): Promise<void> {
    const interval = this.currentIntervalMs();
    if (this.busy || interval === null || !this.options.isServerReachable()) return;
    const penalty = this.failures === 0 ? 0 : Math.min(MAX_FAILURE_DELAY_MS, interval * 2 ** this.failures);
    if (Date.now() - this.lastAttemptAt < Math.max(interval, penalty)) return;
    this.busy = true;
    this.lastAttemptAt = Date.now();
    try {
      await this.captureAndUpload();
      this.failures = 0;
    } catch (error) {
      this.failures = Math.min(this.failures + 1, 10);
      this.options.logger.warn({ reason: (error as Error).message, failures: this.failures }, 'frame not uploaded');
    } finally {
      this.busy = false;
    }
  }
}
