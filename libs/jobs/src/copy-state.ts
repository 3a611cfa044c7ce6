import { DomainException } from '@farmhand/core';

export const COPY_STATES = [
  'queued',
  'assigned',
  'uploading',
  'printing',
  'awaiting_bed_clear',
  'done',
  'failed',
  'cancelled',
] as const;
export type CopyState = (typeof COPY_STATES)[number];

/** A printer holds at most one copy in these states (a unique partial index enforces it). */
export const ACTIVE_COPY_STATES = ['assigned', 'uploading', 'printing', 'awaiting_bed_clear'] as const;
/** States in which something may be running on the printer. */
export const RUNNING_COPY_STATES = ['assigned', 'uploading', 'printing'] as const;
export const TERMINAL_COPY_STATES = ['done', 'failed', 'cancelled'] as const;

export type CopyOutcome = 'good' | 'bad';

/**
 * Every allowed move of a copy. A copy moves forward through one printer; `queued` again only by requeueing
 * (a dispatch that never reached the printer, an operator after a failure, a bad print, a lost agent).
 */
const TRANSITIONS: Record<CopyState, readonly CopyState[]> = {
  queued: ['assigned', 'cancelled'],
  // assigned -> printing: an agent that reports printing this copy before the dispatch result came back.
  assigned: ['uploading', 'printing', 'queued', 'failed', 'cancelled'],
  uploading: ['printing', 'awaiting_bed_clear', 'done', 'queued', 'failed', 'cancelled'],
  printing: ['awaiting_bed_clear', 'done', 'failed', 'cancelled'],
  awaiting_bed_clear: ['done', 'queued'],
  done: ['queued'],
  failed: ['queued'],
  cancelled: ['queued'],
};

export function canTransition(from: CopyState, to: CopyState): boolean {
  return TRANSITIONS[from].includes(to);
}

export function isActive(state: CopyState): boolean {
  return (ACTIVE_COPY_STATES as readonly string[]).includes(state);
}

export function isTerminal(state: CopyState): boolean {
  return (TERMINAL_COPY_STATES as readonly string[]).includes(state);
}

/** 409 naming the state the copy is in, so a client can tell "already printing" from "already done". */
export function assertTransition(from: CopyState, to: CopyState, action: string = to): void {
  if (!canTransition(from, to)) {
    throw new DomainException('conflict', 'invalid_copy_state', `Cannot ${action} a copy that is ${from}`, 'state', {
      state: from,
    });
  }
}

/**
 * What requeueing needs besides the state machine: a finished copy goes back only when its print was bad, and a
 * running copy only when its agent was lost (otherwise it may still be printing).
 */
export function requeueRefusal(copy: { state: CopyState; outcome: CopyOutcome | null; lost: boolean }): string | null {
  if (copy.state === 'failed' || copy.state === 'cancelled') return null;
  if (copy.state === 'done') return copy.outcome === 'bad' ? null : 'a good print is not requeued';
  if ((copy.state === 'uploading' || copy.state === 'printing') && copy.lost) return null;
  return `the copy is ${copy.state}`;
}
