export interface SpoolsEventMap {
  /** A print took a spool under its low-stock mark (emitted once, when it crosses). */
  'spool.lowStock': {
    orgId: string;
    spoolId: string;
    printerId: string | null;
    material: string;
    colorName: string | null;
    remainingGrams: number;
    lowStockGrams: number;
  };
  /** A print's usage row was committed; `spoolman`: it is to be written to the organization's Spoolman. */
  'spool.usageRecorded': { orgId: string; usageId: string; spoolId: string; spoolman: boolean };
}

declare module '@farmhand/core' {
  // eslint-disable-next-line @typescript-eslint/no-empty-object-type
  interface DomainEventMap extends SpoolsEventMap {}
}
