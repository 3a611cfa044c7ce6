import type { PrintEventType } from '@farmhand/protocol';

import type { MappedState } from '../backend/printer-backend';

/** Prusa Link's printer states (`/api/v1/status` `printer.state`, OpenAPI `StatusPrinter.state`). */
export const PRUSALINK_STATES = [
  'IDLE',
  'BUSY',
  'PRINTING',
  'PAUSED',
  'FINISHED',
  'STOPPED',
  'ERROR',
  'ATTENTION',
  'READY',
] as const;
export type PrusaLinkState = (typeof PRUSALINK_STATES)[number];

/**
 * Farmhand's state for Prusa Link's. FINISHED and STOPPED are the printer idle after a print (the part or the failed
 * one may still be on the bed: the bed-clear gate decides); BUSY is the printer doing something of its own (a
 * calibration, a menu, a file transfer) and takes no job; ATTENTION waits for a person at the printer (filament
 * runout, a dialog): with a job that is a pause, without one an error to show.
 */
export function mapPrusaLinkState(state: string, hasJob: boolean, message: string | null): MappedState {
  switch (state) {
    case 'IDLE':
      return { state: 'operational', stateText: 'Idle', error: null };
    case 'READY':
      return { state: 'operational', stateText: 'Ready', error: null };
    case 'FINISHED':
      return { state: 'operational', stateText: 'Finished', error: null };
    case 'STOPPED':
      return { state: 'operational', stateText: 'Stopped', error: null };
    case 'BUSY':
      return { state: 'connecting', stateText: 'Busy', error: null };
    case 'PRINTING':
      return { state: 'printing', stateText: 'Printing', error: null };
    case 'PAUSED':
      return { state: 'paused', stateText: 'Paused', error: null };
    case 'ATTENTION':
      return hasJob
        ? { state: 'paused', stateText: 'Attention', error: message || 'The printer needs attention at its screen' }
        : { state: 'error', stateText: 'Attention', error: message || 'The printer needs attention at its screen' };
    case 'ERROR':
      return { state: 'error', stateText: 'Error', error: message || 'The printer reports an error' };
    default:
      return { state: 'unknown', stateText: state.slice(0, 64) || null, error: null };
  }
}

const ACTIVE = new Set(['PRINTING', 'PAUSED', 'ATTENTION']);

/** A job is running or held in this state. */
export function isActivePrusaState(state: string): boolean {
  return ACTIVE.has(state);
}

/**
 * The print event a change of (state, job id) means, or null. A new job id while printing is a start even when the
 * poll missed the end of the previous one; a job that vanished while active without FINISHED/STOPPED is a failure.
 */
export function prusaEventOf(
  from: { state: string; jobId: number | null },
  to: { state: string; jobId: number | null },
): PrintEventType | null {
  const newJob = to.jobId !== null && to.jobId !== from.jobId;
  if (to.state === 'PRINTING') {
    if (newJob) return 'print.started';
    if (from.state === 'PAUSED' || from.state === 'ATTENTION') return 'print.resumed';
    return ACTIVE.has(from.state) ? null : 'print.started';
  }
  if (to.state === 'PAUSED') return from.state === 'PAUSED' || from.state === 'ATTENTION' ? null : 'print.paused';
  // ATTENTION during a print (filament runout, a dialog) holds the print: Farmhand shows it paused.
  if (to.state === 'ATTENTION') return from.state === 'PRINTING' ? 'print.paused' : null;
  if (!ACTIVE.has(from.state)) return null;
  if (to.state === 'FINISHED') return 'print.done';
  if (to.state === 'STOPPED') return 'print.cancelled';
  if (to.state === 'ERROR') return 'print.failed';
  if (to.state === 'BUSY') return null; // e.g. parking after a pause, still the same job
  return 'print.failed';
}

/**
 * Progress in percent. Prusa Link reports percent (0–100), but some firmware reports the fraction (0–1, "×0.01"):
 * with the print and remaining times known, the reading that agrees with them wins; `scale` forces one.
 */
export function progressPercent(
  progress: unknown,
  timePrinting: unknown,
  timeRemaining: unknown,
  scale: 'auto' | 'percent' | 'fraction' = 'auto',
): number | null {
  if (typeof progress !== 'number' || !Number.isFinite(progress) || progress < 0) return null;
  let percent = progress;
  if (scale === 'fraction') percent = progress * 100;
  else if (scale === 'auto' && progress <= 1) {
    const printed = typeof timePrinting === 'number' ? timePrinting : null;
    const left = typeof timeRemaining === 'number' ? timeRemaining : null;
    if (printed !== null && left !== null && printed + left > 0) {
      const byTime = (100 * printed) / (printed + left);
      if (Math.abs(progress * 100 - byTime) < Math.abs(progress - byTime)) percent = progress * 100;
    }
  }
  return Math.min(100, Math.round(percent * 100) / 100);
}
