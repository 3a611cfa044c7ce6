/**
 * What the demo farm looks like: three bays of printers with their capabilities, the enrollment CSV that describes
 * them, a few G-code files shaped like PrusaSlicer output, and the jobs queued on them. Pure data, no I/O.
 */
import { join, resolve } from 'node:path';
import { parse } from 'csv-parse/sync';
import { CSV_COLUMN_NAMES } from '@farmhand/enrollment';
import { bambuSerial } from '../../apps/printer-sim/src/bambu/bambu-farm';
import { filamentColorOf, luminanceOf } from '../../apps/printer-sim/src/core/webcam-renderer';

export interface DemoBay {
  fleet: string;
  prefix: string;
  model: string;
  build: [number, number, number];
  nozzle: number;
  /** Loaded material, cycled over the bay's printers. */
  materials: string[];
  tags: string[];
  /** Printers that push finished parts off the bed themselves: no one needs to confirm the bed clear. */
  autoEject: boolean;
}

export const DEMO_BAYS: readonly DemoBay[] = [
  {
    fleet: 'Prusa MK4 bay',
    prefix: 'MK4',
    model: 'Prusa MK4',
    build: [250, 210, 220],
    nozzle: 0.4,
    materials: ['PLA'],
    tags: ['open-frame', 'input-shaper'],
    autoEject: false,
  },
  {
    fleet: 'Voron bay',
    prefix: 'Voron',
    model: 'Voron 2.4 R2',
    build: [350, 350, 340],
    nozzle: 0.4,
    materials: ['PETG', 'ABS'],
    tags: ['enclosure', 'high-temp'],
    autoEject: false,
  },
  {
    fleet: 'Bambu-style bay',
    prefix: 'Core',
    model: 'CoreXY enclosed (Bambu-style)',
    build: [256, 256, 256],
    nozzle: 0.4,
    materials: ['PLA', 'PETG'],
    tags: ['enclosure', 'auto-eject'],
    autoEject: true,
  },
];

/** Printer software of a demo printer; the default (mixed) farm uses all four, `--octoprint-only` only OctoPrint. */
export type DemoKind = 'octoprint' | 'moonraker' | 'prusalink' | 'bambu';

export const DEMO_KINDS: readonly DemoKind[] = ['octoprint', 'moonraker', 'prusalink', 'bambu'];

/**
 * Kinds of each bay's printers in a mixed farm, cycled over the bay: Prusa Link and OctoPrint on the MK4s, Klipper
 * (Moonraker) on the Vorons, OctoPrint and Bambu in the last bay, whose first printer (PLA, OctoPrint) can be the
 * one that fails in front of the detector.
 */
export const MIXED_BAY_KINDS: readonly (readonly DemoKind[])[] = [
  ['prusalink', 'octoprint'],
  ['moonraker'],
  ['octoprint', 'bambu'],
];

/** Fewest printers of a mixed farm: two per bay give every kind at least one printer. */
export const MIXED_MIN_PRINTERS = 6;

export interface DemoPrinter {
  /** Index in the whole farm (the default farm's simulator serves it under /p/<index>). */
  index: number;
  kind: DemoKind;
  /** Index in the simulator of its kind (equal to `index` when the farm is OctoPrint only). */
  simIndex: number;
  name: string;
  serial: string;
  /** The bay's model; a Bambu printer's is the simulator's (P1S, A1), which its project files are sliced for. */
  model: string;
  bay: DemoBay;
  material: string;
  tags: string[];
}

/** Tag of the one printer whose print fails in front of the detector; its long job requires the tag. */
export const FAILURE_DEMO_TAG = 'failure-demo';

/**
 * `count` printers spread over the bays in blocks (the first third in the first bay, and so on; the bays' sizes
 * differ by one at most, so that 6 or more give every bay two printers and a mixed farm every kind); with `mix`, of
 * the kinds of MIXED_BAY_KINDS, each kind numbered in its own simulator.
 */
export function demoPrinters(count: number, options: { mix?: boolean } = {}): DemoPrinter[] {
  const printers: DemoPrinter[] = [];
  for (let index = 0; index < count; index++) {
    const bay = DEMO_BAYS[Math.floor((index * DEMO_BAYS.length) / count)]!;
    const number = printers.filter((printer) => printer.bay === bay).length + 1;
    const bayKinds = options.mix ? MIXED_BAY_KINDS[DEMO_BAYS.indexOf(bay)]! : (['octoprint'] as const);
    const kind = bayKinds[(number - 1) % bayKinds.length]!;
    const simIndex = printers.filter((printer) => printer.kind === kind).length;
    printers.push({
      index,
      kind,
      simIndex,
      name: `${bay.prefix}-${String(number).padStart(2, '0')}`,
      model: kind === 'bambu' ? bambuModel(simIndex) : bay.model,
      // A Bambu printer's certificate names its serial, which the gateway checks: the simulator's.
      serial:
        kind === 'bambu'
          ? bambuSerial(simIndex)
          : `DEMO-${bay.prefix.toUpperCase()}-${String(number).padStart(4, '0')}`,
      bay,
      material: bay.materials[(number - 1) % bay.materials.length]!,
      tags: [...bay.tags],
    });
  }
  // The printer whose print the demo fails: in the last bay, with PLA loaded for its long job, and a filament the
  // default model can see. It misses spaghetti in the simulator's dark navy (modelSeesItsSpaghetti), a measured blind
  // spot the demo should not hide behind a silent non-event.
  const lastBay = DEMO_BAYS[DEMO_BAYS.length - 1];
  // Always an OctoPrint printer: its simulator is the one the demo draws spaghetti on.
  const candidates = printers.filter(
    (printer) => printer.bay === lastBay && printer.material === 'PLA' && printer.kind === 'octoprint',
  );
  const failing = candidates.find(modelSeesItsSpaghetti) ?? candidates[0]!;
  failing.tags.push(FAILURE_DEMO_TAG);
  return printers;
}

/**
 * Whether the default model sees the simulator's drawn spaghetti in this printer's filament: every colour but the
 * simulator's dark navy (it scores that spaghetti 0.00-0.01; the others 0.81-1.00: README, "Failure detection").
 */
export function modelSeesItsSpaghetti(printer: DemoPrinter): boolean {
  return luminanceOf(filamentColorOf(printer.simIndex + 1)) > 0.1;
}

/** The model of the Bambu simulator's printer `simIndex` (apps/printer-sim BambuFarm: P1S, A1, P1S, ...). */
export function bambuModel(simIndex: number): 'Bambu Lab P1S' | 'Bambu Lab A1' {
  return simIndex % 2 === 0 ? 'Bambu Lab P1S' : 'Bambu Lab A1';
}

export function designatedFailure(printers: readonly DemoPrinter[]): DemoPrinter {
  return printers.find((printer) => printer.tags.includes(FAILURE_DEMO_TAG))!;
}

function csvCell(value: string): string {
  return /[",\r\n]/.test(value) ? `"${value.replace(/"/g, '""')}"` : value;
}

/**
 * The enrollment CSV in the documented format (libs/enrollment/src/csv/enrollment-csv.columns.ts). `address`: an
 * OctoPrint printer's URL (octoprint_url), or where the farm gateway reaches another kind (kind + address columns).
 */
export function enrollmentCsv(printers: readonly DemoPrinter[], address: (printer: DemoPrinter) => string): string {
  const rows = printers.map((printer) => {
    const octoprint = printer.kind === 'octoprint';
    const values: Record<string, string> = {
      name: printer.name,
      fleet: printer.bay.fleet,
      model: printer.model,
      serial: printer.serial,
      octoprint_url: octoprint ? address(printer) : '',
      kind: octoprint ? '' : printer.kind,
      address: octoprint ? '' : address(printer),
      tags: printer.tags.join('|'),
      nozzle_diameter: String(printer.bay.nozzle),
      build_x: String(printer.bay.build[0]),
      build_y: String(printer.bay.build[1]),
      build_z: String(printer.bay.build[2]),
      material: printer.material,
    };
    return CSV_COLUMN_NAMES.map((column) => csvCell(values[column] ?? '')).join(',');
  });
  return `${[CSV_COLUMN_NAMES.join(','), ...rows].join('\r\n')}\r\n`;
}

export interface DemoFile {
  name: string;
  material: string;
  /** Slicer estimate, in simulated seconds. */
  seconds: number;
  /** Footprint and height of the part, mm. */
  size: [number, number, number];
}

export const DEMO_FILES: readonly DemoFile[] = [
  { name: 'calibration-cube_0.2mm_PLA_MK4.gcode', material: 'PLA', seconds: 41 * 60, size: [20, 20, 20] },
  { name: 'cable-clip-x8_0.2mm_PETG.gcode', material: 'PETG', seconds: 57 * 60, size: [60, 40, 6] },
  { name: 'fan-duct_0.2mm_ABS.gcode', material: 'ABS', seconds: 68 * 60, size: [45, 30, 28] },
];

/**
 * A long print for the printer that fails, so that it is still printing when the spaghetti comes (about ten minutes
 * at the default time scale).
 */
export const FAILURE_DEMO_FILE: DemoFile = {
  name: 'lamp-shade-vase_0.2mm_PLA.gcode',
  material: 'PLA',
  seconds: 5 * 3600,
  size: [120, 120, 180],
};

/**
 * A small G-code file as PrusaSlicer writes it: moves tracing the part's outline layer by layer (so the extent is
 * the part's), then the summary and config block the server reads the material, nozzle and print time from.
 */
export function demoGcode(file: DemoFile): string {
  const [width, depth, height] = file.size;
  const x0 = 100 - width / 2;
  const y0 = 100 - depth / 2;
  const hot = file.material === 'ABS' ? [255, 100] : file.material === 'PETG' ? [240, 80] : [215, 60];
  const lines = [
    '; generated by PrusaSlicer 2.8.1+linux-x64-GTK3 on 2026-11-20 at 09:12:44 UTC',
    `; ${file.name} (Farmhand demo)`,
    'M73 P0 R0',
    `M140 S${hot[1]}`,
    `M104 S${hot[0]}`,
    'G28',
    `M190 S${hot[1]}`,
    `M109 S${hot[0]}`,
    'G90',
    'M83',
  ];
  const layers = Math.max(1, Math.round(height / 2));
  for (let layer = 1; layer <= layers; layer++) {
    const z = ((height * layer) / layers).toFixed(2);
    lines.push(
      ';LAYER_CHANGE',
      `;Z:${z}`,
      `G1 Z${z} F720`,
      `G1 X${x0} Y${y0} F9000`,
      `G1 X${x0 + width} Y${y0} E${(width * 0.05).toFixed(3)} F1800`,
      `G1 X${x0 + width} Y${y0 + depth} E${(depth * 0.05).toFixed(3)}`,
      `G1 X${x0} Y${y0 + depth} E${(width * 0.05).toFixed(3)}`,
      `G1 X${x0} Y${y0} E${(depth * 0.05).toFixed(3)}`,
    );
  }
  const minutes = Math.floor(file.seconds / 60);
  lines.push(
    'M104 S0',
    'M140 S0',
    'M84',
    `; filament used [mm] = ${(file.size[0] * file.size[1] * file.size[2] * 0.004).toFixed(1)}`,
    `; filament used [g] = ${(file.size[0] * file.size[1] * file.size[2] * 0.00012).toFixed(1)}`,
    `; estimated printing time (normal mode) = ${minutes}m ${file.seconds % 60}s`,
    '; prusaslicer_config = begin',
    `; filament_type = ${file.material}`,
    '; nozzle_diameter = 0.4',
    '; layer_height = 0.2',
    '; prusaslicer_config = end',
  );
  return `${lines.join('\n')}\n`;
}

/**
 * The gateway's `lan-secrets.json` for the printers it drives (every kind but OctoPrint): the one LAN secret the
 * demo's simulators share, as API key (Moonraker, Prusa Link) or access code (Bambu).
 */
export function demoLanSecrets(
  printers: readonly DemoPrinter[],
  secret: string,
): { version: 1; printers: Record<string, { apiKey?: string; accessCode?: string }> } {
  const entries = printers
    .filter((printer) => printer.kind !== 'octoprint')
    .map((printer) => [printer.name, printer.kind === 'bambu' ? { accessCode: secret } : { apiKey: secret }] as const);
  return { version: 1, printers: Object.fromEntries(entries) };
}

/** The credentials CSV's rows of the printers a farm gateway drives (a kind other than OctoPrint), same columns. */
export function gatewayCredentialsCsv(credentials: string): string {
  const rows = parse(credentials, { bom: true, skip_empty_lines: true }) as string[][];
  const [header, ...data] = rows;
  if (!header) return '';
  const kind = header.indexOf('kind');
  const kept = data.filter((row) => kind >= 0 && row[kind] !== '' && row[kind] !== 'octoprint');
  return `${[header, ...kept].map((row) => row.map(csvCell).join(',')).join('\r\n')}\r\n`;
}

/** Copies per file: about two prints for every printer that has the file's material loaded, at least one. */
export function demoJobCopies(printers: readonly DemoPrinter[], file: DemoFile): number {
  const loaded = printers.filter((printer) => printer.material === file.material).length;
  return Math.max(1, loaded * 2);
}

/**
 * Real photos for the failing printer's webcam (issue 12 point 5), when the shared photo set is there: a clean frame
 * of an Ender-3 webcam, then that webcam's own spaghetti (zaccomer-ender3, Apache-2.0; see its SOURCES.md), about
 * 0.14 and 0.97 with the default model (the median of its 15 spaghetti frames; models/default/README.md).
 * PRINT_PHOTOS_DIR points elsewhere; the images are read from there, never copied into the repository.
 */
export function demoWebcamPhotos(
  env: NodeJS.ProcessEnv,
  exists: (file: string) => boolean,
): { clean: string; failure: string } | null {
  const dir = resolve(env.PRINT_PHOTOS_DIR ?? join('..', 'shared', 'datasets', 'print-photos'));
  const photos = {
    clean: join(dir, 'zaccomer-ender3', 'clean', 'NoDefects_train_239_.jpg'),
    failure: join(dir, 'zaccomer-ender3', 'fail', 'YesDefects_train_86_.jpg'),
  };
  return exists(photos.clean) && exists(photos.failure) ? photos : null;
}
