import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createLogger } from '@farmhand/core';
import { createTeam, insertPrinter, issueAgentCredential, type Team, uploadRaw } from '@farmhand/factories';
import { FilesService, sampleThreeMf } from '@farmhand/files';
import { CopiesService, DispatchJobs, SchedulerService, type LivePrint, type PrinterLink } from '@farmhand/jobs';
import { SpoolDirectory } from '@farmhand/spools';
import type { Command } from '@farmhand/protocol';
import { startApi, waitFor, type ApiHarness } from '@farmhand/testing';
import { DataSource } from 'typeorm';
import { connected, hello, rawAgent, status } from '../agents/agent-harness';

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

const RED = '#FF0000';
const GREEN = '#00FF00';
const BLUE = '#0000FF';
const WHITE = '#FFFFFF';

/** Issue 14 point 5: a printer's AMS slots (the spools loaded per slot) are part of matching and of the dispatch. */
describe('AMS slots in the scheduler and the Bambu dispatch', () => {
  let api: ApiHarness;
  let team: Team;
  let dataDir: string;
  const printers = { twoColours: '', fourColours: '' };

  beforeAll(async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'farmhand-ams-'));
    api = await startApi({ DATA_DIR: dataDir, SCHEDULER_MAX_STARTS_PER_FLEET_PER_MINUTE: '1000' });
    team = await createTeam(api);
    printers.twoColours = (await insertPrinter(api, team.orgId, team.fleetA, { name: 'P1S two' })).id;
    printers.fourColours = (await insertPrinter(api, team.orgId, team.fleetA, { name: 'P1S four' })).id;
    // What each Bambu agent announced in its hello; the operator entered the model.
    for (const id of Object.values(printers)) {
      await db().query(
        `UPDATE printers SET state = 'operational', upload_formats = '{3mf}', model = 'P1S', nozzle_diameter = 0.4,
                build_x = 256, build_y = 256, build_z = 256 WHERE id = $1`,
        [id],
      );
    }
    await load(printers.twoColours, [
      [0, RED],
      [1, GREEN],
    ]);
    await load(printers.fourColours, [
      [0, WHITE],
      [1, BLUE],
      [2, GREEN],
      [3, RED],
    ]);
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

  /** Loads a fresh PLA spool of each colour into each slot, through the spools API as an operator would. */
  async function load(printerId: string, slots: Array<[number, string]>) {
    for (const [slot, colorHex] of slots) {
      const spool = await team.admin.client.post(`/api/orgs/${team.orgId}/spools`, {
        material: 'PLA',
        colorHex,
        initialGrams: 1000,
      });
      expect(spool.status).toBe(201);
      const loaded = await team.operator.client.post(`/api/orgs/${team.orgId}/spools/${spool.body.id}/load`, {
        printerId,
        slot,
      });
      expect(loaded.status).toBeLessThan(300);
    }
  }

  function dispatcher(agent: RecordingAgent) {
    return new DispatchJobs(
      api.app.get(CopiesService),
      api.app.get(FilesService),
      api.app.get(SpoolDirectory),
      agent,
      createLogger('ams-test', 'silent'),
    );
  }

  const fourColourPlate = () =>
    sampleThreeMf({
      plates: 1,
      filaments: [
        { id: 1, type: 'PLA', color: `${RED}FF`, grams: 5 },
        { id: 2, type: 'PLA', color: GREEN, grams: 5 },
        { id: 3, type: 'PLA', color: BLUE, grams: 5 },
        { id: 4, type: 'PLA', color: WHITE.toLowerCase(), grams: 5 },
      ],
    });

  it('sends a 4-colour plate only to the printer whose AMS holds all 4, with the mapping of its trays', async () => {
    await cancelAll();
    const file = (await uploadRaw(team.operator.client, team.orgId, fourColourPlate(), 'four.3mf')).body;
    expect(file.file.metadata.plates[0].filaments).toHaveLength(4);
    const created = await team.operator.client.post(jobs(), { fileId: file.file.id, copies: 2 });
    expect(created.status).toBe(201);

    const assigned = await pass();
    // Two copies, two ready Bambus: only one of them can print it.
    expect(assigned.map((copy) => copy.printerId)).toEqual([printers.fourColours]);

    const agent = new RecordingAgent();
    const [copy] = assigned;
    await dispatcher(agent).dispatch(
      { orgId: copy!.orgId, copyId: copy!.copyId, printerId: copy!.printerId, attempt: copy!.attempt },
      { attemptsMade: 0 },
    );
    expect(agent.commands[0]).toMatchObject({
      printerId: printers.fourColours,
      args: { fileName: 'four.3mf', bambu: { plate: 1, useAms: true, amsMapping: [3, 2, 1, 0] } },
    });
  });

  it('a 2-colour plate takes the first printer holding both, and maps to its own trays', async () => {
    await cancelAll();
    await db().query(`UPDATE printer_beds SET clear = true WHERE printer_id = ANY($1)`, [Object.values(printers)]);
    const twoColour = sampleThreeMf({
      plates: 1,
      filaments: [
        { id: 1, type: 'PLA', color: GREEN, grams: 5 },
        { id: 2, type: 'PLA', color: RED, grams: 5 },
      ],
    });
    const file = (await uploadRaw(team.operator.client, team.orgId, twoColour, 'two.3mf')).body;
    await team.operator.client.post(jobs(), { fileId: file.file.id, copies: 2 });
    const assigned = await pass();
    expect(assigned.map((copy) => copy.printerId).sort()).toEqual(Object.values(printers).sort());

    const agent = new RecordingAgent();
    for (const copy of assigned) {
      await dispatcher(agent).dispatch(
        { orgId: copy.orgId, copyId: copy.copyId, printerId: copy.printerId, attempt: copy.attempt },
        { attemptsMade: 0 },
      );
    }
    const byPrinter = Object.fromEntries(agent.commands.map((command) => [command.printerId, command.args]));
    expect(byPrinter[printers.twoColours]).toMatchObject({ bambu: { useAms: true, amsMapping: [1, 0] } });
    expect(byPrinter[printers.fourColours]).toMatchObject({ bambu: { useAms: true, amsMapping: [2, 3] } });
  });

  it("the operator's own mapping wins over the matching, on any printer that prints 3MF", async () => {
    await cancelAll();
    await db().query(`UPDATE printer_beds SET clear = true WHERE printer_id = ANY($1)`, [Object.values(printers)]);
    const file = (await uploadRaw(team.operator.client, team.orgId, fourColourPlate(), 'forced.3mf')).body;
    const created = await team.operator.client.post(jobs(), {
      fileId: file.file.id,
      copies: 2,
      bambu: { plate: 1, amsMapping: [0, 1, 1, 0] },
    });
    expect(created.status).toBe(201);
    const assigned = await pass();
    expect(assigned).toHaveLength(2);
    const agent = new RecordingAgent();
    const copy = assigned.find((entry) => entry.printerId === printers.twoColours)!;
    await dispatcher(agent).dispatch(
      { orgId: copy.orgId, copyId: copy.copyId, printerId: copy.printerId, attempt: copy.attempt },
      { attemptsMade: 0 },
    );
    expect(agent.commands[0]?.args).toMatchObject({ bambu: { amsMapping: [0, 1, 1, 0] } });
  });

  it('a copy assigned before its spool came off goes back to the queue instead of printing the wrong colour', async () => {
    await cancelAll();
    await db().query(`UPDATE printer_beds SET clear = true WHERE printer_id = ANY($1)`, [Object.values(printers)]);
    const file = (await uploadRaw(team.operator.client, team.orgId, fourColourPlate(), 'late.3mf')).body;
    await team.operator.client.post(jobs(), { fileId: file.file.id, copies: 1 });
    const [copy] = await pass();
    expect(copy?.printerId).toBe(printers.fourColours);
    const blue: Array<{ id: string }> = await db().query(`SELECT id FROM spools WHERE printer_id = $1 AND slot = 1`, [
      printers.fourColours,
    ]);
    const unloaded = await team.operator.client.post(`/api/orgs/${team.orgId}/spools/${blue[0]!.id}/unload`, {});
    expect(unloaded.status).toBeLessThan(300);
    const agent = new RecordingAgent();
    const outcome = await dispatcher(agent).dispatch(
      { orgId: copy!.orgId, copyId: copy!.copyId, printerId: copy!.printerId, attempt: copy!.attempt },
      { attemptsMade: 0 },
    );
    expect(outcome).toEqual({ status: 'requeued', reason: 'ams_mismatch' });
    expect(agent.commands).toEqual([]);
  });

  it("matches and maps with the trays a Bambu agent reports when the printer's spools are not tracked", async () => {
    await cancelAll();
    const reporting = await insertPrinter(api, team.orgId, team.fleetA, { name: 'X1C reporting' });
    await db().query(
      `UPDATE printers SET model = 'P1S', nozzle_diameter = 0.4, build_x = 256, build_y = 256, build_z = 256
        WHERE id = $1`,
      [reporting.id],
    );
    const socket = rawAgent(api.url, { credential: await issueAgentCredential(api, reporting) });
    const received: Command[] = [];
    socket.on('command', (command: Command, ack: (result: unknown) => void) => {
      received.push(command);
      ack({ id: command.id, ok: true, data: {}, finishedAt: Date.now() });
    });
    try {
      await connected(socket);
      socket.emit('hello', hello({ backend: 'bambu', capabilities: ['dispatch', 'cancel', 'upload.3mf'] }));
      const trays = (colors: string[]) =>
        colors.map((colorHex, slot) => ({ slot: slot + 4, material: 'PLA', colorHex }));
      // Two trays only: the 4-colour plate waits.
      socket.emit('status', status({ filamentSlots: trays([RED, GREEN]) }));
      await waitFor(async () => {
        const [row]: Array<{ state: string; upload_formats: string[] | null }> = await db().query(
          `SELECT state, upload_formats FROM printers WHERE id = $1`,
          [reporting.id],
        );
        return row?.state === 'operational' && row.upload_formats?.includes('3mf');
      }, 'the agent reported in');
      const file = (await uploadRaw(team.operator.client, team.orgId, fourColourPlate(), 'reported.3mf')).body;
      await team.operator.client.post(jobs(), { fileId: file.file.id, copies: 1 });
      const scheduler = api.app.get(SchedulerService);
      expect((await scheduler.passForOrg(team.orgId, [reporting.id])).assigned).toEqual([]);

      // The operator loads the other two colours into the second AMS: the next report carries all four.
      socket.emit('status', status({ filamentSlots: trays([WHITE, BLUE, GREEN, RED]) }));
      let assigned: Awaited<ReturnType<SchedulerService['passForOrg']>>['assigned'] = [];
      await waitFor(async () => {
        assigned = (await scheduler.passForOrg(team.orgId, [reporting.id])).assigned;
        return assigned.length === 1;
      }, 'the copy assigned once all four colours are reported');
      const [copy] = assigned;
      await api.app
        .get(DispatchJobs)
        .dispatch(
          { orgId: copy!.orgId, copyId: copy!.copyId, printerId: copy!.printerId, attempt: copy!.attempt },
          { attemptsMade: 0 },
        );
      expect(received.map((command) => command.type)).toEqual(['dispatch']);
      expect(received[0]!.args).toMatchObject({
        fileName: file.file.name,
        bambu: { plate: 1, useAms: true, amsMapping: [7, 6, 5, 4] },
      });
    } finally {
      socket.disconnect();
    }
  });
});
