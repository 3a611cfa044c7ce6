/** Emitted in-process on the api instance that made the change, after it was committed. */
export interface PrintersEventMap {
  /** An operator changed a printer's detection settings; the agent's share of them travels to it at once. */
  'printer.detectionChanged': { orgId: string; printerId: string; frameIntervalSeconds: number };
}

declare module '@farmhand/core' {
  // eslint-disable-next-line @typescript-eslint/no-empty-object-type
  interface DomainEventMap extends PrintersEventMap {}
}
