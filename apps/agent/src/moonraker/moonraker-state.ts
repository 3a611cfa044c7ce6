import type { PrintEventType } from '@farmhand/protocol';

import type { MappedState } from '../backend/printer-backend';

/** The Klipper objects Farmhand subscribes to (all fields). */
export const SUBSCRIBED_OBJECTS = [
  'print_stats',
  'virtual_sdcard',
  'display_status',
  'webhooks',
  'extruder',
  'heater_bed',
  'idle_timeout',
  'toolhead',
] as const;

/** The merged picture of the subscribed objects: the first answer, then every `notify_status_update` diff on top. */
export type KlipperObjects = Record<string, Record<string, unknown>>;

/** Merges a diff into the picture in place (Klipper sends only fields that changed). */
export function mergeDiff(into: KlipperObjects, diff: unknown): boolean {
  if (!diff || typeof diff !== 'object') return false;
  let changed = false;
  for (const [name, fields] of Object.entries(diff as Record<string, unknown>)) {
    if (!fields || typeof fields !== 'object' || Array.isArray(fields)) continue;
    into[name] = { ...(into[name] ?? {}), ...(fields as Record<string, unknown>) };
    changed = true;
  }
  return changed;
}

/**
 * Farmhand's state from Klippy's host state (`webhooks.state`: ready, startup, shutdown, error; or Moonraker's
 * `disconnected` when it lost Klippy) and the job's (`print_stats.state`: standby, printing, paused, complete,
 * cancelled, error).
 */
export function mapMoonrakerState(klippy: string, printStats: string | null, message: string | null): MappedState {
  switch (klippy) {
    case 'disconnected':
      return { state: 'offline', stateText: 'Klippy disconnected', error: null };
    case 'startup':
      return { state: 'connecting', stateText: 'Klippy starting up', error: null };
    case 'shutdown':
    case 'error':
      return { state: 'error', stateText: `Klippy ${klippy}`, error: message || `Klippy ${klippy}` };
    case 'ready':
      break;
    default:
      return { state: 'unknown', stateText: klippy || null, error: null };
  }
  switch (printStats) {
    case 'printing':
      return { state: 'printing', stateText: 'Printing', error: null };
    case 'paused':
      return { state: 'paused', stateText: 'Paused', error: null };
    case 'error':
      // The last print failed; Klippy itself is ready, so the printer takes the next job once the bed is clear.
      return { state: 'operational', stateText: 'Ready (last print failed)', error: message || null };
    case 'complete':
      return { state: 'operational', stateText: 'Ready (print complete)', error: null };
    case 'cancelled':
      return { state: 'operational', stateText: 'Ready (print cancelled)', error: null };
    default:
      return { state: 'operational', stateText: 'Ready', error: null };
  }
}

/** The print event a `print_stats.state` change means, or null. */
export function printEventOf(from: string | null, to: string): PrintEventType | null {
  if (from === to) return null;
  if (to === 'printing') return from === 'paused' ? 'print.resumed' : 'print.started';
  if (to === 'paused') return 'print.paused';
  if (from !== 'printing' && from !== 'paused') return null;
  if (to === 'complete') return 'print.done';
  if (to === 'cancelled') return 'print.cancelled';
  if (to === 'error') return 'print.failed';
  // printing -> standby: SDCARD_RESET_FILE during a print; treat as cancelled.
  if (to === 'standby') return 'print.cancelled';
  return null;
}

/** Progress in percent: `virtual_sdcard.progress` (file position), else `display_status.progress` (M73). */
export function progressOf(objects: KlipperObjects): number | null {
  const file = objects.virtual_sdcard?.progress;
  const display = objects.display_status?.progress;
  const value = typeof file === 'number' && file > 0 ? file : typeof display === 'number' ? display : null;
  return value === null ? null : Math.min(100, Math.max(0, Math.round(value * 10_000) / 100));
}
