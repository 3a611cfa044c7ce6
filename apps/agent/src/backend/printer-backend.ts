import type { EventEmitter } from 'node:events';

import type {
  BackendKind,
  BackendLink,
  CommandErrorCode,
  CommandType,
  JogArgs,
  PrinterState,
  Status,
  TemperatureArgs,
  UploadFormat,
} from '@farmhand/protocol';

export type { BackendKind, UploadFormat };

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

/** The printer's software did not answer (connection refused, timeout, DNS, TLS). */
export class BackendUnreachableError extends BackendError {
  constructor(message: string) {
    super('backend_unreachable', message);
    this.name = 'BackendUnreachableError';
  }
}

/** The printer's software refused our LAN secret (API key, password, access code). The message names the problem. */
export class BackendUnauthorizedError extends BackendError {
  constructor(message: string) {
    super('backend_unauthorized', message);
    this.name = 'BackendUnauthorizedError';
  }
}

/** The printer answered but refused the command in its present state (the server answers 409). */
export class BackendRefusedError extends BackendError {
  constructor(message: string) {
    super('invalid_state', message);
    this.name = 'BackendRefusedError';
  }
}

/** Thrown by a backend for a command its firmware cannot do (also what the executor answers for a capability off). */
export class BackendUnsupportedError extends BackendError {
  constructor(message: string) {
    super('unsupported', message);
    this.name = 'BackendUnsupportedError';
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
  /** Bambu Lab project 3MF: plate, AMS on/off and the AMS slot per filament (other backends ignore it). */
  bambu?: { plate?: number; useAms?: boolean; amsMapping?: number[] };
}

/**
 * What one backend can do with the printer behind it. The runtime announces it in `hello` (see `capabilityNames`),
 * the executor refuses a command whose capability is off with `unsupported` before touching the printer, and the
 * server hides what is not announced.
 */
export interface BackendCapabilities {
  /**
   * Printer commands the backend carries out itself. `snapshot` and `dispatch` are derived (from `snapshot` and
   * `uploadFormats` below) and need not be listed.
   */
  commands: readonly Exclude<CommandType, 'snapshot' | 'dispatch'>[];
  /** Formats `uploadAndSelect` accepts; empty: no dispatch. */
  uploadFormats: readonly UploadFormat[];
  /** `snapshot()` returns a JPEG (webcam frames for detection, the `snapshot` command). */
  snapshot: boolean;
  /** A live camera stream exists (MJPEG, Bambu's port-6000 JPEG stream, RTSPS). */
  liveCamera: boolean;
}

/** The names a backend's capabilities are announced with in `hello` (subset of AGENT_CAPABILITIES). */
export function capabilityNames(capabilities: BackendCapabilities): string[] {
  const names = new Set<string>(capabilities.commands);
  if (capabilities.uploadFormats.length > 0) names.add('dispatch');
  for (const format of capabilities.uploadFormats) names.add(`upload.${format}`);
  if (capabilities.snapshot) names.add('snapshot').add('frames');
  if (capabilities.liveCamera) names.add('camera.live');
  return [...names];
}

/** Whether `type` may be sent to a backend with these capabilities. */
export function supportsCommand(capabilities: BackendCapabilities, type: CommandType): boolean {
  if (type === 'snapshot') return capabilities.snapshot;
  if (type === 'dispatch') return capabilities.uploadFormats.length > 0;
  return (capabilities.commands as readonly string[]).includes(type);
}

/** The upload format a file name is in, or null when no backend prints it. */
export function uploadFormatOf(fileName: string): UploadFormat | null {
  if (/\.(gcode|gco|g)$/i.test(fileName)) return 'gcode';
  if (/\.bgcode$/i.test(fileName)) return 'bgcode';
  if (/\.3mf$/i.test(fileName)) return '3mf';
  return null;
}

/**
 * Farmhand's view of a backend's own state word. Each backend keeps its mapping as a pure function beside its
 * client (`octoprint/octoprint-state.ts`, `moonraker/moonraker-state.ts`, …) with a unit test per native state.
 */
export interface MappedState {
  state: PrinterState;
  /** The backend's own wording, shown to people ("Offline after error", "ATTENTION"). */
  stateText: string | null;
  /** A message to show when the printer is in error or needs attention. */
  error?: string | null;
}

/**
 * What the agent needs from the software that drives a printer: OctoPrint, Moonraker (Klipper), Prusa Link,
 * Bambu Lab LAN. One folder per backend under `src/`; one instance per printer (a gateway runs many).
 *
 * Emits `status` (BackendStatus) whenever it changes and `event` (AgentEvent, id and time assigned by the backend).
 * Never throws from a watcher: an unreachable or unauthorized printer shows in `link()` and `status().backend`, and a
 * `connection.changed` event with link `backend` says when that changes. Commands throw BackendError (or one of the
 * subclasses above) with a message a person can act on.
 */
export interface PrinterBackend extends EventEmitter {
  readonly kind: BackendKind;
  readonly capabilities: BackendCapabilities;
  /** Where the printer is, for people and the server (a URL without credentials, or a host). Never a secret. */
  readonly address: string;
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
  /** Halts the firmware at once (M112, Moonraker's `printer.emergency_stop`); the printer needs a restart after. */
  emergencyStop(): Promise<CommandData>;
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

/** The address without user info, query or fragment: what may be shown and sent to the server. */
export function addressLabel(address: string): string {
  try {
    const url = new URL(address);
    url.username = '';
    url.password = '';
    url.search = '';
    url.hash = '';
    return url.href.replace(/\/+$/, '').slice(0, 200);
  } catch {
    return address.replace(/[^A-Za-z0-9.:[\]_-]/g, '').slice(0, 200);
  }
}
