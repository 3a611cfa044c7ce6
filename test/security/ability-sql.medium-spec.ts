import { randomUUID } from 'node:crypto';
import {
  accessibleWhere,
  defineAbilityFor,
  subject,
  ACTIONS,
  ROLES,
  UntranslatableConditionError,
  type Action,
  type ConditionColumns,
  type Principal,
  type SubjectType,
} from '@farmhand/authz';
import { createFarmhandDataSource } from '@farmhand/schema';
import { createTestDatabase, type TestDatabase } from '@farmhand/testing';
import type { DataSource } from 'typeorm';

const ORG = randomUUID();
const OTHER_ORG = randomUUID();
const [A, B, C] = [randomUUID(), randomUUID(), randomUUID()];
const FLEET_SETS: string[][] = [[], [A], [B], [A, B], [C], [A, C]];

interface Sample {
  id: string;
  org_id: string;
  fleet_id: string | null;
  fleet_ids: string[];
  printer_fleet_id: string | null;
}

/** Every shape of record the conditions look at: printers and fleets by fleet, jobs by fleet list, copies by both. */
function samples(): Sample[] {
  const rows: Sample[] = [];
  for (const orgId of [ORG, OTHER_ORG])
    for (const fleetIds of FLEET_SETS)
      for (const printerFleet of [null, A, B, C])
        rows.push({
          id: randomUUID(),
          org_id: orgId,
          fleet_id: printerFleet,
          fleet_ids: fleetIds,
          printer_fleet_id: printerFleet,
        });
  return rows;
}

const COLUMNS: Record<'Printer' | 'Fleet' | 'Job' | 'Copy' | 'Alert' | 'EnrollmentToken' | 'File', ConditionColumns> = {
  Printer: {
    id: { column: 's.id', type: 'uuid' },
    orgId: { column: 's.org_id', type: 'uuid' },
    fleetId: { column: 's.fleet_id', type: 'uuid' },
  },
  Fleet: { id: { column: 's.fleet_id', type: 'uuid' }, orgId: { column: 's.org_id', type: 'uuid' } },
  Job: { orgId: { column: 's.org_id', type: 'uuid' }, fleetIds: { column: 's.fleet_ids', type: 'uuid[]' } },
  Copy: {
    orgId: { column: 's.org_id', type: 'uuid' },
    printerFleetId: { column: 's.printer_fleet_id', type: 'uuid' },
    jobFleetIds: { column: 's.fleet_ids', type: 'uuid[]' },
  },
  Alert: { orgId: { column: 's.org_id', type: 'uuid' }, fleetId: { column: 's.fleet_id', type: 'uuid' } },
  EnrollmentToken: { orgId: { column: 's.org_id', type: 'uuid' }, fleetId: { column: 's.fleet_id', type: 'uuid' } },
  File: { orgId: { column: 's.org_id', type: 'uuid' } },
};

function record(type: keyof typeof COLUMNS, row: Sample): Record<string, unknown> {
  switch (type) {
    case 'Printer':
      return { id: row.id, orgId: row.org_id, fleetId: row.fleet_id };
    case 'Fleet':
      return { id: row.fleet_id, orgId: row.org_id };
    case 'Job':
      return { id: row.id, orgId: row.org_id, fleetIds: row.fleet_ids };
    case 'Copy':
      return { orgId: row.org_id, printerFleetId: row.printer_fleet_id, jobFleetIds: row.fleet_ids };
    case 'Alert':
    case 'EnrollmentToken':
      return { id: row.id, orgId: row.org_id, fleetId: row.fleet_id };
    case 'File':
      return { id: row.id, orgId: row.org_id };
  }
}

function principals(): Array<[string, Principal]> {
  const list: Array<[string, Principal]> = [];
  for (const role of ROLES)
    for (const fleetIds of [null, [A], [A, B]])
      list.push([
        `${role} ${fleetIds ? `limited to ${fleetIds.length} fleet(s)` : 'of the whole organization'}`,
        {
          kind: 'user',
          userId: 'u',
          sessionId: 's',
          email: 'u@example.test',
          orgId: ORG,
          membershipId: 'm',
          role,
          fleetIds,
        },
      ]);
  for (const fleetIds of [null, [A]])
    list.push([
      `API key ${fleetIds ? 'limited to fleet A' : 'of the whole organization'}`,
      {
        kind: 'apiKey',
        keyId: 'k',
        orgId: ORG,
        scopes: [
          'read:Printer',
          'pause:Printer',
          'read:Fleet',
          'read:Job',
          'create:Job',
          'update:Job',
          'read:File',
          'read:Alert',
          'update:Alert',
        ],
        fleetIds,
      },
    ]);
  list.push(['agent', { kind: 'agent', printerId: 'set per sample below', orgId: ORG, credentialId: 'c' }]);
  list.push(['system', { kind: 'system', orgId: ORG, reason: 'test' }]);
  return list;
}

/**
 * Lists are filtered by `accessibleWhere`, records by `ability.can`: both read the same CASL rules, and this checks
 * that they agree on every shape of record for every kind of principal, so a list never shows a row the per-record
 * check would refuse (nor hides one it allows).
 */
describe('a list never shows a row the per-record check refuses (ability → SQL)', () => {
  let database: TestDatabase;
  let dataSource: DataSource;
  const rows = samples();

  beforeAll(async () => {
    database = await createTestDatabase();
    dataSource = createFarmhandDataSource(database.url, { poolSize: 2, applicationName: 'ability-sql-test' });
    await dataSource.initialize();
    await dataSource.query(
      `CREATE TABLE ability_samples (id uuid PRIMARY KEY, org_id uuid NOT NULL, fleet_id uuid, fleet_ids uuid[] NOT NULL,
        printer_fleet_id uuid)`,
    );
    for (const row of rows)
      await dataSource.query(`INSERT INTO ability_samples VALUES ($1, $2, $3, $4, $5)`, [
        row.id,
        row.org_id,
        row.fleet_id,
        row.fleet_ids,
        row.printer_fleet_id,
      ]);
  });
  afterAll(async () => {
    await dataSource?.destroy();
    await database?.drop();
  });

  const agentPrinter = rows.find((row) => row.org_id === ORG && row.fleet_id === A)!;

  it.each(principals())('%s: the SQL filter and the per-record check agree', async (_name, given) => {
    const principal: Principal = given.kind === 'agent' ? { ...given, printerId: agentPrinter.id } : given;
    const ability = defineAbilityFor(principal);
    for (const type of Object.keys(COLUMNS) as (keyof typeof COLUMNS)[]) {
      for (const action of ACTIONS.filter((name) => name !== 'manage') as Action[]) {
        const condition = accessibleWhere(ability, action, type as SubjectType, COLUMNS[type]);
        const found: { id: string }[] = await dataSource
          .createQueryBuilder()
          .select('s.id', 'id')
          .from('ability_samples', 's')
          .where(condition.sql, condition.parameters)
          .getRawMany();
        const expected = rows
          .filter((row) => ability.can(action, subject(type, record(type, row))))
          .map((row) => row.id);
        expect({ type, action, ids: found.map((row) => row.id).sort() }).toEqual({
          type,
          action,
          ids: expected.sort(),
        });
      }
    }
  });

  it('refuses to translate a condition on a field the query does not map, instead of dropping it', () => {
    const ability = defineAbilityFor({ kind: 'agent', printerId: agentPrinter.id, orgId: ORG, credentialId: 'c' });
    expect(() => accessibleWhere(ability, 'read', 'Printer', { orgId: COLUMNS.Printer.orgId! })).toThrow(
      UntranslatableConditionError,
    );
  });

  it('gives FALSE when no rule grants the action at all', () => {
    const viewer = defineAbilityFor({
      kind: 'user',
      userId: 'u',
      sessionId: 's',
      email: 'u@example.test',
      orgId: ORG,
      membershipId: 'm',
      role: 'viewer',
      fleetIds: null,
    });
    expect(accessibleWhere(viewer, 'delete', 'Job', COLUMNS.Job)).toEqual({ sql: 'FALSE', parameters: {} });
  });
});
