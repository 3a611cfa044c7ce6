import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createTeam, type Team, uploadGcode } from '@farmhand/factories';
import { CopiesService, SchedulerService } from '@farmhand/jobs';
import { startApi, waitFor, type ApiHarness, type HttpClient } from '@farmhand/testing';
import { DataSource } from 'typeorm';

/**
 * The spool inventory over HTTP (who may create, edit, load; wrong organization, wrong fleet, hostile text, bad
 * numbers), and what spools change in the queue: the scheduler refuses a printer whose spool lacks the file's
 * filament, and a print's end takes its filament from the spool (all of it when done, in proportion when not).
 * The test file says 3.7 g of PLA and 12 min 3 s (723 s) per print (test/factories/gcode-file.factory.ts).
 */
describe('spools', () => {
  let api: ApiHarness;
  let team: Team;
  let other: Team;
  let dataDir: string;
  let fileId: string;

  beforeAll(async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'farmhand-spools-'));
    api = await startApi({ DATA_DIR: dataDir, SCHEDULER_MAX_STARTS_PER_FLEET_PER_MINUTE: '1000' });
    [team, other] = await Promise.all([createTeam(api, 'Spool Farm'), createTeam(api, 'Other Farm')]);
    fileId = (await uploadGcode(team.operator.client, team.orgId)).id;
  });
  afterAll(async () => {
    await api.close();
    await rm(dataDir, { recursive: true, force: true });
  });

  const db = () => api.app.get(DataSource);
  const base = (orgId = team.orgId) => `/api/orgs/${orgId}/spools`;
  const PLA = {
    material: 'PLA',
    colorName: 'Galaxy Black',
    colorHex: '#1A1A1A',
    vendor: 'Prusament',
    initialGrams: 1000,
  };

  async function createSpool(
    body: Record<string, unknown> = PLA,
    client: HttpClient = team.admin.client,
    orgId = team.orgId,
  ) {
    const response = await client.post(base(orgId), body);
    expect(response.status).toBe(201);
    return response.body as { id: string; remainingGrams: number };
  }
  const spoolRow = async (id: string) =>
    (await db().query(`SELECT remaining_grams, printer_id, slot FROM spools WHERE id = $1`, [id]))[0] as {
      remaining_grams: number;
      printer_id: string | null;
      slot: number | null;
    };
  const auditActions = async (id: string) =>
    (
      (await db().query(
        `SELECT action FROM audit_entries WHERE subject_type = 'Spool' AND subject_id = $1 ORDER BY created_at`,
        [id],
      )) as { action: string }[]
    ).map((row) => row.action);

  beforeEach(async () => {
    await db().query(`UPDATE spools SET printer_id = NULL, slot = NULL WHERE org_id = ANY($1)`, [
      [team.orgId, other.orgId],
    ]);
  });

  describe('inventory', () => {
    it('an admin creates a spool with its colour, cost and lot; members read it; the change is audited', async () => {
      const created = await team.admin.client.post(base(), {
        ...PLA,
        remainingGrams: 820.5,
        costCents: 2499,
        location: 'Shelf B2',
        lot: ' 2024-11-A ',
      });
      expect(created.status).toBe(201);
      expect(created.body).toEqual({
        id: expect.any(String),
        material: 'PLA',
        colorName: 'Galaxy Black',
        colorHex: '#1a1a1a',
        vendor: 'Prusament',
        diameterMm: 1.75,
        initialGrams: 1000,
        remainingGrams: 820.5,
        costCents: 2499,
        location: 'Shelf B2',
        lot: '2024-11-A',
        lowStockGrams: 100,
        lowStock: false,
        printerId: null,
        slot: null,
        loadedAt: null,
        archivedAt: null,
        createdAt: expect.any(String),
        spoolmanId: null,
      });
      const read = await team.viewer.client.get(`${base()}/${created.body.id}`);
      expect(read.status).toBe(200);
      expect(read.body).toEqual(created.body);
      const list = await team.fleetOperator.client.get(base());
      expect(list.body.items.map((spool: { id: string }) => spool.id)).toContain(created.body.id);
      expect(await auditActions(created.body.id)).toEqual(['spool.created']);
    });

    it('viewer cannot create, edit or archive a spool; operator cannot edit its cost', async () => {
      const spool = await createSpool();
      expect((await team.viewer.client.post(base(), PLA)).status).toBe(403);
      expect((await team.operator.client.post(base(), PLA)).status).toBe(403);
      expect((await team.viewer.client.patch(`${base()}/${spool.id}`, { costCents: 1 })).status).toBe(403);
      expect((await team.operator.client.patch(`${base()}/${spool.id}`, { costCents: 1 })).status).toBe(403);
      expect((await team.fleetOperator.client.delete(`${base()}/${spool.id}`)).status).toBe(403);
      const patched = await team.admin.client.patch(`${base()}/${spool.id}`, { costCents: 1999, remainingGrams: 640 });
      expect(patched.status).toBe(200);
      expect(patched.body).toMatchObject({ costCents: 1999, remainingGrams: 640 });
      expect(await auditActions(spool.id)).toEqual(['spool.created', 'spool.updated']);
    });

    it('another organization’s spool does not exist for the caller', async () => {
      const theirs = await createSpool(PLA, other.admin.client, other.orgId);
      for (const response of [
        await team.owner.client.get(`${base()}/${theirs.id}`),
        await team.owner.client.patch(`${base()}/${theirs.id}`, { costCents: 1 }),
        await team.owner.client.delete(`${base()}/${theirs.id}`),
        await team.owner.client.post(`${base()}/${theirs.id}/load`, { printerId: team.printerA.id }),
        await team.owner.client.get(`${base()}/${theirs.id}/usage`),
      ])
        expect(response.body.error?.code).toBe('spool_not_found');
      expect((await team.owner.client.get(base(other.orgId))).status).toBe(404);
      expect((await spoolRow(theirs.id)).printer_id).toBeNull();
    });

    it('rejects hostile text and bad numbers, naming the field', async () => {
      const cases: [Record<string, unknown>, string][] = [
        [{ ...PLA, material: '<script>alert(1)</script>' }, 'material'],
        [{ ...PLA, material: "PLA'; DROP TABLE spools;--" }, 'material'],
        [{ ...PLA, colorHex: 'red' }, 'colorHex'],
        [{ ...PLA, colorHex: '#12345g' }, 'colorHex'],
        [{ ...PLA, initialGrams: -5 }, 'initialGrams'],
        [{ ...PLA, initialGrams: 1e9 }, 'initialGrams'],
        [{ ...PLA, initialGrams: '1000' }, 'initialGrams'],
        [{ ...PLA, costCents: 12.5 }, 'costCents'],
        [{ ...PLA, diameterMm: 0 }, 'diameterMm'],
        [{ ...PLA, vendor: 'x'.repeat(81) }, 'vendor'],
      ];
      for (const [body, field] of cases) {
        const response = await team.admin.client.post(base(), body);
        expect({ field, status: response.status, error: response.body.error?.field }).toEqual({
          field,
          status: 400,
          error: field,
        });
      }
      const tooMuch = await team.admin.client.post(base(), { ...PLA, remainingGrams: 1001 });
      expect(tooMuch.status).toBe(400);
      expect(tooMuch.body.error).toMatchObject({ code: 'spool_weight_invalid', field: 'remainingGrams' });
      expect((await team.admin.client.get(`${base()}/not-a-uuid`)).status).toBe(400);
      expect((await team.admin.client.get(`${base()}?limit=100000`)).status).toBe(400);
    });

    it('an archived spool leaves its printer and the list, and cannot be loaded again', async () => {
      const spool = await createSpool();
      await team.operator.client.post(`${base()}/${spool.id}/load`, { printerId: team.printerA.id });
      expect((await team.admin.client.delete(`${base()}/${spool.id}`)).status).toBe(204);
      expect(await spoolRow(spool.id)).toMatchObject({ printer_id: null });
      const list = await team.admin.client.get(base());
      expect(list.body.items.map((item: { id: string }) => item.id)).not.toContain(spool.id);
      const reload = await team.operator.client.post(`${base()}/${spool.id}/load`, { printerId: team.printerA.id });
      expect(reload.status).toBe(409);
      expect(reload.body.error.code).toBe('spool_archived');
    });
  });

  describe('loading', () => {
    it('an operator loads a spool in a slot; a second spool in that slot takes its place; both audited', async () => {
      const first = await createSpool();
      const second = await createSpool({ ...PLA, colorHex: '#ff8000' });
      const loaded = await team.operator.client.post(`${base()}/${first.id}/load`, {
        printerId: team.printerA.id,
        slot: 2,
      });
      expect(loaded.status).toBe(200);
      expect(loaded.body).toMatchObject({ printerId: team.printerA.id, slot: 2, loadedAt: expect.any(String) });
      const swapped = await team.operator.client.post(`${base()}/${second.id}/load`, {
        printerId: team.printerA.id,
        slot: 2,
      });
      expect(swapped.status).toBe(200);
      expect(await spoolRow(first.id)).toMatchObject({ printer_id: null });
      expect(await spoolRow(second.id)).toMatchObject({ printer_id: team.printerA.id, slot: 2 });
      expect(await auditActions(first.id)).toEqual(['spool.created', 'spool.loaded', 'spool.unloaded']);
      const onPrinter = await team.viewer.client.get(`${base()}?printerId=${team.printerA.id}`);
      expect(onPrinter.body.items.map((item: { id: string }) => item.id)).toEqual([second.id]);
      const unloaded = await team.operator.client.post(`${base()}/${second.id}/unload`);
      expect(unloaded.status).toBe(200);
      expect(unloaded.body).toMatchObject({ printerId: null, slot: null });
    });

    it('viewer cannot load a spool', async () => {
      const spool = await createSpool();
      const response = await team.viewer.client.post(`${base()}/${spool.id}/load`, { printerId: team.printerA.id });
      expect(response.status).toBe(403);
      expect(await spoolRow(spool.id)).toMatchObject({ printer_id: null });
    });

    it('fleet-limited operator cannot load a spool on another fleet’s printer, nor unload one there', async () => {
      const spool = await createSpool();
      const refused = await team.fleetOperator.client.post(`${base()}/${spool.id}/load`, {
        printerId: team.printerB.id,
      });
      expect(refused.status).toBe(404);
      expect(refused.body.error.code).toBe('printer_not_found');
      expect(await spoolRow(spool.id)).toMatchObject({ printer_id: null });
      await team.operator.client.post(`${base()}/${spool.id}/load`, { printerId: team.printerB.id });
      expect((await team.fleetOperator.client.post(`${base()}/${spool.id}/unload`)).status).toBe(404);
      expect(await spoolRow(spool.id)).toMatchObject({ printer_id: team.printerB.id });
      const own = await team.fleetOperator.client.post(`${base()}/${spool.id}/load`, { printerId: team.printerA.id });
      expect(own.status).toBe(200);
    });

    it('cannot load a spool on another organization’s printer', async () => {
      const spool = await createSpool();
      const response = await team.owner.client.post(`${base()}/${spool.id}/load`, { printerId: other.printerA.id });
      expect(response.status).toBe(404);
      expect(response.body.error.code).toBe('printer_not_found');
      const badSlot = await team.owner.client.post(`${base()}/${spool.id}/load`, {
        printerId: team.printerA.id,
        slot: 99,
      });
      expect(badSlot.status).toBe(400);
    });
  });

  describe('the queue', () => {
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
      expect((await team.operator.client.post(`/api/orgs/${team.orgId}/jobs`, { fileId, copies: 1 })).status).toBe(201);
    });
    const pass = () => api.app.get(SchedulerService).passForOrg(team.orgId, [team.printerA.id]);

    it('the scheduler refuses a copy whose spool has less filament left than the file needs', async () => {
      const nearlyEmpty = await createSpool({ ...PLA, remainingGrams: 3.5 });
      await team.operator.client.post(`${base()}/${nearlyEmpty.id}/load`, { printerId: team.printerA.id });
      expect((await pass()).assigned).toEqual([]);

      // Another material with plenty left in the next slot: still no.
      const petg = await createSpool({ ...PLA, material: 'PETG' });
      await team.operator.client.post(`${base()}/${petg.id}/load`, { printerId: team.printerA.id, slot: 1 });
      expect((await pass()).assigned).toEqual([]);

      await team.admin.client.patch(`${base()}/${nearlyEmpty.id}`, { remainingGrams: 4 });
      expect((await pass()).assigned).toHaveLength(1);
    });

    async function startPrint(startedSecondsAgo: number) {
      const { assigned } = await pass();
      expect(assigned).toHaveLength(1);
      const copy = assigned[0]!;
      const startedAt = new Date(Date.now() - startedSecondsAgo * 1000);
      expect(await api.app.get(CopiesService).markPrinting(team.orgId, copy.copyId, copy.attempt, startedAt)).toBe(
        true,
      );
      return { ...copy, startedAt };
    }
    async function endPrint(
      copy: { copyId: string; startedAt: Date },
      type: 'done' | 'failed' | 'cancelled',
      afterSeconds: number,
    ) {
      await api.app.get(CopiesService).onPrintEvent({
        orgId: team.orgId,
        printerId: team.printerA.id,
        eventId: `event-${copy.copyId}-${type}`,
        type,
        job: { copyId: copy.copyId },
        at: copy.startedAt.getTime() + afterSeconds * 1000,
      });
    }
    const usage = async (spoolId: string) => (await team.viewer.client.get(`${base()}/${spoolId}/usage`)).body.items;

    it('a finished print takes the file’s grams from the spool, once, with a usage record', async () => {
      const spool = await createSpool({ ...PLA, remainingGrams: 500 });
      await team.operator.client.post(`${base()}/${spool.id}/load`, { printerId: team.printerA.id });
      const copy = await startPrint(800);
      await endPrint(copy, 'done', 723);
      await endPrint(copy, 'done', 723); // a duplicate event changes nothing
      expect((await spoolRow(spool.id)).remaining_grams).toBeCloseTo(496.3, 3);
      expect(await usage(spool.id)).toEqual([
        expect.objectContaining({
          copyId: copy.copyId,
          attempt: copy.attempt,
          grams: 3.7,
          fraction: 1,
          outcome: 'done',
        }),
      ]);
    });

    it('a failed print takes filament in proportion to how far it got', async () => {
      const spool = await createSpool({ ...PLA, remainingGrams: 500 });
      await team.operator.client.post(`${base()}/${spool.id}/load`, { printerId: team.printerA.id });
      const copy = await startPrint(400);
      await endPrint(copy, 'failed', 361.5); // half of the 723 s estimate
      const [record] = await usage(spool.id);
      expect(record).toMatchObject({ outcome: 'failed', grams: 1.85 });
      expect(record.fraction).toBeCloseTo(0.5, 3);
      expect((await spoolRow(spool.id)).remaining_grams).toBeCloseTo(498.15, 3);
    });

    it('a print that takes a spool under its low-stock mark sends spool.low_stock to webhooks, once', async () => {
      const webhook = await team.owner.client.post(`/api/orgs/${team.orgId}/webhooks`, {
        url: 'https://hooks.example.com/farmhand/spools',
        events: ['spool.low_stock'],
      });
      expect(webhook.status).toBe(201);
      const spool = await createSpool({ ...PLA, remainingGrams: 102, lowStockGrams: 100 });
      await team.operator.client.post(`${base()}/${spool.id}/load`, { printerId: team.printerA.id });
      const copy = await startPrint(800);
      await endPrint(copy, 'done', 723);
      const deliveries = async () =>
        (await db().query(`SELECT event, payload FROM webhook_deliveries WHERE webhook_id = $1`, [
          webhook.body.id,
        ])) as {
          event: string;
          payload: { data: Record<string, unknown> };
        }[];
      await waitFor(async () => (await deliveries()).length === 1, 'the low-stock delivery');
      const [delivery] = await deliveries();
      expect(delivery!.event).toBe('spool.low_stock');
      expect(JSON.stringify(delivery!.payload)).toContain(spool.id);
      expect((await team.viewer.client.get(`${base()}/${spool.id}`)).body).toMatchObject({ lowStock: true });
    });

    it('a print cancelled before it started takes nothing', async () => {
      const spool = await createSpool({ ...PLA, remainingGrams: 500 });
      await team.operator.client.post(`${base()}/${spool.id}/load`, { printerId: team.printerA.id });
      const copy = await startPrint(10);
      await endPrint(copy, 'cancelled', 0);
      expect(await usage(spool.id)).toEqual([]);
      expect((await spoolRow(spool.id)).remaining_grams).toBe(500);
    });
  });
});
