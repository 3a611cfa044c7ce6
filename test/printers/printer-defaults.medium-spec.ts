import { SESSION_COOKIE } from '@farmhand/accounts';
import { createTeam, type Team } from '@farmhand/factories';
import { CSV_COLUMN_NAMES } from '@farmhand/enrollment';
import { startApi, type ApiHarness } from '@farmhand/testing';
import { DataSource } from 'typeorm';
import { claim, resetAddressLimits, startPairing } from '../enrollment/enrollment-test-helpers';

/** Defaults for new printers: per organization and per fleet, applied by pairing and CSV import, admins only. */
describe('printer defaults', () => {
  let api: ApiHarness;
  let team: Team;

  beforeAll(async () => {
    api = await startApi();
    team = await createTeam(api, 'Defaults farm');
  });
  afterAll(() => api.close());
  beforeEach(() => resetAddressLimits(api));

  const route = () => `/api/orgs/${team.orgId}/printer-defaults`;
  const printerRow = async (id: string) =>
    (
      await api.app.get(DataSource).query(`SELECT material, detection, auto_eject FROM printers WHERE id = $1`, [id])
    )[0] as { material: string | null; detection: Record<string, unknown>; auto_eject: boolean };

  it('an admin sets organization and fleet defaults; every member reads them; the change is audited', async () => {
    const organization = await team.admin.client.request('PUT', route(), {
      material: ' PETG ',
      autoPause: true,
      sensitivity: 1.1,
      frameIntervalSeconds: 20,
      bedClearGate: true,
    });
    expect(organization.status).toBe(200);
    expect(organization.body.organization).toEqual({
      material: 'PETG',
      autoPause: true,
      sensitivity: expect.closeTo(1.1, 5),
      frameIntervalSeconds: 20,
      bedClearGate: true,
    });
    const fleet = await team.admin.client.request('PUT', `${route()}/fleets/${team.fleetB}`, {
      material: 'ASA',
      bedClearGate: false,
    });
    expect(fleet.body.fleets).toEqual([
      {
        fleetId: team.fleetB,
        material: 'ASA',
        autoPause: null,
        sensitivity: null,
        frameIntervalSeconds: null,
        bedClearGate: false,
      },
    ]);
    for (const member of [team.viewer, team.operator, team.fleetOperator]) {
      const read = await member.client.get(route());
      expect(read.status).toBe(200);
      expect(read.body.organization.material).toBe('PETG');
    }
    const log = await team.owner.client.get(`/api/orgs/${team.orgId}/audit?action=printerDefaults.updated`);
    expect(log.body.entries).toHaveLength(2);
  });

  it('a pairing takes the defaults, a fleet’s beating the organization’s, and keeps what the claim sets', async () => {
    const claimIn = async (fleetId: string, name: string, extra: Record<string, unknown> = {}) => {
      const pairing = await startPairing(api.client());
      const claimed = await claim(team.admin.client, team.orgId, {
        userCode: pairing.userCode,
        name,
        fleetId,
        ...extra,
      });
      expect(claimed.status).toBe(201);
      return printerRow(claimed.body.printerId as string);
    };
    expect(await claimIn(team.fleetA, 'Paired A')).toEqual({
      material: 'PETG',
      detection: { autoPause: true, sensitivity: expect.closeTo(1.1, 5), frameIntervalSeconds: 20 },
      auto_eject: false,
    });
    expect(await claimIn(team.fleetB, 'Paired B')).toMatchObject({ material: 'ASA', auto_eject: true });
    expect(await claimIn(team.fleetB, 'Paired B own', { material: 'PLA' })).toMatchObject({ material: 'PLA' });
  });

  it('a CSV import takes the defaults per fleet, and keeps the material its rows name', async () => {
    const row = (name: string, fleet: string, material: string) => {
      const values: Record<string, string> = {
        name,
        fleet,
        model: 'Prusa MK4',
        nozzle_diameter: '0.4',
        build_x: '250',
        build_y: '210',
        build_z: '220',
        material,
      };
      return CSV_COLUMN_NAMES.map((column) => values[column] ?? '').join(',');
    };
    const csv = [CSV_COLUMN_NAMES.join(','), row('Csv-A', 'Fleet A', ''), row('Csv-B', 'Fleet B', 'PLA')].join('\r\n');
    const response = await fetch(`${api.url}/api/orgs/${team.orgId}/enrollment/imports?mode=commit`, {
      method: 'POST',
      headers: {
        'content-type': 'text/csv',
        cookie: `${SESSION_COOKIE}=${team.admin.client.cookie(SESSION_COOKIE)}`,
      },
      body: `${csv}\r\n`,
    });
    if (response.status !== 200) throw new Error(`import refused: ${await response.text()}`);
    const ids = (await api.app
      .get(DataSource)
      .query(`SELECT id, name FROM printers WHERE org_id = $1 AND name LIKE 'Csv-%' ORDER BY name`, [team.orgId])) as {
      id: string;
    }[];
    expect(await printerRow(ids[0]!.id)).toEqual({
      material: 'PETG',
      detection: { autoPause: true, sensitivity: expect.closeTo(1.1, 5), frameIntervalSeconds: 20 },
      auto_eject: false,
    });
    expect(await printerRow(ids[1]!.id)).toMatchObject({ material: 'PLA', auto_eject: true });
  });

  it('operator, viewer and fleet-limited operator cannot change the defaults; another organization does not see them', async () => {
    for (const member of [team.operator, team.viewer, team.fleetOperator]) {
      expect((await member.client.request('PUT', route(), { autoPause: false })).status).toBe(403);
      expect(
        (await member.client.request('PUT', `${route()}/fleets/${team.fleetA}`, { autoPause: false })).status,
      ).toBe(403);
    }
    const other = await createTeam(api, 'Other defaults farm');
    expect((await other.owner.client.get(route())).status).toBe(404);
    const wrongFleet = await team.admin.client.request('PUT', `${route()}/fleets/${other.fleetA}`, { material: 'PLA' });
    expect(wrongFleet.status).toBe(404);
    expect(wrongFleet.body.error.code).toBe('fleet_not_found');
    expect((await team.viewer.client.get(route())).body.organization.autoPause).toBe(true);
  });

  it('refuses bad and hostile values naming the field', async () => {
    const cases: [Record<string, unknown>, string][] = [
      [{ material: 'PLA\u0000' }, 'material'],
      [{ material: 'lone \ud800' }, 'material'],
      [{ material: '<script>' }, 'material'],
      [{ sensitivity: 3 }, 'sensitivity'],
      [{ frameIntervalSeconds: 1 }, 'frameIntervalSeconds'],
      [{ autoPause: 'yes' }, 'autoPause'],
      [{ bedClearGate: 1 }, 'bedClearGate'],
      [{}, 'material'],
      [
        { material: null, autoPause: null, sensitivity: null, frameIntervalSeconds: null, bedClearGate: null },
        'material',
      ],
    ];
    for (const [body, field] of cases) {
      const response = await team.admin.client.request('PUT', route(), body);
      expect(response.status).toBe(400);
      expect(JSON.stringify(response.body.error)).toContain(field);
    }
    expect((await team.admin.client.get(route())).body.organization.material).toBe('PETG');
  });
});
