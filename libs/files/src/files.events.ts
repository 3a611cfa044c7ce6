export interface FilesEventMap {
  'gcodeFile.uploaded': { orgId: string; fileId: string; name: string };
  'gcodeFile.deleted': { orgId: string; fileId: string };
}

declare module '@farmhand/core' {
  // eslint-disable-next-line @typescript-eslint/no-empty-object-type
  interface DomainEventMap extends FilesEventMap {}
}
