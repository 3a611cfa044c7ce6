import { phaseText } from '../core/virtual-printer';
import type { StoredFile, VirtualPrinter } from '../core/virtual-printer';

/** The JSON shapes of OctoPrint 1.10/1.11, built from a virtual printer. */
export const OCTOPRINT_VERSION = '1.10.3';

export function stateFlags(printer: VirtualPrinter): Record<string, boolean> {
  const phase = printer.phase;
  const printing = phase === 'printing' || phase === 'pausing' || phase === 'cancelling';
  return {
    operational: printer.isOperational(),
    printing,
    cancelling: phase === 'cancelling',
    pausing: phase === 'pausing',
    resuming: false,
    finishing: false,
    paused: phase === 'paused',
    error: phase === 'error',
    ready: phase === 'operational',
    closedOrError: phase === 'offline' || phase === 'error',
    sdReady: false,
  };
}

export function stateModel(printer: VirtualPrinter): Record<string, unknown> {
  return { text: phaseText(printer), flags: stateFlags(printer), error: printer.errorText };
}

function round(value: number): number {
  return Math.round(value * 100) / 100;
}

export function temperatureModel(printer: VirtualPrinter): Record<string, unknown> {
  return {
    tool0: { actual: round(printer.tool0.actual), target: printer.tool0.target, offset: 0 },
    bed: { actual: round(printer.bed.actual), target: printer.bed.target, offset: 0 },
  };
}

export function printerModel(printer: VirtualPrinter): Record<string, unknown> {
  return { temperature: temperatureModel(printer), sd: { ready: false }, state: stateModel(printer) };
}

export function jobModel(printer: VirtualPrinter): Record<string, unknown> {
  const file = printer.selected;
  const completion = printer.completion();
  const estimated = file?.analysis.estimatedPrintTime ?? null;
  const started = file !== null && (printer.hasActiveJob() || printer.printTime > 0);
  return {
    job: {
      file: file
        ? { name: file.name, path: file.path, display: file.name, origin: 'local', size: file.size, date: file.date }
        : { name: null, path: null, display: null, origin: null, size: null, date: null },
      estimatedPrintTime: estimated,
      averagePrintTime: null,
      lastPrintTime: null,
      filament: null,
      user: started ? 'farmhand' : null,
    },
    progress: {
      completion: started && completion !== null ? completion * 100 : null,
      filepos: started && completion !== null && file ? Math.floor(completion * file.size) : null,
      printTime: started ? Math.floor(printer.printTime) : null,
      printTimeLeft: started && estimated !== null ? Math.max(0, Math.ceil(estimated - printer.printTime)) : null,
      printTimeLeftOrigin: started ? 'analysis' : null,
    },
    state: phaseText(printer),
    error: printer.errorText || undefined,
  };
}

export function connectionModel(printer: VirtualPrinter): Record<string, unknown> {
  const connected = printer.phase !== 'offline' && printer.phase !== 'error';
  return {
    current: {
      state: phaseText(printer),
      port: connected ? '/dev/ttyACM0' : null,
      baudrate: connected ? 115200 : null,
      printerProfile: '_default',
    },
    options: {
      ports: ['/dev/ttyACM0'],
      baudrates: [250000, 230400, 115200, 57600, 38400, 19200, 9600],
      printerProfiles: [{ id: '_default', name: 'Virtual Printer' }],
      portPreference: '/dev/ttyACM0',
      baudratePreference: 115200,
      printerProfilePreference: '_default',
      autoconnect: true,
    },
  };
}

export function fileModel(file: StoredFile, baseUrl: string): Record<string, unknown> {
  return {
    name: file.name,
    display: file.name,
    path: file.path,
    type: 'machinecode',
    typePath: ['machinecode', 'gcode'],
    origin: 'local',
    size: file.size,
    date: file.date,
    hash: file.hash,
    refs: fileRefs(file, baseUrl),
    gcodeAnalysis: { estimatedPrintTime: file.analysis.estimatedPrintTime, filament: {} },
    prints: { success: 0, failure: 0 },
  };
}

export function fileRefs(file: StoredFile, baseUrl: string): Record<string, string> {
  const encoded = file.path.split('/').map(encodeURIComponent).join('/');
  return { resource: `${baseUrl}/api/files/local/${encoded}`, download: `${baseUrl}/downloads/files/local/${encoded}` };
}

/** The `current` push message; OctoPrint adds the temperature and log backlogs since the last one. */
export function currentModel(printer: VirtualPrinter, now: number): Record<string, unknown> {
  const job = jobModel(printer);
  return {
    state: stateModel(printer),
    job: job.job,
    progress: job.progress,
    currentZ: printer.currentZ(),
    offsets: {},
    resends: { count: 0, transmitted: 0, ratio: 0 },
    temps: printer.isOperational()
      ? [{ time: Math.floor(now / 1000), ...(temperatureModel(printer) as Record<string, unknown>) }]
      : [],
    logs: [],
    messages: [],
    busyFiles: printer.hasActiveJob() && printer.selected ? [{ origin: 'local', path: printer.selected.path }] : [],
    serverTime: now / 1000,
  };
}

export function versionModel(): Record<string, unknown> {
  return { api: '0.1', server: OCTOPRINT_VERSION, text: `OctoPrint ${OCTOPRINT_VERSION}` };
}

export function settingsModel(
  printer: VirtualPrinter,
  snapshotUrl: string,
  streamUrl: string,
): Record<string, unknown> {
  return {
    api: { allowCrossOrigin: false },
    appearance: { name: `Virtual printer ${printer.index}`, color: 'default' },
    feature: { sdSupport: false, temperatureGraph: true },
    serial: { port: '/dev/ttyACM0', baudrate: 115200, autoconnect: true },
    webcam: {
      webcamEnabled: true,
      timelapseEnabled: false,
      snapshotUrl,
      streamUrl,
      snapshotTimeout: 5,
      defaultWebcam: 'classic',
      snapshotWebcam: 'classic',
      webcams: [{ name: 'classic', displayName: 'Classic Webcam', canSnapshot: true, snapshotDisplay: snapshotUrl }],
    },
    plugins: { classicwebcam: { snapshot: snapshotUrl, stream: streamUrl, snapshotTimeout: 5 } },
  };
}
