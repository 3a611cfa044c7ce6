import type { VirtualPrinter } from '../core/virtual-printer';

/** What the last print ended with, for `gcode_state` after it (FINISH, FAILED) until the next one starts. */
export type LastOutcome = 'none' | 'finished' | 'failed';

export interface ReportContext {
  printer: VirtualPrinter;
  outcome: LastOutcome;
  /** The `.3mf` the current (or last) print came from. */
  projectName: string | null;
  amsTrays: Array<{ type: string; color: string }>;
}

/** `gcode_state` of a real printer for the virtual printer's phase. */
export function gcodeState(context: ReportContext): string {
  switch (context.printer.phase) {
    case 'printing':
    case 'pausing':
    case 'cancelling':
      return 'RUNNING';
    case 'paused':
      return 'PAUSE';
    case 'error':
      return 'FAILED';
    default:
      return context.outcome === 'finished' ? 'FINISH' : context.outcome === 'failed' ? 'FAILED' : 'IDLE';
  }
}

/** The whole `print.push_status` (fields per OpenBambuAPI mqtt.md), as `pushall` returns it. */
export function fullReport(context: ReportContext): Record<string, unknown> {
  const { printer } = context;
  const completion = printer.completion();
  const analysis = printer.selected?.analysis;
  const remainingSeconds =
    analysis && completion !== null ? Math.max(0, analysis.estimatedPrintTime - printer.printTime) : 0;
  const layers = analysis?.layerCount ?? 0;
  return {
    command: 'push_status',
    gcode_state: gcodeState(context),
    gcode_file: context.projectName ?? '',
    subtask_name: context.projectName?.replace(/\.3mf$/i, '') ?? '',
    mc_percent: completion === null ? 0 : Math.floor(completion * 100),
    mc_remaining_time: Math.ceil(remainingSeconds / 60),
    mc_print_stage: printer.hasActiveJob() ? '2' : '1',
    layer_num: completion === null ? 0 : Math.floor(completion * layers),
    total_layer_num: layers,
    nozzle_temper: round(printer.tool0.actual),
    nozzle_target_temper: printer.tool0.target,
    bed_temper: round(printer.bed.actual),
    bed_target_temper: printer.bed.target,
    print_error: printer.phase === 'error' ? 0x0300_4001 : 0,
    mc_print_error_code: '0',
    spd_lvl: 2,
    spd_mag: 100,
    wifi_signal: '-45dBm',
    sdcard: true,
    hms: [],
    lights_report: [{ node: 'chamber_light', mode: 'on' }],
    ipcam: { ipcam_dev: '1', ipcam_record: 'disable', timelapse: 'disable' },
    ams: {
      ams: [
        {
          id: '0',
          humidity: '4',
          temp: '24.0',
          tray: context.amsTrays.map((tray, index) => ({
            id: String(index),
            tray_type: tray.type,
            tray_color: tray.color,
          })),
        },
      ],
      ams_exist_bits: '1',
      tray_exist_bits: ((1 << context.amsTrays.length) - 1).toString(16),
      tray_now: '255',
      version: 1,
    },
  };
}

const round = (value: number) => Math.round(value * 10) / 10;

/**
 * P1/A1 firmware sends only what changed since its last report: the fields of `next` that differ from `sent`
 * (objects compared whole, as the printer resends a changed sub-object such as `ams` entirely).
 */
export function changedFields(sent: Record<string, unknown>, next: Record<string, unknown>): Record<string, unknown> {
  const changed: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(next)) {
    if (JSON.stringify(sent[key]) !== JSON.stringify(value)) changed[key] = value;
  }
  return changed;
}
