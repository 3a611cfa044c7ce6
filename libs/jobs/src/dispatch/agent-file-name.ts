/**
 * The name a copy's file gets on OctoPrint: the protocol accepts only `[A-Za-z0-9][A-Za-z0-9._ ()+-]*`, no `..`,
 * ending in .gcode, .bgcode or .3mf as the file's format (libs/protocol safeFileNameSchema), while library names may hold any letter. Accents are
 * folded, anything else becomes `_`. The same file always gets the same name, so re-dispatching it overwrites
 * rather than piling up copies on the printer's storage.
 */
export function agentFileName(name: string): string {
  const extension = /\.(gcode\.3mf|3mf|bgcode)$/i.exec(name)?.[1]?.toLowerCase() ?? 'gcode';
  const stem = name
    .replace(/\.(gcode\.3mf|3mf|bgcode|gcode|gco|g)$/i, '')
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .replace(/[^A-Za-z0-9._ ()+-]/g, '_')
    .replace(/\.{2,}/g, '.')
    .replace(/^[^A-Za-z0-9]+/, '')
    .slice(0, 180)
    .replace(/[. ]+$/, '');
  return `${stem || 'farmhand'}.${extension}`;
}
