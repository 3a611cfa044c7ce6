import { randomUUID } from 'node:crypto';
import { FleetDirectory, type Fleet } from '@farmhand/accounts';
import type { Role } from '@farmhand/authz';
import { DomainException } from '@farmhand/core';
import { EnrolledPrintersRepository, type ExistingPrinter, type NewPrinter } from '@farmhand/printers';
import { memberPrincipal, newTestService, withAbility } from '@farmhand/testing/unit';
import { sha256Hex } from '../codes/secret-hash';
import { EnrollmentTokensRepository, type NewEnrollmentToken } from '../tokens/enrollment-tokens.repository';
import { EnrollmentImportsService, type CommitResult, type DryRunReport } from './enrollment-imports.service';
import { ImportProgressStore } from './import-progress.store';

const ORG = randomUUID();
const FLEET_A = { id: randomUUID(), name: 'Fleet A' };
const FLEET_B = { id: randomUUID(), name: 'Fleet B' };
const HEADER = 'name,fleet,model,serial,nozzle_diameter,build_x,build_y,build_z';

function csv(...rows: string[]): Buffer {
  return Buffer.from([HEADER, ...rows].join('\n') + '\n');
}

/**
 * Bulk CSV enrollment's rules without Postgres: which rows create and which update printers, that a commit is all or
 * nothing, one single-use token per printer bound to it, and re-imports retiring the previous sheet.
 */
describe('EnrollmentImportsService', () => {
  let setup: ReturnType<typeof newTestService<typeof EnrollmentImportsService>>;
  let existing: ExistingPrinter[];
  let inserted: NewPrinter[];
  let updated: Array<NewPrinter & { id: string }>;
  let tokens: NewEnrollmentToken[];

  beforeEach(() => {
    existing = [];
    inserted = [];
    updated = [];
    tokens = [];
    setup = newTestService(EnrollmentImportsService);
    setup.mock(ImportProgressStore).save.mockResolvedValue(undefined);
    // The repository filters fleets by the caller's `enroll Printer` rule in SQL; this organization's are A and B.
    setup.mock(FleetDirectory).list.mockResolvedValue([FLEET_A, FLEET_B] as Fleet[]);
    const printers = setup.mock(EnrolledPrintersRepository);
    printers.findBySerialsOrNames.mockImplementation(async () => existing);
    printers.insertMany.mockImplementation(async (_manager, _orgId, rows) => {
      inserted.push(...rows);
      return new Map(rows.map((row) => [row.name, randomUUID()]));
    });
    printers.updateMany.mockImplementation(async (_manager, _orgId, rows) => {
      updated.push(...rows);
    });
    const tokenRows = setup.mock(EnrollmentTokensRepository);
    tokenRows.insertMany.mockImplementation(async (_manager, rows) => {
      tokens.push(...rows);
    });
    tokenRows.revokeUnusedForPrinters.mockResolvedValue(0);
  });

  function run(file: Buffer, mode: 'dry-run' | 'commit', role: Role = 'admin', fleetIds: string[] | null = null) {
    const { principal, ability } = withAbility(memberPrincipal(ORG, role, { fleetIds }));
    return setup.sut.run(principal, ability, ORG, file, { mode, tokenLifetimeHours: 48 });
  }
  const code = (error: unknown) => (error instanceof DomainException ? error.code : error);

  it('a dry run reports what a commit would create and update, and writes nothing', async () => {
    existing = [{ id: randomUUID(), name: 'Old name', serial: 'SN-1', fleetId: FLEET_A.id }];
    const report = (await run(
      csv('Prusa-01,Fleet A,MK4,SN-1,0.4,250,210,220', 'Prusa-02,Fleet B,MK4,,0.4,250,210,220'),
      'dry-run',
    )) as DryRunReport;

    expect(report).toMatchObject({
      mode: 'dry-run',
      valid: true,
      summary: { rows: 2, valid: 2, invalid: 0, create: 1, update: 1 },
      errors: [],
    });
    expect(report.rows.map((row) => [row.name, row.action, row.printerId])).toEqual([
      ['Prusa-01', 'update', existing[0]!.id],
      ['Prusa-02', 'create', null],
    ]);
    expect([inserted, updated, tokens]).toEqual([[], [], []]);
  });

  it('a commit creates and updates printers and gives each one single-use token bound to it', async () => {
    const kept = { id: randomUUID(), name: 'Prusa-01', serial: 'SN-KEPT', fleetId: FLEET_A.id };
    existing = [kept];
    const before = Date.now();
    const result = (await run(
      // The first row has no serial: it matches by name and keeps the serial the printer has.
      csv('Prusa-01,Fleet B,MK4S,,0.4,250,210,220', 'Voron-01,Fleet A,Voron 2.4,SN-2,0.6,350,350,340'),
      'commit',
    )) as CommitResult;

    expect(result).toMatchObject({ mode: 'commit', created: 1, updated: 1 });
    expect(updated).toEqual([expect.objectContaining({ id: kept.id, fleetId: FLEET_B.id, serial: 'SN-KEPT' })]);
    expect(inserted).toEqual([expect.objectContaining({ name: 'Voron-01', fleetId: FLEET_A.id, serial: 'SN-2' })]);

    const voron = result.printers.find((printer) => printer.name === 'Voron-01')!;
    expect(result.printers.map((printer) => [printer.name, printer.action, printer.fleet, printer.serial])).toEqual([
      ['Prusa-01', 'update', 'Fleet B', 'SN-KEPT'],
      ['Voron-01', 'create', 'Fleet A', 'SN-2'],
    ]);
    expect(tokens).toHaveLength(2);
    for (const printer of result.printers) {
      const token = tokens.find((row) => row.printerId === printer.printerId)!;
      expect(token).toMatchObject({ orgId: ORG, uses: 1, source: 'import' });
      // Stored hashed, found by its clear id; the sheet carries the only copy of the secret.
      expect(token.tokenHash).toBe(sha256Hex(printer.token));
      expect(printer.token).toMatch(new RegExp(`^fh_enr_${token.id}_`));
      expect(JSON.stringify(token)).not.toContain(printer.token);
    }
    expect(tokens.find((row) => row.printerId === voron.printerId)!.fleetId).toBe(FLEET_A.id);
    const lifetime = voron.expiresAt.getTime() - before;
    expect(lifetime).toBeGreaterThanOrEqual(48 * 3600 * 1000);
    expect(lifetime).toBeLessThan(48 * 3600 * 1000 + 60_000);
  });

  it('a re-import retires the unused tokens of the printers it updates, and only theirs', async () => {
    const kept = { id: randomUUID(), name: 'Prusa-01', serial: 'SN-1', fleetId: FLEET_A.id };
    existing = [kept];
    await run(csv('Prusa-01,Fleet A,MK4,SN-1,0.4,250,210,220', 'Prusa-02,Fleet A,MK4,SN-2,0.4,250,210,220'), 'commit');
    expect(setup.mock(EnrollmentTokensRepository).revokeUnusedForPrinters).toHaveBeenCalledWith(expect.anything(), [
      kept.id,
    ]);
  });

  it('refuses the whole file when one row is wrong, writing nothing', async () => {
    const refused = await run(
      csv('Prusa-01,Fleet A,MK4,SN-1,0.4,250,210,220', 'Prusa-02,No such fleet,MK4,SN-2,0.4,250,210,220'),
      'commit',
    ).catch((error: unknown) => error);
    expect(refused).toBeInstanceOf(DomainException);
    expect(refused).toMatchObject({
      code: 'invalid_csv',
      details: { errors: [expect.objectContaining({ row: 3 })] },
    });
    expect([inserted, updated, tokens]).toEqual([[], [], []]);
  });

  it('an admin limited to fleet A cannot take over a printer of fleet B by naming its serial', async () => {
    existing = [{ id: randomUUID(), name: 'Theirs', serial: 'SN-B', fleetId: FLEET_B.id }];
    const report = (await run(csv('Mine now,Fleet A,MK4,SN-B,0.4,250,210,220'), 'dry-run', 'admin', [
      FLEET_A.id,
    ])) as DryRunReport;
    expect(report.valid).toBe(false);
    expect(report.errors).toEqual([expect.objectContaining({ row: 2, code: 'outside_fleet_scope' })]);
    await expect(
      run(csv('Mine now,Fleet A,MK4,SN-B,0.4,250,210,220'), 'commit', 'admin', [FLEET_A.id]).catch(code),
    ).resolves.toBe('invalid_csv');
    expect(updated).toEqual([]);
  });

  it('a printer added by someone else while the import ran is a conflict to retry, not a server error', async () => {
    setup
      .mock(EnrolledPrintersRepository)
      .insertMany.mockRejectedValue(
        Object.assign(new Error('duplicate'), { code: '23505', constraint: 'printers_org_name_unique' }),
      );
    await expect(run(csv('Prusa-01,Fleet A,MK4,SN-1,0.4,250,210,220'), 'commit').catch(code)).resolves.toBe(
      'import_conflict',
    );
  });
});
