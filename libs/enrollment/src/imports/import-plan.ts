import type { ExistingPrinter } from '@farmhand/printers';
import { compareRowErrors } from '../csv/enrollment-csv.parser';
import type { ParsedPrinterRow, RowError } from '../csv/enrollment-csv.types';
import { preview } from '../csv/enrollment-csv.validator';

export interface PlannedRow {
  row: ParsedPrinterRow;
  fleetId: string;
  action: 'create' | 'update';
  /** The existing printer an update targets. */
  printer: ExistingPrinter | null;
}

export interface ImportPlan {
  planned: PlannedRow[];
  errors: RowError[];
}

/**
 * Matches valid rows to the organization's printers: by serial, else by name (a re-upload of the same file updates
 * the same printers). Rows that cannot be applied as written get row errors, so that a dry run reports everything a
 * commit would refuse:
 * - the name belongs to another printer (`name_taken`), or the printer found by name has another serial
 *   (`serial_conflict`);
 * - the printer found lives in a fleet the caller does not manage (`outside_fleet_scope`);
 * - two rows reach the same printer (`duplicate_printer`).
 */
export function planImport(
  rows: readonly ParsedPrinterRow[],
  fleetIdsByName: ReadonlyMap<string, string>,
  existing: readonly ExistingPrinter[],
  canManageFleet: (fleetId: string) => boolean,
): ImportPlan {
  const bySerial = new Map<string, ExistingPrinter>();
  const byName = new Map<string, ExistingPrinter>();
  for (const printer of existing) {
    if (printer.serial !== null) bySerial.set(printer.serial, printer);
    byName.set(printer.name, printer);
  }
  const planned: PlannedRow[] = [];
  const errors: RowError[] = [];
  const targetedBy = new Map<string, number>();
  for (const row of rows) {
    const fleetId = fleetIdsByName.get(row.fleet);
    if (fleetId === undefined) throw new Error(`planImport: fleet "${row.fleet}" was not resolved`);
    const problem = (column: RowError['column'], code: RowError['code'], message: string) =>
      errors.push({ row: row.row, column, code, message });
    const named = byName.get(row.name);
    let target = row.serial !== null ? bySerial.get(row.serial) : undefined;
    if (!target && named) {
      if (!canManageFleet(named.fleetId)) {
        problem(
          'name',
          'outside_fleet_scope',
          `A printer named "${preview(row.name)}" exists in a fleet you do not manage.`,
        );
        continue;
      }
      if (row.serial !== null && named.serial !== null) {
        problem(
          'serial',
          'serial_conflict',
          `Printer "${preview(row.name)}" already exists with serial "${preview(named.serial)}"; ` +
            'change the name, or write its serial.',
        );
        continue;
      }
      target = named;
    }
    if (target) {
      if (!canManageFleet(target.fleetId)) {
        problem('serial', 'outside_fleet_scope', 'A printer with this serial exists in a fleet you do not manage.');
        continue;
      }
      if (named && named.id !== target.id) {
        problem('name', 'name_taken', `Another printer of the organization is already named "${preview(row.name)}".`);
        continue;
      }
      const earlier = targetedBy.get(target.id);
      if (earlier !== undefined) {
        problem(
          null,
          'duplicate_printer',
          `Rows ${earlier} and ${row.row} both describe printer "${preview(target.name)}".`,
        );
        continue;
      }
      targetedBy.set(target.id, row.row);
    }
    planned.push({ row, fleetId, action: target ? 'update' : 'create', printer: target ?? null });
  }
  return { planned, errors: errors.sort(compareRowErrors) };
}
