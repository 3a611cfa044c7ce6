import type { PrinterState, Status } from '@farmhand/protocol';

export const PRINT_EVENT_KINDS = ['started', 'paused', 'resumed', 'done', 'failed', 'cancelled'] as const;
export type PrintEventKind = (typeof PRINT_EVENT_KINDS)[number];

/**
 * Emitted in-process on the api instance that holds the agent's socket. What must survive across instances (state
 * transitions, last seen) is also persisted in Postgres where the event is emitted.
 */
export interface AgentsEventMap {
  'printer.online': { orgId: string; printerId: string };
  'printer.offline': { orgId: string; printerId: string };
  /** A persisted transition of `printers.state`; `from` is whatever the row held before. */
  'printer.stateChanged': { orgId: string; printerId: string; from: string; to: PrinterState };
  /** Once per event id, even when the agent resends it after a reconnect. */
  'printer.printEvent': {
    orgId: string;
    printerId: string;
    eventId: string;
    type: PrintEventKind;
    job?: { fileName?: string; sha256?: string; copyId?: string };
    /** Epoch milliseconds, as the agent observed it. */
    at: number;
    reason?: string | null;
    /** `farmhand`: a cancel Farmhand sent; `link_lost`: the agent lost the printer's host (at = when). */
    origin?: 'farmhand' | 'link_lost';
  };
  /** Every accepted status message (for live views); not persisted. */
  'printer.status': { orgId: string; printerId: string; status: Status };
  /** A validated live camera frame, on the instance holding the agent's socket; relayed to watchers, not stored. */
  'printer.cameraFrame': { orgId: string; printerId: string; seq: number; capturedAt: number; jpeg: Uint8Array };
}

declare module '@farmhand/core' {
  // eslint-disable-next-line @typescript-eslint/no-empty-object-type
  interface DomainEventMap extends AgentsEventMap {}
}
