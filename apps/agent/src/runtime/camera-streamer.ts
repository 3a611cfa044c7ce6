import { AGENT_EVENTS, MAX_LIVE_FPS, MAX_LIVE_FRAME_BYTES } from '@farmhand/protocol';
import type { CameraFrame, CameraStream } from '@farmhand/protocol';
import type { Logger } from 'pino';

import type { PrinterBackend } from '../backend/printer-backend';

export interface CameraStreamerOptions {
  backend: PrinterBackend;
  logger: Logger;
  /** Sends over the server link; false when not connected. */
  send: (event: string, payload: CameraFrame) => boolean;
  now?: () => number;
}

/** After a failed snapshot the stream waits this long before trying again. */
const FAILURE_PAUSE_MS = 1_000;

/**
 * Live camera for watchers: repeated snapshots through the backend at the rate the server asks for, sent over the
 * existing server link, and only while the server's lease lasts. The server renews the lease while someone watches;
 * when it stops doing so (last watcher gone, server or link lost) the stream ends by itself within the lease.
 */
export class CameraStreamer {
  private fps = 0;
  private leaseUntil = 0;
  private running: Promise<void> | null = null;
  private wake: (() => void) | null = null;
  private seq = 0;
  /** Frames sent since the agent started (observability and tests). */
  sent = 0;
  /** Frames skipped because they exceeded the live frame limit. */
  oversized = 0;

  constructor(private readonly options: CameraStreamerOptions) {}

  private now(): number {
    return (this.options.now ?? Date.now)();
  }

  /** Whether a stream is running now. */
  get streaming(): boolean {
    return this.running !== null;
  }

  /** Applies a `camera_stream` request from the server. */
  request(message: CameraStream): void {
    if (message.fps <= 0) {
      this.stop();
      return;
    }
    const starting = !this.running;
    this.fps = Math.min(message.fps, MAX_LIVE_FPS);
    this.leaseUntil = this.now() + message.leaseMs;
    if (starting) {
      this.options.logger.info({ fps: this.fps }, 'live camera stream started');
      this.running = this.loop().finally(() => {
        this.running = null;
        this.options.logger.info({ sent: this.sent }, 'live camera stream stopped');
      });
    }
  }

  /** Ends the stream now (the server said so, or the link dropped). */
  stop(): void {
    this.leaseUntil = 0;
    this.wake?.();
  }

  private async loop(): Promise<void> {
    while (this.now() < this.leaseUntil) {
      const startedAt = this.now();
      let pause = 1_000 / this.fps;
      try {
        const jpeg = await this.options.backend.snapshot();
        if (this.now() >= this.leaseUntil) break;
        if (jpeg.length > MAX_LIVE_FRAME_BYTES) {
          this.oversized += 1;
          if (this.oversized === 1)
            this.options.logger.warn(
              { bytes: jpeg.length, max: MAX_LIVE_FRAME_BYTES },
              'live frame too large; skipped',
            );
        } else if (this.options.send(AGENT_EVENTS.cameraFrame, { seq: this.seq, capturedAt: startedAt, jpeg })) {
          this.seq += 1;
          this.sent += 1;
        } else {
          break;
        }
      } catch (error) {
        this.options.logger.warn({ reason: (error as Error).message }, 'live frame not taken');
        pause = FAILURE_PAUSE_MS;
      }
      await this.sleep(Math.max(0, pause - (this.now() - startedAt)));
    }
  }

  private sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const timer = setTimeout(done, ms);
      function done() {
        clearTimeout(timer);
        resolve();
      }
      this.wake = () => {
        this.wake = null;
        done();
      };
    });
  }
}
