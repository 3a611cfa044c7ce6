import type { PrinterState, PrintEventType, TemperatureReading } from '@farmhand/protocol';

/** What the agent has learnt from OctoPrint, merged from push messages or polled endpoints. */
export interface Observed {
  stateText: string | null;
  flags: Record<string, boolean> | null;
  tool0: TemperatureReading | null;
  bed: TemperatureReading | null;
  filePath: string | null;
  completion: number | null;
  printTime: number | null;
  printTimeLeft: number | null;
  z: number | null;
  error: string | null;
}

export function emptyObserved(): Observed {
  return {
    stateText: null,
    flags: null,
    tool0: null,
    bed: null,
    filePath: null,
    completion: null,
    printTime: null,
    printTimeLeft: null,
    z: null,
    error: null,
  };
}

const object = (value: unknown): Record<string, unknown> | null =>
  value !== null && typeof value === 'object' && !Array.isArray(value) ? (value as Record<string, unknown>) : null;
const number = (value: unknown): number | null => (typeof value === 'number' && Number.isFinite(value) ? value : null);
const text = (value: unknown, max = 1_000): string | null =>
  typeof value === 'string' && value.length > 0 ? value.slice(0, max) : null;

/** OctoPrint's state flags and text to the protocol's state. */
export function mapPrinterState(flags: Record<string, boolean> | null, stateText: string | null): PrinterState {
  const label = (stateText ?? '').toLowerCase();
  if (flags) {
    if (flags.error) return 'error';
    if (flags.cancelling) return 'cancelling';
    if (flags.pausing) return 'pausing';
    if (flags.paused) return 'paused';
    if (flags.printing) return 'printing';
    if (flags.closedOrError) return 'offline';
    if (flags.operational) return 'operational';
  }
  if (label.startsWith('error') || label.includes('after error')) return 'error';
  if (label.startsWith('offline') || label.startsWith('closed')) return 'offline';
  if (/(opening|connecting|detecting)/.test(label)) return 'connecting';
  if (label === 'operational') return 'operational';
  if (label.startsWith('printing') || label === 'starting' || label === 'finishing') return 'printing';
  if (label === 'paused') return 'paused';
  if (label === 'pausing') return 'pausing';
  if (label === 'cancelling') return 'cancelling';
  return 'unknown';
}

function readFlags(value: unknown): Record<string, boolean> | null {
  const flags = object(value);
  if (!flags) return null;
  return Object.fromEntries(Object.entries(flags).filter(([, flag]) => typeof flag === 'boolean')) as Record<
    string,
    boolean
  >;
}

/** A disconnected or broken thermistor can report absurd values; they become null rather than invalid status. */
function temperature(value: unknown): number | null {
  const degrees = number(value);
  return degrees !== null && degrees >= -300 && degrees <= 2_000 ? degrees : null;
}

function readTemperature(value: unknown): TemperatureReading | null {
  const reading = object(value);
  if (!reading) return null;
  return { actual: temperature(reading.actual), target: temperature(reading.target) };
}

function readJobAndProgress(job: unknown, progress: unknown): Partial<Observed> {
  const file = object(object(job)?.file);
  const progressObject = object(progress);
  const completion = number(progressObject?.completion);
  return {
    filePath: text(file?.path) ?? text(file?.name),
    completion: completion === null ? null : Math.min(100, Math.max(0, completion)),
    printTime: wholeSeconds(progressObject?.printTime),
    printTimeLeft: wholeSeconds(progressObject?.printTimeLeft),
  };
}

function bounded(value: unknown, min: number, max: number): number | null {
  const result = number(value);
  return result !== null && result >= min && result <= max ? result : null;
}

function wholeSeconds(value: unknown): number | null {
  const seconds = number(value);
  return seconds === null || seconds < 0 || seconds > 315_360_000 ? null : Math.round(seconds);
}

/** A push `current` or `history` payload. */
export function fromCurrent(payload: unknown): Partial<Observed> {
  const current = object(payload);
  if (!current) return {};
  const state = object(current.state);
  const update: Partial<Observed> = {
    stateText: text(state?.text, 200),
    flags: readFlags(state?.flags),
    error: text(state?.error),
    z: bounded(current.currentZ, -1_000, 10_000),
    ...readJobAndProgress(current.job, current.progress),
  };
  const temps = Array.isArray(current.temps) ? current.temps : [];
  const latest = object(temps[temps.length - 1]);
  if (latest) {
    update.tool0 = readTemperature(latest.tool0);
    update.bed = readTemperature(latest.bed);
  }
  return update;
}

/** `GET /api/printer` (200 only; 409 means the printer link is down). */
export function fromPrinter(body: unknown): Partial<Observed> {
  const printer = object(body);
  const state = object(printer?.state);
  const temperature = object(printer?.temperature);
  return {
    stateText: text(state?.text, 200),
    flags: readFlags(state?.flags),
    error: text(state?.error),
    tool0: readTemperature(temperature?.tool0),
    bed: readTemperature(temperature?.bed),
  };
}

/** `GET /api/job`. */
export function fromJob(body: unknown): Partial<Observed> {
  const job = object(body);
  return { ...readJobAndProgress(job?.job, job?.progress), error: text(job?.error) };
}

/** `GET /api/connection`: the state text of the serial link. */
export function connectionStateText(body: unknown): string | null {
  return text(object(object(body)?.current)?.state, 200);
}

export type MappedPushEvent =
  | { kind: 'print'; type: PrintEventType; path: string | null; printTime: number | null; reason: string | null }
  | { kind: 'printer-link'; connected: boolean }
  | { kind: 'error'; message: string | null };

/** OctoPrint push events the agent reports; others are ignored. */
export function mapOctoPrintEvent(type: string, payload: unknown): MappedPushEvent | null {
  const data = object(payload);
  const path = text(data?.path) ?? text(data?.name);
  const printTime = wholeSeconds(data?.time);
  const print = (eventType: PrintEventType, reason: string | null = null): MappedPushEvent => ({
    kind: 'print',
    type: eventType,
    path,
    printTime,
    reason,
  });
  switch (type) {
    case 'PrintStarted':
      return print('print.started');
    case 'PrintPaused':
      return print('print.paused');
    case 'PrintResumed':
      return print('print.resumed');
    case 'PrintDone':
      return print('print.done');
    case 'PrintCancelled':
      return print('print.cancelled');
    case 'PrintFailed':
      // OctoPrint follows PrintCancelled with PrintFailed{reason: "cancelled"}; report the cancel once.
      return data?.reason === 'cancelled' ? null : print('print.failed', text(data?.reason) ?? 'error');
    case 'Connected':
      return { kind: 'printer-link', connected: true };
    case 'Disconnected':
      return { kind: 'printer-link', connected: false };
    case 'Error':
      return { kind: 'error', message: text(data?.error) };
    default:
      return null;
  }
}

/** Print events implied by a state change, for when the push socket (and its events) is unavailable. */
export function impliedPrintEvent(
  previous: PrinterState,
  next: PrinterState,
  completion: number | null,
): PrintEventType | null {
  const active = (state: PrinterState) => ['printing', 'pausing', 'paused', 'cancelling'].includes(state);
  if (!active(previous) && (next === 'printing' || next === 'paused')) return 'print.started';
  if ((previous === 'printing' || previous === 'pausing') && next === 'paused') return 'print.paused';
  if (previous === 'paused' && next === 'printing') return 'print.resumed';
  if (active(previous) && (next === 'operational' || next === 'offline' || next === 'error')) {
    if (previous === 'cancelling') return 'print.cancelled';
    if (next === 'operational' && completion !== null && completion >= 100) return 'print.done';
    return 'print.failed';
  }
  return null;
}
