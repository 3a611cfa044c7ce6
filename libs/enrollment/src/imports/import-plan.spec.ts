import type { ExistingPrinter } from '@farmhand/printers';
import type { ParsedPrinterRow } from '../csv/enrollment-csv.types';
import { planImport } from './import-plan';

const FLEETS = new Map([
  ['Fleet A', 'fleet-a'],
  ['Fleet B', 'fleet-b'],
]);
const everywhere = () => true;

function row(row: number, name: string, serial: string | null, fleet = 'Fleet A'): ParsedPrinterRow {
  return {
    row,
    name,
    fleet,
    model: 'MK4',
    serial,
    octoprintUrl: null,
    kind: null,
    address: null,
    tags: [],
    nozzleDiameterMm: 0.4,
    buildVolumeMm: { x: 250, y: 210, z: 220 },
    material: null,
  };
}

function printer(id: string, name: string, serial: string | null, fleetId = 'fleet-a'): ExistingPrinter {
  return { id, name, serial, fleetId };
}

describe('planImport', () => {
  it('creates new printers and updates those found by serial, else by name', () => {
    const plan = planImport(
      [row(2, 'New', 'SN-NEW'), row(3, 'Renamed', 'SN-1'), row(4, 'Named', null), row(5, 'Gets serial', 'SN-9')],
      FLEETS,
      [printer('p1', 'Old name', 'SN-1'), printer('p2', 'Named', 'SN-2'), printer('p3', 'Gets serial', null)],
      everywhere,
    );
    expect(plan.errors).toEqual([]);
    expect(plan.planned.map((planned) => [planned.row.row, planned.action, planned.printer?.id ?? null])).toEqual([
      [2, 'create', null],
      [3, 'update', 'p1'],
      [4, 'update', 'p2'],
      [5, 'update', 'p3'],
    ]);
  });

  it('refuses a name held by another printer, and a name whose printer has another serial', () => {
    const plan = planImport(
      [row(2, 'Taken', 'SN-1'), row(3, 'Serialled', 'SN-NEW')],
      FLEETS,
      [printer('p1', 'Mine', 'SN-1'), printer('p2', 'Taken', null), printer('p3', 'Serialled', 'SN-OTHER')],
      everywhere,
    );
    expect(plan.planned).toEqual([]);
    expect(plan.errors.map((error) => [error.row, error.column, error.code])).toEqual([
      [2, 'name', 'name_taken'],
      [3, 'serial', 'serial_conflict'],
    ]);
  });

  it('refuses printers in fleets the caller does not manage, without saying more about them', () => {
    const plan = planImport(
      [row(2, 'Theirs', 'SN-B'), row(3, 'Also theirs', null)],
      FLEETS,
      [printer('p1', 'Other', 'SN-B', 'fleet-b'), printer('p2', 'Also theirs', 'SN-X', 'fleet-b')],
      (fleetId) => fleetId === 'fleet-a',
    );
    expect(plan.errors.map((error) => [error.row, error.code])).toEqual([
      [2, 'outside_fleet_scope'],
      [3, 'outside_fleet_scope'],
    ]);
    expect(JSON.stringify(plan.errors)).not.toContain('SN-X');
  });

  it('refuses two rows that reach the same printer', () => {
    const plan = planImport(
      [row(2, 'By serial', 'SN-1'), row(3, 'Old', null)],
      FLEETS,
      [printer('p1', 'Old', 'SN-1')],
      everywhere,
    );
    expect(plan.errors.map((error) => [error.row, error.code])).toEqual([[3, 'duplicate_printer']]);
  });
});
