import type { CopyState } from './copy-state';

export interface JobsEventMap {
  'printJob.created': { orgId: string; jobId: string; copies: number };
  /** Priority, position, requirements, hold/release: anything that can change what the scheduler picks. */
  'printJob.updated': { orgId: string; jobId: string; change: string };
  'printJob.cancelled': { orgId: string; jobId: string };
  /** Gone from the queue and lists (no copy was on a printer); its copies and attempts stay for history. */
  'printJob.deleted': { orgId: string; jobId: string };
  'printCopy.stateChanged': {
    orgId: string;
    jobId: string;
    copyId: string;
    printerId: string | null;
    from: CopyState;
    to: CopyState;
  };
  /** An operator (or a bad plate's verdict) put a copy back in the queue. */
  'printCopy.requeued': { orgId: string; jobId: string; copyId: string };
  /**
   * Someone confirmed the plate clear (or an auto-eject printer finished): the printer may be ready again. The job
   * and copy whose print was on the plate, when it was one of the queue's.
   */
  'printerBed.cleared': { orgId: string; printerId: string; jobId?: string | null; copyId?: string | null };
  /** A print started outside Farmhand ended: what it left on the plate waits for a person. */
  'printerBed.occupied': { orgId: string; printerId: string };
}

declare module '@farmhand/core' {
  // eslint-disable-next-line @typescript-eslint/no-empty-object-type
  interface DomainEventMap extends JobsEventMap {}
}
