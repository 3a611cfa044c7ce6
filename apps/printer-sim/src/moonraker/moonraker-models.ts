import type { VirtualPrinter } from '../core/virtual-printer';

/** What `print_stats.state` says once no print runs: how the last one ended. */
export type PrintOutcome = 'standby' | 'printing' | 'complete' | 'cancelled' | 'error';

/** Klippy's host state as `printer.info` and `webhooks.state` report it ('disconnected': Moonraker lost Klippy). */
export function klippyState(printer: VirtualPrinter): { state: string; message: string } {
  switch (printer.phase) {
    case 'offline':
      return { state: 'disconnected', message: 'Klippy Disconnected' };
    case 'connecting':
      return { state: 'startup', message: 'Printer is starting up' };
    case 'error':
      return { state: 'shutdown', message: printer.errorText || 'Printer is shutdown' };
    default:
      return { state: 'ready', message: 'Printer is ready' };
  }
}

/** `print_stats.state`: standby, printing, paused, complete, cancelled or error. */
export function printStatsState(printer: VirtualPrinter, outcome: PrintOutcome): string {
  if (printer.phase === 'printing' || printer.phase === 'pausing' || printer.phase === 'cancelling') return 'printing';
  if (printer.phase === 'paused') return 'paused';
  return outcome === 'printing' ? 'standby' : outcome;
}

/** The Klipper printer objects Farmhand subscribes to, with the fields Klipper reports for them. */
export function statusObjects(
  printer: VirtualPrinter,
  outcome: PrintOutcome,
  message: string,
): Record<string, Record<string, unknown>> {
  const file = printer.selected;
  const completion = printer.completion() ?? 0;
  const state = printStatsState(printer, outcome);
  const active = state === 'printing' || state === 'paused';
  const round = (value: number) => Math.round(value * 100) / 100;
  return {
    webhooks: { state: klippyState(printer).state, state_message: klippyState(printer).message },
    print_stats: {
      filename: file?.path ?? '',
      total_duration: round(printer.printTime),
      print_duration: round(printer.printTime),
      filament_used: 0,
      state,
      message: state === 'error' ? message : '',
      info: { total_layer: file?.analysis.layerCount ?? null, current_layer: null },
    },
    virtual_sdcard: {
      file_path: file ? `/home/pi/printer_data/gcodes/${file.path}` : null,
      progress: round(completion * 1000) / 1000,
      is_active: state === 'printing',
      file_position: file ? Math.floor(completion * file.size) : 0,
      file_size: file?.size ?? 0,
    },
    display_status: { progress: active || state === 'complete' ? round(completion * 1000) / 1000 : 0, message: null },
    extruder: { temperature: round(printer.tool0.actual), target: printer.tool0.target, power: 0 },
    heater_bed: { temperature: round(printer.bed.actual), target: printer.bed.target, power: 0 },
    idle_timeout: { state: active ? 'Printing' : 'Ready', printing_time: round(printer.printTime) },
    toolhead: {
      position: [printer.position.x, printer.position.y, printer.currentZ() ?? printer.position.z, 0],
      homed_axes: 'xyz',
      print_time: round(printer.printTime),
    },
  };
}
