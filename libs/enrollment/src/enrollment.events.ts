export interface EnrollmentEventMap {
  /** Live agent connections using these credentials must be closed at once. */
  'printerCredential.revoked': { orgId: string; printerId: string; credentialIds: string[] };
  'printer.enrolled': { orgId: string; printerId: string; fleetId: string };
}

declare module '@farmhand/core' {
  // eslint-disable-next-line @typescript-eslint/no-empty-object-type
  interface DomainEventMap extends EnrollmentEventMap {}
}
