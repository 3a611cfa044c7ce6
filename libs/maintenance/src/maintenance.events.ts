import type { IntervalKind } from './entities/maintenance-task.entity';

export interface MaintenanceEventMap {
  /** A task on a printer reached 90 % (`due`) or 100 % (`overdue`) of its interval: once per interval and level. */
  'maintenance.due': {
    orgId: string;
    taskId: string;
    taskName: string;
    printerId: string;
    printerName: string;
    fleetId: string;
    level: 'due' | 'overdue';
    intervalKind: IntervalKind;
    used: number;
    limit: number;
  };
}

declare module '@farmhand/core' {
  // eslint-disable-next-line @typescript-eslint/no-empty-object-type
  interface DomainEventMap extends MaintenanceEventMap {}
}
