import type { EventEmitter } from 'node:events';

import type { BackendLink, CommandErrorCode, JogArgs, Status, TemperatureArgs } from '@farmhand/protocol';

/** A failure a command result reports as `{ ok: false, error: { code, message } }`. */
export class BackendError extends Error {
  constructor(
    readonly code: CommandErrorCode,
    message: string,
  ) {
    super(message);
    this.name = 'BackendError';
  }
}

/** Status without the send time, which the runtime stamps when it actually sends. */
export type BackendStatus = Omit<Status, 'sentAt'>;

export type CommandData = Record<string, unknown>;

export interface UploadRequest {
  fileName: string;
  /** Path of a local file to upload (streamed, never read whole into memory). */
  localPath: string;
  size: number;
  /** Remembered so that status and events report which Farmhand job a print belongs to. */
  sha256?: string;
  copyId?: string;
  /** Select and print (true) or only select (false). */
  print: boolean;
}

/**
 * What the agent needs from the software that drives a printer. OctoPrint implements it today;
 * Moonraker (Klipper) can follow without touching the runtime.
 *
 * Emits `status` (BackendStatus) whenever it changes and `event` (AgentEvent, id and time assigned by the backend).
 */
export interface PrinterBackend extends EventEmitter {
  readonly kind: 'octoprint' | 'moonraker';
  /** Starts watching the printer; keeps retrying on its own when the backend is unreachable. */
  start(): Promise<void>;
  stop(): Promise<void>;
  status(): BackendStatus;
  link(): BackendLink;
  version(): string | null;

  startPrint(): Promise<CommandData>;
  pause(): Promise<CommandData>;
  resume(): Promise<CommandData>;
  cancel(): Promise<CommandData>;
  home(axes: Array<'x' | 'y' | 'z'>): Promise<CommandData>;
  jog(args: JogArgs): Promise<CommandData>;
  setTemperature(args: TemperatureArgs): Promise<CommandData>;
  sendGcode(lines: string[]): Promise<CommandData>;
  connect(args: { port?: string; baudrate?: number; printerProfile?: string }): Promise<CommandData>;
  disconnect(): Promise<CommandData>;
  /** One webcam JPEG. */
  snapshot(): Promise<Buffer>;
  uploadAndSelect(request: UploadRequest): Promise<CommandData>;
}
