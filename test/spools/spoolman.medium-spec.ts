import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createTeam, type Team, uploadGcode } from '@farmhand/factories';
import { CopiesService, SchedulerService } from '@farmhand/jobs';
import { SpoolmanStandIn, startApi, startWorker, waitFor, type ApiHarness, type RoleHarness } from '@farmhand/testing';
import { DataSource } from 'typeorm';

/**
 * Spoolman interop against a stand-in built from Spoolman's published API (test/support/spoolman-stand-in.ts):
 * who may point an organization at Spoolman and how the address and credential are guarded; spools read from it;
 * each print's usage written with `PUT /api/v1/spool/{id}/use` by the worker, retried when Spoolman is down or
 * refuses the key, and never twice when an answer is lost. The test file takes 3.7 g of PLA in 723 s.
 */
describe('spoolman', () => {
  let api: ApiHarness;
  let worker: RoleHarness;
  let team: Team;
  let other: Team;
  let dataDir: string;
  let fileId: string;
  let spoolman: SpoolmanStandIn;

  beforeAll(async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'farmhand-spoolman-'));
    const settings = { DATA_DIR: dataDir, SCHEDULER_MAX_STARTS_PER_FLEET_PER_MINUTE: '1000' };
    api = await startApi(settings);
    worker = await startWorker(settings, { api });
    [team, other] = await Promise.all([createTeam(api, 'Spoolman Farm'), createTeam(api, 'Other Farm')]);
    fileId = (await uploadGcode(team.operator.client, team.orgId)).id;
    spoolman = await new SpoolmanStandIn().start();
  });
  afterAll(async () => {
    await spoolman.stop();
    await worker.close();
    await api.close();
    await rm(dataDir, { recursive: true, force: true });
  });

  const db = () => api.app.get(DataSource);
  const config = (orgId = team.orgId) => `/api/orgs/${orgId}/spoolman`;
  const spools = (orgId = team.orgId) => `/api/orgs/${orgId}/spools`;
  const PLA_FILAMENT = {
    id: 1,
    name: 'Galaxy Black',
    material: 'PLA',
    color_hex: '1A1A1AFF',
    diameter: 1.75,
    density: 1.24,
    weight: 1000,
    price: 24.99,
    vendor: { id: 3, name: 'Prusament' },
  };
  const connect = (body: Record<string, unknown> = {}) =>
    team.admin.client.put(config(), { url: spoolman.url, allowPrivateNetwork: true, ...body });
  const auditActions = async (orgId: string) =>
    (
      (await db().query(
        `SELECT action FROM audit_entries WHERE org_id = $1 AND action LIKE 'spoolman.%' ORDER BY created_at`,
        [orgId],
      )) as { action: string }[]
    ).map((row) => row.action);

  beforeEach(async () => {
    spoolman.requireApiKey = null;
    spoolman.requireBasic = null;
    spoolman.failNext = [];
    spoolman.dropAfterUse = false;
  });

  describe('the connection', () => {
    afterEach(async () => {
      await team.admin.client.delete(config());
    });

    it('an admin points the organization at Spoolman; the key is stored encrypted and never returned; audited', async () => {
      const response = await connect({ apiKey: 'spoolman-proxy-key-1234' });
      expect(response.status).toBe(200);
      expect(response.body).toMatchObject({
        configured: true,
        url: spoolman.url,
        authKind: 'apiKey',
        hasSecret: true,
        allowPrivateNetwork: true,
        usage: { pending: 0, failed: 0, sent: 0 },
      });
      expect(JSON.stringify(response.body)).not.toContain('spoolman-proxy-key-1234');
      const [row] = (await db().query(`SELECT secret_ciphertext FROM spoolman_connections WHERE org_id = $1`, [
        team.orgId,
      ])) as { secret_ciphertext: string }[];
      expect(row!.secret_ciphertext).not.toContain('spoolman-proxy-key-1234');
      const read = await team.viewer.client.get(config());
      expect(read.status).toBe(200);
      expect(JSON.stringify(read.body)).not.toContain('spoolman-proxy-key-1234');
      const audit = await db().query(
        `SELECT details FROM audit_entries WHERE org_id = $1 AND action LIKE 'spoolman.%'`,
        [team.orgId],
      );
      expect(JSON.stringify(audit)).not.toContain('spoolman-proxy-key-1234');
      expect(await auditActions(team.orgId)).toEqual(['spoolman.connected']);
    });

    it('viewer, operator and fleet-limited operator cannot configure Spoolman', async () => {
      for (const member of [team.viewer, team.operator, team.fleetOperator]) {
        const body = { url: spoolman.url, allowPrivateNetwork: true };
        expect((await member.client.put(config(), body)).status).toBe(403);
        expect((await member.client.delete(config())).status).toBe(403);
      }
      expect((await team.viewer.client.post(`${config()}/sync`)).status).toBe(403);
      expect((await team.viewer.client.get(config())).body.configured).toBe(false);
    });

    it('cannot configure or read another organization’s Spoolman', async () => {
      const body = { url: spoolman.url, allowPrivateNetwork: true };
      expect((await team.owner.client.put(config(other.orgId), body)).status).toBe(404);
      expect((await team.owner.client.get(config(other.orgId))).status).toBe(404);
      expect((await team.owner.client.post(`${config(other.orgId)}/sync`)).status).toBe(404);
      expect(await db().query(`SELECT 1 FROM spoolman_connections WHERE org_id = $1`, [other.orgId])).toEqual([]);
    });

    it('SSRF: refuses a LAN address unless the admin allows it, and metadata addresses always', async () => {
      const lan = await team.admin.client.put(config(), { url: spoolman.url });
      expect(lan.status).toBe(400);
      expect(lan.body.error).toMatchObject({ code: 'spoolman_url_private_address', field: 'url' });
      for (const url of [
        'http://169.254.169.254/latest',
        'http://[fe80::1]:7912',
        'http://metadata.google.internal',
        'http://[::ffff:169.254.169.254]',
      ]) {
        const refused = await team.admin.client.put(config(), { url, allowPrivateNetwork: true });
        expect({ url, code: refused.body.error?.code }).toEqual({ url, code: 'spoolman_url_forbidden_address' });
      }
      const withPassword = await team.admin.client.put(config(), { url: 'https://u:p@spoolman.example.com' });
      expect(withPassword.body.error).toMatchObject({ code: 'spoolman_url_credentials', field: 'url' });
      expect(await db().query(`SELECT 1 FROM spoolman_connections WHERE org_id = $1`, [team.orgId])).toEqual([]);
    });

    it('rejects hostile text and bad fields, naming the field', async () => {
      const cases: [Record<string, unknown>, string][] = [
        [{ url: 'http://spoolman.example.com/\u0000' }, 'url'],
        [{ url: 'http://spoolman.example.com/\ud800' }, 'url'],
        [{ url: 'ftp://spoolman.example.com' }, 'url'],
        [{ url: 'x'.repeat(2049) }, 'url'],
        [{ url: 'https://spoolman.example.com', username: 'a:b', password: 'secret' }, 'username'],
        [{ url: 'https://spoolman.example.com', password: 'secret' }, 'username'],
        [{ url: 'https://spoolman.example.com', apiKey: 'k', password: 'p', username: 'u' }, 'apiKey'],
        [{ url: 'https://spoolman.example.com', allowPrivateNetwork: 'yes' }, 'allowPrivateNetwork'],
        [{ url: 'https://spoolman.example.com', apiKey: 'k\u0000' }, 'apiKey'],
      ];
      for (const [body, field] of cases) {
        const response = await team.admin.client.put(config(), body);
        expect({ field, status: response.status, error: response.body.error?.field }).toEqual({
          field,
          status: 400,
          error: field,
        });
      }
    });
  });

  describe('spools from Spoolman, usage to Spoolman', () => {
    let pla: number;
    let petg: number;

    beforeAll(async () => {
      pla = spoolman.add({ filament: PLA_FILAMENT, used_weight: 500, location: 'Shelf A', lot_nr: '52342' }).id;
      petg = spoolman.add({
        filament: { ...PLA_FILAMENT, id: 2, material: 'PETG', name: 'Signal Orange', color_hex: 'FF8000' },
        initial_weight: 750,
        used_weight: 0,
      }).id;
      expect((await team.admin.client.post(spools(), { material: 'PLA', initialGrams: 1000 })).status).toBe(201);
      expect((await connect()).status).toBe(200);
    });
    beforeEach(async () => {
      await db().query(
        `UPDATE print_copies SET state = 'cancelled' WHERE org_id = $1 AND state NOT IN ('done', 'failed', 'cancelled')`,
        [team.orgId],
      );
      await db().query(`DELETE FROM printer_beds WHERE printer_id = $1`, [team.printerA.id]);
      await db().query(
        `UPDATE printers SET state = 'operational', material = NULL, nozzle_diameter = 0.4, build_x = 250,
                          build_y = 210, build_z = 220 WHERE id = $1`,
        [team.printerA.id],
      );
    });

    const sync = async () => {
      const response = await team.operator.client.post(`${config()}/sync`);
      expect(response.status).toBe(200);
      return response.body;
    };
    const mirrorOf = async (spoolmanId: number) => {
      const list = await team.viewer.client.get(spools());
      return (list.body.items as { id: string; spoolmanId: number | null }[]).find(
        (item) => item.spoolmanId === spoolmanId,
      )!;
    };
    const pass = () => api.app.get(SchedulerService).passForOrg(team.orgId, [team.printerA.id]);
    async function print(outcome: 'done' | 'failed', afterSeconds: number) {
      expect((await team.operator.client.post(`/api/orgs/${team.orgId}/jobs`, { fileId, copies: 1 })).status).toBe(201);
      const { assigned } = await pass();
      expect(assigned).toHaveLength(1);
      const copy = assigned[0]!;
      const startedAt = new Date(Date.now() - 1000 * 1000);
      await api.app.get(CopiesService).markPrinting(team.orgId, copy.copyId, copy.attempt, startedAt);
      await api.app.get(CopiesService).onPrintEvent({
        orgId: team.orgId,
        printerId: team.printerA.id,
        eventId: `event-${copy.copyId}-${outcome}`,
        type: outcome,
        job: { copyId: copy.copyId },
        at: startedAt.getTime() + afterSeconds * 1000,
      });
      return copy;
    }
    const usageOf = async (copyId: string) =>
      (
        (await db().query(`SELECT * FROM spool_usages WHERE copy_id = $1`, [copyId])) as {
          id: string;
          grams: number;
          spoolman_state: string;
          spoolman_error: string | null;
        }[]
      )[0]!;

    it('spools are read from Spoolman (material, colour, weights, vendor, location, lot) instead of the built-in ones', async () => {
      await sync();
      const list = await team.viewer.client.get(spools());
      expect(list.body.items).toHaveLength(2);
      expect(await mirrorOf(pla)).toMatchObject({
        material: 'PLA',
        colorName: 'Galaxy Black',
        colorHex: '#1a1a1a',
        vendor: 'Prusament',
        diameterMm: 1.75,
        initialGrams: 1000,
        remainingGrams: 500,
        costCents: 2499,
        location: 'Shelf A',
        lot: '52342',
        spoolmanId: pla,
      });
      expect(await mirrorOf(petg)).toMatchObject({ material: 'PETG', initialGrams: 750, remainingGrams: 750 });
      const create = await team.admin.client.post(spools(), { material: 'PLA', initialGrams: 1000 });
      expect(create.status).toBe(409);
      expect(create.body.error.code).toBe('spoolman_manages_spools');
      const edit = await team.admin.client.patch(`${spools()}/${(await mirrorOf(pla)).id}`, { remainingGrams: 1 });
      expect(edit.body.error.code).toBe('spoolman_manages_spools');
      expect(spoolman.requests.every((request) => request.method === 'GET')).toBe(true);
    });

    it('a finished print writes use_weight to Spoolman once, for the spool loaded from the printer page', async () => {
      await sync();
      const mirror = await mirrorOf(pla);
      const loaded = await team.operator.client.post(`${spools()}/${mirror.id}/load`, { printerId: team.printerA.id });
      expect(loaded.status).toBe(200);
      const before = spoolman.used(pla);
      const uses = spoolman.uses().length;
      const copy = await print('done', 723);
      await waitFor(async () => (await usageOf(copy.copyId)).spoolman_state === 'sent', 'the usage written');
      expect(spoolman.used(pla)).toBeCloseTo(before + 3.7, 5);
      const sent = spoolman.uses().slice(uses);
      expect(sent.map((request) => [request.path, JSON.parse(request.body)])).toEqual([
        [`/api/v1/spool/${pla}/use`, { use_weight: 3.7 }],
      ]);
      expect((await team.viewer.client.get(config())).body.usage).toMatchObject({ sent: 1, failed: 0 });
    });

    it('a failed print writes its share (same proportional rule as the built-in inventory)', async () => {
      const before = spoolman.used(pla);
      const copy = await print('failed', 361.5);
      await waitFor(async () => (await usageOf(copy.copyId)).spoolman_state === 'sent', 'the usage written');
      expect((await usageOf(copy.copyId)).grams).toBeCloseTo(1.85, 5);
      expect(spoolman.used(pla)).toBeCloseTo(before + 1.85, 5);
    });

    it('Spoolman down (503) then refusing the key (401): retried with backoff, visible, written once', async () => {
      spoolman.failNext = [503, 401];
      const before = spoolman.used(pla);
      const copy = await print('done', 723);
      await waitFor(async () => (await usageOf(copy.copyId)).spoolman_error !== null, 'the first failure recorded');
      const status = (await team.viewer.client.get(config())).body;
      expect(status.lastError).toMatch(/Spoolman answered (503|401)/);
      await waitFor(async () => (await usageOf(copy.copyId)).spoolman_state === 'sent', 'the usage written');
      expect(spoolman.used(pla)).toBeCloseTo(before + 3.7, 5);
      expect((await team.viewer.client.get(config())).body.lastError).toBeNull();
    });

    it('never double-deducts when the answer to a use is lost after Spoolman applied it', async () => {
      spoolman.dropAfterUse = true;
      const before = spoolman.used(pla);
      const uses = spoolman.uses().length;
      const copy = await print('done', 723);
      await waitFor(async () => (await usageOf(copy.copyId)).spoolman_state === 'sent', 'the usage settled');
      expect(spoolman.uses().length - uses).toBe(1);
      expect(spoolman.used(pla)).toBeCloseTo(before + 3.7, 5);
    });

    it('a wrong API key: sync answers 503 naming Spoolman, and the error shows on the spools page', async () => {
      spoolman.requireApiKey = 'the-right-key';
      const response = await team.operator.client.post(`${config()}/sync`);
      expect(response.status).toBe(503);
      expect(response.body.error.code).toBe('spoolman_unavailable');
      expect((await team.viewer.client.get(config())).body.lastError).toMatch(/401/);
      expect((await connect({ apiKey: 'the-right-key' })).status).toBe(200);
      await sync();
      expect(spoolman.requests.at(-1)!.headers['x-api-key']).toBe('the-right-key');
    });

    it('a spool gone from Spoolman leaves the printer and the list at the next sync', async () => {
      await sync();
      const mirror = await mirrorOf(petg);
      await team.operator.client.post(`${spools()}/${mirror.id}/load`, { printerId: team.printerA.id, slot: 1 });
      spoolman.spools.get(petg)!.archived = true;
      await sync();
      expect(await mirrorOf(petg)).toBeUndefined();
      const [row] = await db().query(`SELECT printer_id, archived_at FROM spools WHERE id = $1`, [mirror.id]);
      expect(row).toMatchObject({ printer_id: null, archived_at: expect.any(Date) });
    });
  });
});
