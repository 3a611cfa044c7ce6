import type { AlertBox } from './alerts/alert-boxes';
import type { AlertLevel } from './entities/detection-alert.entity';

/**
 * Emitted in the process that scored the frame (the inference role). Listeners that must reach other processes
 * enqueue jobs (webhooks) or publish through the dashboard's Redis adapter.
 */
export interface DetectionEventMap {
  'detection.alertRaised': {
    orgId: string;
    printerId: string;
    alertId: string;
    level: AlertLevel;
    score: number;
    copyId: string | null;
    frameId: string | null;
    /** Where the model saw it, in fractions of the frame (hottest first). */
    boxes: AlertBox[];
    /** ISO time. */
    at: string;
  };
  'detection.printPaused': {
    orgId: string;
    printerId: string;
    alertId: string;
    copyId: string | null;
    /** The frame that escalated the alert to a pause, and where the model saw it there. */
    frameId: string | null;
    boxes: AlertBox[];
    at: string;
  };
}

declare module '@farmhand/core' {
  // eslint-disable-next-line @typescript-eslint/no-empty-object-type
  interface DomainEventMap extends DetectionEventMap {}
}
