import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createLogger } from '@farmhand/core';
import { createTeam, insertPrinter, type Team, uploadGcode, uploadRaw } from '@farmhand/factories';
import { FilesService } from '@farmhand/files';
import { CopiesService, DispatchJobs, SchedulerService, type LivePrint, type PrinterLink } from '@farmhand/jobs';
import { startApi, type ApiHarness } from '@farmhand/testing';
import { DataSource } from 'typeorm';
import { sampleBgcode, sampleThreeMf } from '@farmhand/files';
import { SpoolDirectory } from '@farmhand/spools';

/** The dispatch command as the agent would receive it. */
class RecordingAgent implements PrinterLink {
  readonly commands: Array<{ printerId: string; args: Record<string, unknown> }> = [];
  async onlineAmong(ids: string[]) {
    return new Set(ids);
  }
  async live(): Promise<LivePrint> {
    return { online: true, state: 'operational', copyId: null, fileName: null, sha256: null };
  }
  async execute(_principal: unknown, _orgId: string, printerId: string, command: { args?: unknown }) {
    this.commands.push({ printerId, args: command.args as Record<string, unknown> });
    return { printing: true };
  }
}

/** Issue 14 point 5: files carry their format, jobs match only printers that print it, Bambu gets plate and AMS. */
describe('print file formats in the library and the queue', () => {
  let api: ApiHarness;
  let team: Team;
  let dataDir: string;
  const printers: Record<'octoprint' | 'prusa' | 'bambu', string> = { octoprint: '', prusa: '', bambu: '' };

  beforeAll(async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'farmhand-formats-'));
    api = await startApi({ DATA_DIR: dataDir, SCHEDULER_MAX_STARTS_PER_FLEET_PER_MINUTE: '1000' });
    team = await createTeam(api);
    printers.octoprint = team.printerA.id;
    printers.prusa = (await insertPrinter(api, team.orgId, team.fleetA, { name: 'MK4S' })).id;
    printers.bambu = (await insertPrinter(api, team.orgId, team.fleetA, { name: 'P1S' })).id;
    // What each agent announced in its hello (upload.<format> capabilities), and the models the operator entered.
    const set = `UPDATE printers SET state = 'operational', upload_formats = $2, model = $3, nozzle_diameter = 0.4,
                        build_x = 250, build_y = 210, build_z = 220 WHERE id = $1`;
    await db().query(set, [printers.octoprint, ['gcode'], 'Ender-3']);
    await db().query(set, [printers.prusa, ['bgcode', 'gcode'], 'Original Prusa MK4S']);
    await db().query(set, [printers.bambu, ['3mf'], 'P1S']);
  });
  afterAll(async () => {
    await api.close();
    await rm(dataDir, { recursive: true, force: true });
  });

  const db = () => api.app.get(DataSource);
  const jobs = (path = '') => `/api/orgs/${team.orgId}/jobs${path}`;
  const cancelAll = () =>
    db().query(`UPDATE print_copies SET state = 'cancelled' WHERE org_id = $1 AND state <> 'done'`, [team.orgId]);
  const pass = async () =>
    (await api.app.get(SchedulerService).passForOrg(team.orgId, Object.values(printers))).assigned;

  it('stores a .bgcode and a .3mf with their metadata, and refuses a .3mf that holds no sliced plate', async () => {
    const bgcode = await uploadRaw(team.operator.client, team.orgId, sampleBgcode(), 'benchy.bgcode');
    expect(bgcode.status).toBe(201);
    expect(bgcode.body.file.name).toBe('benchy.bgcode');
    const threeMf = await uploadRaw(team.operator.client, team.orgId, sampleThreeMf(), 'plate.gcode.3mf');
    expect(threeMf.status).toBe(201);
    const unsliced = await uploadRaw(team.operator.client, team.orgId, sampleThreeMf({ sliced: [] }), 'x.3mf');
    expect(unsliced.status).toBe(400);
    expect(unsliced.body.error).toMatchObject({ code: 'not_gcode', field: 'file' });
    const gcodeNamedBgcode = await uploadRaw(team.operator.client, team.orgId, 'G28\nG1 X1\n', 'fake.bgcode');
    expect(gcodeNamedBgcode.status).toBe(400);
    const rows: Array<{ name: string; metadata: Record<string, unknown> }> = await db().query(
      `SELECT name, metadata FROM gcode_files WHERE org_id = $1 AND name IN ('benchy.bgcode', 'plate.gcode.3mf')`,
      [team.orgId],
    );
    const byName = Object.fromEntries(rows.map((row) => [row.name, row.metadata]));
    expect(byName['benchy.bgcode']).toMatchObject({ format: 'bgcode', printerModel: 'MK4S', material: 'PETG' });
    expect(byName['plate.gcode.3mf']).toMatchObject({
      format: '3mf',
      printerModel: 'Bambu Lab P1S',
      plates: [expect.objectContaining({ index: 1, sliced: true }), expect.objectContaining({ index: 2 })],
    });
  });

  it('a .bgcode goes only to the Prusa Link printer, a .3mf only to the Bambu, G-code not to the Bambu', async () => {
    await cancelAll();
    const bgcode = (await uploadRaw(team.operator.client, team.orgId, sampleBgcode({ time: '2h' }), 'b.bgcode')).body;
    const created = await team.operator.client.post(jobs(), { fileId: bgcode.file.id, copies: 3 });
    expect(created.status).toBe(201);
    expect(created.body.requirements).toMatchObject({
      fileFormat: 'bgcode',
      printerModel: 'MK4S',
      anyPrinterKind: false,
    });
    let assigned = await pass();
    expect(assigned.map((copy) => copy.printerId)).toEqual([printers.prusa]);

    await cancelAll();
    const threeMf = (await uploadRaw(team.operator.client, team.orgId, sampleThreeMf({ plates: 3 }), 'p.3mf')).body;
    await team.operator.client.post(jobs(), { fileId: threeMf.file.id, copies: 3 });
    assigned = await pass();
    expect(assigned.map((copy) => copy.printerId)).toEqual([printers.bambu]);

    await cancelAll();
    const gcode = await uploadGcode(team.operator.client, team.orgId, {}, 'plain.gcode');
    await team.operator.client.post(jobs(), { fileId: gcode.id, copies: 3, requirements: { material: null } });
    assigned = await pass();
    expect(assigned.map((copy) => copy.printerId).sort()).toEqual([printers.octoprint, printers.prusa].sort());
  });

  it('a 3MF sliced for another Bambu model waits; the operator can override the model and the format', async () => {
    await cancelAll();
    const a1 = (
      await uploadRaw(team.operator.client, team.orgId, sampleThreeMf({ modelId: 'N2S', printerModel: null }), 'a1.3mf')
    ).body;
    const job = (await team.operator.client.post(jobs(), { fileId: a1.file.id, copies: 1 })).body;
    expect(job.requirements.printerModel).toBe('Bambu Lab A1');
    expect(await pass()).toEqual([]);
    const patched = await team.operator.client.patch(jobs(`/${job.id}`), { requirements: { printerModel: null } });
    expect(patched.status).toBe(200);
    expect((await pass()).map((copy) => copy.printerId)).toEqual([printers.bambu]);

    await cancelAll();
    const bgcode = (await uploadRaw(team.operator.client, team.orgId, sampleBgcode({ material: 'PLA' }), 'o.bgcode'))
      .body;
    await db().query(`UPDATE printers SET state = 'offline' WHERE id = $1`, [printers.prusa]);
    const forced = await team.operator.client.post(jobs(), {
      fileId: bgcode.file.id,
      copies: 1,
      requirements: { anyPrinterKind: true, printerModel: null, material: null },
    });
    expect(forced.body.requirements.anyPrinterKind).toBe(true);
    expect((await pass()).length).toBe(1);
    await db().query(`UPDATE printers SET state = 'operational' WHERE id = $1`, [printers.prusa]);
  });

  it('dispatches a 3MF copy with its plate and AMS mapping, keeping the .3mf name', async () => {
    await cancelAll();
    const file = (
      await uploadRaw(team.operator.client, team.orgId, sampleThreeMf({ plates: 3, sliced: [2, 3] }), 'multi.3mf')
    ).body;
    const defaultPlate = await team.operator.client.post(jobs(), { fileId: file.file.id, copies: 1 });
    expect(defaultPlate.body.bambu).toEqual({ plate: null, amsMapping: null });
    const agent = new RecordingAgent();
    const dispatch = new DispatchJobs(
      api.app.get(CopiesService),
      api.app.get(FilesService),
      api.app.get(SpoolDirectory),
      agent,
      createLogger('formats-test', 'silent'),
    );
    const [copy] = await pass();
    await dispatch.dispatch(
      { orgId: copy!.orgId, copyId: copy!.copyId, printerId: copy!.printerId, attempt: copy!.attempt },
      { attemptsMade: 0 },
    );
    expect(agent.commands[0]).toMatchObject({
      printerId: printers.bambu,
      args: { fileName: 'multi.3mf', bambu: { plate: 2, useAms: false, amsMapping: [] } },
    });

    await cancelAll();
    await db().query(`UPDATE printer_beds SET clear = true WHERE printer_id = $1`, [printers.bambu]);
    const chosen = await team.operator.client.post(jobs(), {
      fileId: file.file.id,
      copies: 1,
      bambu: { plate: 3, amsMapping: [0, -1, 2] },
    });
    expect(chosen.body.bambu).toEqual({ plate: 3, amsMapping: [0, -1, 2] });
    const [second] = await pass();
    await dispatch.dispatch(
      { orgId: second!.orgId, copyId: second!.copyId, printerId: second!.printerId, attempt: second!.attempt },
      { attemptsMade: 0 },
    );
    expect(agent.commands[1]?.args).toMatchObject({ bambu: { plate: 3, useAms: true, amsMapping: [0, -1, 2] } });
    const refused = await team.operator.client.post(jobs(), {
      fileId: file.file.id,
      copies: 1,
      bambu: { plate: 0, amsMapping: [99] },
    });
    expect(refused.status).toBe(400);
  });
});
