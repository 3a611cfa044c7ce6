import { createHash } from 'node:crypto';
import { EventEmitter } from 'node:events';

import { analyzeGcode } from './gcode-analysis';
import type { GcodeAnalysis } from './gcode-analysis';

export type PrinterPhase =
  'offline' | 'connecting' | 'operational' | 'printing' | 'pausing' | 'paused' | 'cancelling' | 'error';

export interface StoredFile {
  name: string;
  path: string;
  size: number;
  /** Upload time, Unix seconds (OctoPrint's `date`). */
  date: number;
  /** SHA-1, as OctoPrint's file list reports `hash`. */
  hash: string;
  analysis: GcodeAnalysis;
}

export interface OctoPrintEvent {
  type: string;
  payload: Record<string, unknown> | null;
}

/** An error the REST layer turns into an OctoPrint status code and `{"error": message}`. */
export class SimError extends Error {
  constructor(
    readonly status: 400 | 404 | 409 | 415,
    message: string,
  ) {
    super(message);
  }
}

export interface VirtualPrinterOptions {
  /** Simulated seconds per real second. */
  timeScale: number;
  startConnected?: boolean;
  now?: () => number;
  /** File names the printer accepts (default G-code: `.gcode`, `.gco`, `.g`); a Bambu front accepts `.3mf`. */
  fileTypes?: RegExp;
}

interface Heater {
  actual: number;
  target: number;
}

const AMBIENT = 22;
/** Real milliseconds spent connecting, pausing and cancelling. */
export const TRANSITION_MS = 300;
const LAYER_HEIGHT = 0.2;
const OWNER = 'farmhand';
const LOG_LIMIT = 200;

/**
 * One virtual printer: the state machine every protocol front (OctoPrint, Moonraker, Prusa Link, Bambu) exposes in its
 * own words. Its events are named as OctoPrint's (the first front); other fronts translate phases and events.
 */
export class VirtualPrinter extends EventEmitter {
  phase: PrinterPhase;
  reachable = true;
  spaghetti = false;
  errorText = '';
  readonly tool0: Heater = { actual: AMBIENT, target: 0 };
  readonly bed: Heater = { actual: AMBIENT, target: 0 };
  readonly position = { x: 0, y: 0, z: 0 };
  readonly files = new Map<string, StoredFile>();
  readonly commandLog: string[] = [];
  selected: StoredFile | null = null;
  /** Simulated seconds printed of the current (or last) job. */
  printTime = 0;
  private transition: { to: PrinterPhase; at: number } | null = null;
  private lastTick: number;
  private readonly now: () => number;

  constructor(
    readonly index: number,
    private readonly options: VirtualPrinterOptions,
  ) {
    super();
    this.now = options.now ?? Date.now;
    this.lastTick = this.now();
    this.phase = options.startConnected === false ? 'offline' : 'operational';
  }

  get timeScale(): number {
    return this.options.timeScale;
  }

  /** OctoPrint's `is_operational()`: connected to the printer, idle or busy. */
  isOperational(): boolean {
    return ['operational', 'printing', 'pausing', 'paused', 'cancelling'].includes(this.phase);
  }

  hasActiveJob(): boolean {
    return this.phase === 'printing' || this.phase === 'pausing' || this.phase === 'paused';
  }

  /** Completion in 0..1 of the selected file; null without one. */
  completion(): number | null {
    if (!this.selected) return null;
    return Math.min(1, this.printTime / this.selected.analysis.estimatedPrintTime);
  }

  currentZ(): number | null {
    if (!this.isOperational()) return null;
    const completion = this.completion();
    if (this.hasActiveJob() && completion !== null) {
      return Math.max(1, Math.ceil(completion * this.selected!.analysis.layerCount)) * LAYER_HEIGHT;
    }
    return this.position.z;
  }

  connect(): void {
    if (this.phase !== 'offline' && this.phase !== 'error') this.disconnect();
    this.errorText = '';
    this.setPhase('connecting');
    this.emitEvent('Connecting', {});
    this.transition = { to: 'operational', at: this.now() + TRANSITION_MS };
  }

  disconnect(): void {
    if (this.phase === 'offline') return;
    if (this.hasActiveJob() || this.phase === 'cancelling') this.failJob('error');
    this.transition = null;
    this.coolDown();
    this.setPhase('offline');
    this.emitEvent('Disconnected', {});
  }

  addFile(fileName: string, data: Buffer, folder = ''): StoredFile {
    if (!(this.options.fileTypes ?? /\.(gcode|gco|g)$/i).test(fileName))
      throw new SimError(415, `Could not upload the file "${fileName}", invalid type`);
    const path = folder ? `${folder.replace(/^\/+|\/+$/g, '')}/${fileName}` : fileName;
    if (this.selected?.path === path && this.hasActiveJob()) {
      throw new SimError(409, `Trying to overwrite file that is currently being printed: ${path}`);
    }
    const file: StoredFile = {
      name: fileName,
      path,
      size: data.length,
      date: Math.floor(this.now() / 1000),
      hash: createHash('sha1').update(data).digest('hex'),
      analysis: analyzeGcode(data.toString('latin1')),
    };
    this.files.set(path, file);
    this.emitEvent('FileAdded', { storage: 'local', path, name: fileName, type: ['machinecode', 'gcode'] });
    this.emitEvent('UpdatedFiles', { type: 'printables' });
    return file;
  }

  removeFile(path: string): void {
    const file = this.requireFile(path);
    if (this.selected === file && (this.hasActiveJob() || this.phase === 'cancelling')) {
      throw new SimError(409, 'Trying to delete a file that is currently in use');
    }
    this.files.delete(path);
    if (this.selected === file) this.selected = null;
  }

  selectFile(path: string, print: boolean): void {
    const file = this.requireFile(path);
    if (this.hasActiveJob() || this.phase === 'cancelling') throw new SimError(409, 'Printer is already printing');
    if (print && !this.isOperational())
      throw new SimError(409, 'Printer is not operational, cannot directly start printing');
    this.selected = file;
    this.printTime = 0;
    this.emitEvent('FileSelected', { name: file.name, path: file.path, origin: 'local' });
    if (print) this.startPrint();
  }

  /** As OctoPrint: without a selected file this silently does nothing (the API still answers 204). */
  startPrint(): boolean {
    if (!this.isOperational()) throw new SimError(409, 'Printer is not operational');
    if (this.hasActiveJob() || this.phase === 'cancelling') {
      throw new SimError(409, "Printer already has an active print job, did you mean 'restart'?");
    }
    if (!this.selected) return false;
    this.printTime = 0;
    this.spaghetti = false;
    this.tool0.target = this.selected.analysis.toolTarget ?? 210;
    this.bed.target = this.selected.analysis.bedTarget ?? 60;
    this.setPhase('printing');
    this.emitEvent('PrintStarted', this.jobPayload({ user: OWNER }));
    return true;
  }

  restartPrint(): void {
    if (this.phase !== 'paused') throw new SimError(409, 'Printer does not have an active print job or is not paused');
    this.printTime = 0;
    this.setPhase('printing');
    this.emitEvent('PrintStarted', this.jobPayload({ user: OWNER }));
  }

  pause(action: 'pause' | 'resume' | 'toggle'): void {
    if (!this.hasActiveJob()) {
      throw new SimError(409, "Printer is neither printing nor paused, 'pause' command cannot be performed");
    }
    const wantsPause = action === 'toggle' ? this.phase === 'printing' : action === 'pause';
    if (wantsPause && this.phase === 'printing') {
      this.setPhase('pausing');
      this.transition = { to: 'paused', at: this.now() + TRANSITION_MS };
    } else if (!wantsPause && this.phase === 'paused') {
      this.setPhase('printing');
      this.emitEvent('PrintResumed', this.jobPayload({ user: OWNER, position: this.positionPayload() }));
    }
  }

  cancel(): void {
    if (!this.hasActiveJob()) {
      throw new SimError(409, "Printer is neither printing nor paused, 'cancel' command cannot be performed");
    }
    this.setPhase('cancelling');
    this.transition = { to: 'operational', at: this.now() + TRANSITION_MS };
  }

  jog(delta: { x?: number; y?: number; z?: number }, absolute: boolean): void {
    this.requireIdle();
    for (const axis of ['x', 'y', 'z'] as const) {
      const value = delta[axis];
      if (value !== undefined) this.position[axis] = absolute ? value : this.position[axis] + value;
    }
  }

  home(axes: Array<'x' | 'y' | 'z'>): void {
    this.requireIdle();
    for (const axis of axes) this.position[axis] = 0;
  }

  setTarget(heater: 'tool0' | 'bed', target: number): void {
    if (!this.isOperational()) throw new SimError(409, 'Printer is not operational');
    this[heater].target = target;
  }

  sendGcode(lines: string[]): void {
    if (!this.isOperational()) throw new SimError(409, 'Printer is not operational');
    for (const line of lines) {
      this.commandLog.push(line);
      if (this.commandLog.length > LOG_LIMIT) this.commandLog.shift();
      const [code, ...rest] = line.trim().toUpperCase().split(/\s+/);
      const s = rest.find((part) => part.startsWith('S'));
      if ((code === 'M104' || code === 'M109') && s) this.tool0.target = Number(s.slice(1)) || 0;
      if ((code === 'M140' || code === 'M190') && s) this.bed.target = Number(s.slice(1)) || 0;
      if (code === 'G28' && !this.hasActiveJob()) Object.assign(this.position, { x: 0, y: 0, z: 0 });
      if (code === 'M112') return this.fail('Printer halted. kill() called!');
    }
  }

  /** Test control: a firmware error. A running print fails and the printer ends "Offline after error". */
  fail(message = 'Thermal Runaway, system stopped! Heater_ID: 0'): void {
    if (this.hasActiveJob() || this.phase === 'cancelling') this.failJob('error');
    this.transition = null;
    this.errorText = message;
    this.coolDown();
    this.setPhase('error');
    this.emitEvent('Error', { error: message, reason: 'firmware' });
    this.emitEvent('Disconnected', {});
  }

  tick(now = this.now()): void {
    const seconds = (Math.max(0, now - this.lastTick) / 1000) * this.options.timeScale;
    this.lastTick = now;
    this.heat(this.tool0, seconds, 25);
    this.heat(this.bed, seconds, 60);
    if (this.phase === 'printing' && this.selected) {
      this.printTime += seconds;
      if (this.printTime >= this.selected.analysis.estimatedPrintTime) this.finishJob();
    }
    if (this.transition && now >= this.transition.at) {
      const { to } = this.transition;
      this.transition = null;
      this.completeTransition(to);
    }
  }

  jobPayload(extra: Record<string, unknown> = {}): Record<string, unknown> {
    const file = this.selected;
    return { name: file?.name, path: file?.path, origin: 'local', size: file?.size, owner: OWNER, ...extra };
  }

  private completeTransition(to: PrinterPhase): void {
    if (to === 'operational' && this.phase === 'connecting') {
      this.setPhase('operational');
      this.emitEvent('Connected', { port: '/dev/ttyACM0', baudrate: 115200 });
    } else if (to === 'paused' && this.phase === 'pausing') {
      this.setPhase('paused');
      this.emitEvent('PrintPaused', this.jobPayload({ user: OWNER, position: this.positionPayload() }));
    } else if (to === 'operational' && this.phase === 'cancelling') {
      this.coolDown();
      this.setPhase('operational');
      const time = this.printTime;
      this.emitEvent('PrintCancelled', this.jobPayload({ time, user: OWNER, position: this.positionPayload() }));
      this.emitEvent('PrintFailed', this.jobPayload({ time, reason: 'cancelled' }));
    }
  }

  private finishJob(): void {
    this.printTime = this.selected!.analysis.estimatedPrintTime;
    this.coolDown();
    this.setPhase('operational');
    this.emitEvent('PrintDone', this.jobPayload({ time: this.printTime }));
  }

  private failJob(reason: 'error' | 'cancelled'): void {
    this.emitEvent('PrintFailed', this.jobPayload({ time: this.printTime, reason }));
  }

  private requireFile(path: string): StoredFile {
    const file = this.files.get(path);
    if (!file) throw new SimError(404, `File not found on 'local': ${path}`);
    return file;
  }

  private requireIdle(): void {
    if (!this.isOperational() || this.hasActiveJob() || this.phase === 'cancelling') {
      throw new SimError(409, 'Printer is not operational or currently printing');
    }
  }

  private coolDown(): void {
    this.tool0.target = 0;
    this.bed.target = 0;
  }

  private heat(heater: Heater, seconds: number, timeConstant: number): void {
    const goal = heater.target > 0 ? heater.target : AMBIENT;
    heater.actual += (goal - heater.actual) * (1 - Math.exp(-seconds / timeConstant));
    if (Math.abs(goal - heater.actual) < 0.05) heater.actual = goal;
  }

  private positionPayload(): Record<string, unknown> {
    return { ...this.position, e: null, t: 0, f: null };
  }

  private setPhase(phase: PrinterPhase): void {
    if (this.phase === phase) return;
    this.phase = phase;
    this.emitEvent('PrinterStateChanged', { state_id: phase.toUpperCase(), state_string: phaseText(this) });
    this.emit('state');
  }

  private emitEvent(type: string, payload: Record<string, unknown> | null): void {
    this.emit('event', { type, payload } satisfies OctoPrintEvent);
  }
}

/** OctoPrint's state string for the phase. */
export function phaseText(printer: VirtualPrinter): string {
  switch (printer.phase) {
    case 'offline':
      return 'Offline';
    case 'connecting':
      return 'Connecting';
    case 'operational':
      return 'Operational';
    case 'printing':
      return 'Printing';
    case 'pausing':
      return 'Pausing';
    case 'paused':
      return 'Paused';
    case 'cancelling':
      return 'Cancelling';
    case 'error':
      return 'Offline after error';
  }
}
