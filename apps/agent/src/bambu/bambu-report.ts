import type { FilamentSlotReport, PrinterState, TemperatureReading } from '@farmhand/protocol';

/** The printer's last known `print` object, merged from full (`pushall`) and partial (P1/A1) reports. */
export type BambuReport = Record<string, unknown>;

const object = (value: unknown): Record<string, unknown> | null =>
  value !== null && typeof value === 'object' && !Array.isArray(value) ? (value as Record<string, unknown>) : null;

/** Keys that could reach Object.prototype through a merge of printer-supplied JSON. */
const UNSAFE_KEYS = new Set(['__proto__', 'constructor', 'prototype']);
const MAX_DEPTH = 8;

/**
 * P1 and A1 printers push only the fields that changed since the last report, so the state is the merge of every
 * report since the last full one. Objects merge key by key; arrays and scalars replace (the AMS array is always
 * sent whole when it changes).
 */
export function mergeReport(previous: BambuReport, update: Record<string, unknown>, depth = 0): BambuReport {
  const merged: BambuReport = { ...previous };
  for (const [key, value] of Object.entries(update)) {
    if (UNSAFE_KEYS.has(key)) continue;
    const before = object(merged[key]);
    const after = object(value);
    merged[key] = before && after && depth < MAX_DEPTH ? mergeReport(before, after, depth + 1) : value;
  }
  return merged;
}

/** The `gcode_state` values Bambu firmware reports, mapped to Farmhand's states. */
export function mapGcodeState(gcodeState: unknown): PrinterState {
  switch (typeof gcodeState === 'string' ? gcodeState.toUpperCase() : '') {
    case 'IDLE':
    case 'FINISH':
    case 'FAILED':
      // A finished or failed print leaves the printer ready for the next one (after the plate is cleared).
      return 'operational';
    case 'PREPARE':
    case 'SLICING':
    case 'RUNNING':
      return 'printing';
    case 'PAUSE':
      return 'paused';
    case 'INIT':
      return 'connecting';
    case 'OFFLINE':
      return 'offline';
    default:
      return 'unknown';
  }
}

const number = (value: unknown): number | null => {
  const parsed = typeof value === 'string' && value.trim() !== '' ? Number(value) : value;
  return typeof parsed === 'number' && Number.isFinite(parsed) ? parsed : null;
};

const temperature = (value: unknown): number | null => {
  const degrees = number(value);
  return degrees !== null && degrees >= -300 && degrees <= 2_000 ? degrees : null;
};

function reading(actual: unknown, target: unknown): TemperatureReading | null {
  const reading = { actual: temperature(actual), target: temperature(target) };
  return reading.actual === null && reading.target === null ? null : reading;
}

export interface BambuObserved {
  state: PrinterState;
  stateText: string | null;
  tool0: TemperatureReading | null;
  bed: TemperatureReading | null;
  /** The file being printed (`gcode_file`, or `subtask_name` when the firmware leaves it empty). */
  fileName: string | null;
  progress: number | null;
  printTimeLeft: number | null;
  /** Current layer over total, when reported. */
  layer: { current: number; total: number } | null;
  error: string | null;
}

/** Reads Farmhand's view out of the merged report. */
export function observe(report: BambuReport): BambuObserved {
  const state = mapGcodeState(report.gcode_state);
  const percent = number(report.mc_percent);
  const minutesLeft = number(report.mc_remaining_time);
  const current = number(report.layer_num);
  const total = number(report.total_layer_num);
  const fileName =
    (typeof report.gcode_file === 'string' && report.gcode_file) ||
    (typeof report.subtask_name === 'string' && report.subtask_name) ||
    null;
  return {
    state,
    stateText: typeof report.gcode_state === 'string' ? report.gcode_state.slice(0, 200) : null,
    tool0: reading(report.nozzle_temper, report.nozzle_target_temper),
    bed: reading(report.bed_temper, report.bed_target_temper),
    fileName: fileName ? fileName.slice(0, 1_024) : null,
    progress: percent === null ? null : Math.min(100, Math.max(0, percent)),
    printTimeLeft: minutesLeft === null || minutesLeft < 0 ? null : Math.round(minutesLeft * 60),
    layer: current !== null && total !== null && total > 0 ? { current, total } : null,
    error: printError(report),
  };
}

/**
 * The loaded AMS trays of the merged report (`ams.ams[].tray[]`): slot = AMS unit id * 4 + tray id (what
 * `ams_mapping` indexes), `tray_type` the material, `tray_color` RRGGBBAA. Empty trays (no type) are left out, and
 * anything malformed is skipped rather than trusted.
 */
export function observeTrays(report: BambuReport): FilamentSlotReport[] {
  const ams = report.ams as { ams?: unknown } | undefined;
  const units = Array.isArray(ams?.ams) ? ams.ams : [];
  const slots: FilamentSlotReport[] = [];
  for (const unit of units as Array<{ id?: unknown; tray?: unknown }>) {
    const unitId = number(unit?.id);
    if (unitId === null || !Number.isInteger(unitId) || unitId < 0 || unitId > 7) continue;
    for (const tray of (Array.isArray(unit.tray) ? unit.tray : []) as Array<Record<string, unknown>>) {
      const trayId = number(tray?.id);
      const material = typeof tray?.tray_type === 'string' ? tray.tray_type.trim().slice(0, 32) : '';
      if (trayId === null || !Number.isInteger(trayId) || trayId < 0 || trayId > 3 || !/^[\x21-\x7e ]+$/.test(material))
        continue;
      const color = typeof tray.tray_color === 'string' ? tray.tray_color.toUpperCase() : '';
      slots.push({
        slot: unitId * 4 + trayId,
        material,
        colorHex: /^[0-9A-F]{6}([0-9A-F]{2})?$/.test(color) ? `#${color.slice(0, 6)}` : null,
      });
      if (slots.length >= 32) return slots;
    }
  }
  return slots;
}

/** `print_error` is a hex-coded HMS error (0 when none); `mc_print_error_code` is a decimal string. */
function printError(report: BambuReport): string | null {
  const code = number(report.print_error);
  if (code !== null && code !== 0) return `printer error 0x${code.toString(16).toUpperCase().padStart(8, '0')}`;
  const mcCode = number(report.mc_print_error_code);
  if (mcCode !== null && mcCode !== 0) return `printer error ${mcCode}`;
  return null;
}

/** The answer to one of our requests (`result` is case-insensitive per the firmware). */
export interface BambuReply {
  sequenceId: string;
  command: string;
  ok: boolean;
  reason: string | null;
}

export function readReply(section: Record<string, unknown>): BambuReply | null {
  if (typeof section.sequence_id !== 'string' || typeof section.command !== 'string') return null;
  if (typeof section.result !== 'string') return null;
  const result = section.result.toLowerCase();
  return {
    sequenceId: section.sequence_id,
    command: section.command,
    ok: result === 'success',
    reason: typeof section.reason === 'string' && section.reason ? section.reason.slice(0, 500) : null,
  };
}
