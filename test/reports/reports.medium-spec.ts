import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { EventEmitter2 } from '@nestjs/event-emitter';
import { createTeam, sessionHeaders, type Team, uploadGcode } from '@farmhand/factories';
import { ReportsJobs } from '@farmhand/reports';
import { startApi, waitFor, type ApiHarness } from '@farmhand/testing';
import { DataSource } from 'typeorm';
import { parse } from 'csv-parse/sync';

/**
 * Reports over HTTP against a known small farm seeded in the print history: every figure checked exactly, fleet
 * limits on figures and exports, cost settings (who may change them, audited), CSV escaping and a download the
 * client aborts. Day D holds four prints (two on printer A in fleet A, two on B in fleet B); D + 40 one more.
 */
describe('reports', () => {
  let api: ApiHarness;
  let team: Team;
  let other: Team;
  let dataDir: string;
  let fileId: string;
  const D = '2026-03-10';
  const at = (time: string, day = D) => new Date(`${day}T${time}Z`);

  const db = () => api.app.get(DataSource);
  const base = (orgId = team.orgId) => `/api/orgs/${orgId}/reports`;
  const day = `from=${D}&to=${D}`;

  interface Seed {
    printerId: string;
    fleetId: string;
    memberId: string;
    name?: string;
    tags?: string[];
    material?: string | null;
    state: 'done' | 'failed' | 'cancelled';
    outcome?: 'good' | 'bad';
    failureReason?: string;
    startedAt: Date;
    seconds: number;
    grams?: number;
    spool?: { id: string; grams: number };
    clearedAfterSeconds?: number;
  }

  async function seedPrint(orgId: string, seed: Seed): Promise<void> {
    const endedAt = new Date(seed.startedAt.getTime() + seed.seconds * 1000);
    const [job] = await db().query(
      `INSERT INTO print_jobs (org_id, file_id, name, copies, position, created_by, tags, material)
       VALUES ($1, $2, $3, 1, 0, $4, $5, $6) RETURNING id`,
      [orgId, fileId, seed.name ?? 'part', seed.memberId, seed.tags ?? [], seed.material ?? null],
    );
    const clearedAt =
      seed.clearedAfterSeconds === undefined ? null : new Date(endedAt.getTime() + seed.clearedAfterSeconds * 1000);
    const [copy] = await db().query(
      `INSERT INTO print_copies (org_id, job_id, number, state, attempt, printer_id, started_at, finished_at, cleared_at)
       VALUES ($1, $2, 1, $3, 1, $4, $5, $6, $7) RETURNING id`,
      [orgId, job.id, seed.state, seed.printerId, seed.startedAt, endedAt, clearedAt],
    );
    await db().query(
      `INSERT INTO print_attempts (org_id, copy_id, job_id, printer_id, fleet_id, attempt, state, assigned_at,
         started_at, ended_at, outcome, failure_reason, filament_grams)
       VALUES ($1, $2, $3, $4, $5, 1, $6, $7, $7, $8, $9, $10, $11)`,
      [
        orgId,
        copy.id,
        job.id,
        seed.printerId,
        seed.fleetId,
        seed.state,
        seed.startedAt,
        endedAt,
        seed.outcome ?? null,
        seed.failureReason ?? null,
        seed.grams ?? null,
      ],
    );
    if (seed.spool)
      await db().query(
        `INSERT INTO spool_usages (org_id, spool_id, printer_id, copy_id, attempt, grams, fraction, outcome)
         VALUES ($1, $2, $3, $4, 1, $5, 1, 'done')`,
        [orgId, seed.spool.id, seed.printerId, copy.id, seed.spool.grams],
      );
  }

  beforeAll(async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'farmhand-reports-'));
    api = await startApi({ DATA_DIR: dataDir });
    [team, other] = await Promise.all([createTeam(api, 'Report Farm'), createTeam(api, 'Other Farm')]);
    fileId = (await uploadGcode(team.operator.client, team.orgId)).id;
    await db().query(`UPDATE printers SET model = 'MK4S' WHERE id = $1`, [team.printerA.id]);
    await db().query(`UPDATE printers SET model = 'Voron 2.4' WHERE id = $1`, [team.printerB.id]);
    const [spool] = await db().query(
      `INSERT INTO spools (org_id, material, color_name, color_hex, diameter_mm, initial_grams, remaining_grams, cost_cents)
       VALUES ($1, 'PLA', 'red', '#ff0000', 1.75, 1000, 950, 2000) RETURNING id`,
      [team.orgId],
    );
    const A = { printerId: team.printerA.id, fleetId: team.fleetA };
    const B = { printerId: team.printerB.id, fleetId: team.fleetB };
    // A: 2 h from a spool at 2 cents a gram, plate cleared 30 min after; 1 h of PETG marked bad at the bed clear.
    await seedPrint(team.orgId, {
      ...A,
      memberId: team.operator.userId,
      name: '=HYPERLINK("http://evil.test","click")',
      tags: ['physics', 'class-a'],
      state: 'done',
      startedAt: at('08:00:00'),
      seconds: 7200,
      grams: 50,
      spool: { id: spool.id, grams: 50 },
      clearedAfterSeconds: 1800,
    });
    await seedPrint(team.orgId, {
      ...A,
      memberId: team.operator.userId,
      tags: ['physics'],
      material: 'PETG',
      state: 'done',
      outcome: 'bad',
      startedAt: at('12:00:00'),
      seconds: 3600,
      grams: 20,
    });
    // B: a spaghetti failure (30 min) and a cancel (15 min), PLA by the job, no spool usage recorded.
    await seedPrint(team.orgId, {
      ...B,
      memberId: team.admin.userId,
      material: 'PLA',
      state: 'failed',
      failureReason: 'spaghetti',
      startedAt: at('09:00:00'),
      seconds: 1800,
      grams: 10,
    });
    await seedPrint(team.orgId, {
      ...B,
      memberId: team.admin.userId,
      material: 'PLA',
      state: 'cancelled',
      startedAt: at('10:00:00'),
      seconds: 900,
    });
    // Outside the range.
    await seedPrint(team.orgId, {
      ...A,
      memberId: team.operator.userId,
      state: 'done',
      startedAt: at('08:00:00', '2026-04-19'),
      seconds: 3600,
    });
    // A paused 15 min and was offline 2 h on D; the detector raised three alerts, one a false alarm.
    await db().query(
      `INSERT INTO printer_state_intervals (org_id, printer_id, fleet_id, state, started_at, ended_at)
       VALUES ($1, $2, $3, 'paused', $4, $5), ($1, $2, $3, 'offline', $6, $7)`,
      [team.orgId, team.printerA.id, team.fleetA, at('08:30:00'), at('08:45:00'), at('20:00:00'), at('22:00:00')],
    );
    await db().query(
      `INSERT INTO detection_alerts (org_id, printer_id, level, state, score, created_at)
       VALUES ($1, $2, 'warning', 'false_alarm', 0.7, $4), ($1, $2, 'pause', 'confirmed', 0.9, $4),
              ($1, $3, 'warning', 'open', 0.6, $4)`,
      [team.orgId, team.printerA.id, team.printerB.id, at('09:00:00')],
    );
    await api.app.get(ReportsJobs).refresh({ orgId: team.orgId });
    const settings = await team.admin.client.patch(`${base()}/settings`, {
      currency: 'EUR',
      energyCentsPerKwh: 30,
      machineCentsPerHour: 100,
      defaultWatts: 200,
      modelWatts: [{ model: 'MK4S', watts: 120 }],
    });
    expect(settings.status).toBe(200);
  });
  afterAll(async () => {
    await api.close();
    await rm(dataDir, { recursive: true, force: true });
  });

  it('counts every figure of the known farm exactly', async () => {
    const response = await team.viewer.client.get(`${base()}?${day}`);
    expect(response.status).toBe(200);
    const report = response.body;
    expect(report.totals).toMatchObject({ prints: 4, done: 1, bad: 1, failed: 1, cancelled: 1, successRate: 0.25 });
    expect(report.totals.printHours).toBe(3.75);
    expect(report.totals.filamentGrams).toBe(70);
    // Material 50 g x 2 c; energy A 3 h x 120 W + B 0.75 h x 200 W = 0.51 kWh x 30 c; machine 3.75 h x 100 c.
    expect(report.totals.cost).toMatchObject({
      materialCents: 100,
      energyCents: 15.3,
      machineCents: 375,
      totalCents: 490.3,
    });
    expect(report.totals.cost.perPrintCents).toBeCloseTo(122.58, 1);
    expect(report.failureReasons).toEqual([{ reason: 'spaghetti', prints: 1 }]);
    expect(report.alerts).toEqual({ alerts: 3, falseAlarms: 1, confirmed: 1 });
    const byTag = Object.fromEntries(report.tags.map((row: { tag: string; prints: number }) => [row.tag, row.prints]));
    expect(byTag).toEqual({ 'class-a': 1, physics: 2 });
    const byMember = Object.fromEntries(
      report.members.map((row: { memberId: string; prints: number }) => [row.memberId, row.prints]),
    );
    expect(byMember).toEqual({ [team.operator.userId]: 2, [team.admin.userId]: 2 });
    const materials = report.materials
      .map((row: { material: string; color: string; prints: number; filamentGrams: number }) =>
        [row.material, row.color, row.prints, row.filamentGrams].join('/'),
      )
      .sort();
    expect(materials).toEqual(['PETG//1/20', 'PLA//2/0', 'PLA/red/1/50']);
    const printerA = report.printers.find((row: { printerId: string }) => row.printerId === team.printerA.id);
    expect(printerA.utilisation).toEqual({
      printingHours: 2.75,
      pausedHours: 0.25,
      bedClearHours: 0.5,
      offlineHours: 2,
      idleHours: 18.5,
      utilisation: 0.1146,
    });
  });

  it('narrows by tag, member and fleet', async () => {
    const tagged = await team.viewer.client.get(`${base()}?${day}&tag=physics`);
    expect(tagged.body.totals.prints).toBe(2);
    const member = await team.viewer.client.get(`${base()}?${day}&memberId=${team.admin.userId}`);
    expect(member.body.totals).toMatchObject({ prints: 2, failed: 1, cancelled: 1 });
    const fleet = await team.viewer.client.get(`${base()}?${day}&fleetId=${team.fleetB}`);
    expect(fleet.body.totals.prints).toBe(2);
    expect(fleet.body.printers.map((row: { printerId: string }) => row.printerId)).toEqual([team.printerB.id]);
    const month = await team.viewer.client.get(`${base()}?from=2026-03-01&to=2026-04-30`);
    expect(month.body.totals.prints).toBe(5);
  });

  it('gives the same figures from the monthly rollups (whole months) as from the daily rows (edge days)', async () => {
    const sections = (body: Record<string, unknown>) => ({
      totals: body.totals,
      members: body.members,
      tags: body.tags,
      materials: body.materials,
      failureReasons: body.failureReasons,
      printers: (body.printers as Record<string, unknown>[]).map(({ utilisation: _utilisation, ...row }) => row),
    });
    const daily = await team.viewer.client.get(`${base()}?${day}`);
    // March 2026 holds the same four prints: read from the monthly rollups alone.
    const wholeMonth = await team.viewer.client.get(`${base()}?from=2026-03-01&to=2026-03-31`);
    expect(wholeMonth.status).toBe(200);
    expect(sections(wholeMonth.body)).toEqual(sections(daily.body));
    // Edge days before (daily rows) and whole months after (monthly rows): the April print is counted once.
    const mixed = await team.viewer.client.get(`${base()}?from=2026-02-20&to=2026-04-30`);
    expect(mixed.body.totals.prints).toBe(5);
    const edgesOnly = await team.viewer.client.get(`${base()}?from=2026-03-02&to=2026-04-29`);
    expect(edgesOnly.body.totals.prints).toBe(5);
    // The fleet-limited operator's scope and a fleet filter cut the monthly rows too.
    const limited = await team.fleetOperator.client.get(`${base()}?from=2026-03-01&to=2026-03-31`);
    expect(limited.body.totals).toMatchObject({ prints: 2, filamentGrams: 70 });
    expect(limited.body.printers.map((row: { printerId: string }) => row.printerId)).toEqual([team.printerA.id]);
    const otherFleet = await team.fleetOperator.client.get(
      `${base()}?from=2026-03-01&to=2026-03-31&fleetId=${team.fleetB}`,
    );
    expect(otherFleet.body.totals.prints).toBe(0);
    const fleetB = await team.viewer.client.get(`${base()}?from=2026-03-01&to=2026-03-31&fleetId=${team.fleetB}`);
    expect(fleetB.body.totals.prints).toBe(2);
  });

  it('fleet-limited operator sees only the figures of its fleet', async () => {
    const response = await team.fleetOperator.client.get(`${base()}?${day}`);
    expect(response.status).toBe(200);
    expect(response.body.totals).toMatchObject({ prints: 2, filamentGrams: 70 });
    expect(response.body.printers.map((row: { printerId: string }) => row.printerId)).toEqual([team.printerA.id]);
    expect(response.body.alerts).toEqual({ alerts: 2, falseAlarms: 1, confirmed: 1 });
    // Asking for the other fleet gives nothing rather than its figures.
    const otherFleet = await team.fleetOperator.client.get(`${base()}?${day}&fleetId=${team.fleetB}`);
    expect(otherFleet.body.totals.prints).toBe(0);
    const csv = await team.fleetOperator.client.get(`${base()}/export/prints?${day}`);
    expect(csv.status).toBe(200);
    expect((csv.body as string).trim().split('\r\n')).toHaveLength(3);
  });

  it('member of another organization cannot read this one', async () => {
    expect((await other.owner.client.get(`${base()}?${day}`)).status).toBe(404);
    expect((await other.owner.client.get(`${base()}/export/prints?${day}`)).status).toBe(404);
    expect((await other.owner.client.patch(`${base()}/settings`, { machineCentsPerHour: 1 })).status).toBe(404);
  });

  it('viewer and operator cannot change the cost settings; a fleet-limited operator cannot read them', async () => {
    expect((await team.viewer.client.patch(`${base()}/settings`, { machineCentsPerHour: 1 })).status).toBe(403);
    expect((await team.operator.client.patch(`${base()}/settings`, { machineCentsPerHour: 1 })).status).toBe(403);
    expect((await team.fleetOperator.client.get(`${base()}/settings`)).status).toBe(403);
    const read = await team.viewer.client.get(`${base()}/settings`);
    expect(read.body).toEqual({
      currency: 'EUR',
      energyCentsPerKwh: 30,
      machineCentsPerHour: 100,
      defaultWatts: 200,
      modelWatts: [{ model: 'mk4s', watts: 120 }],
    });
  });

  it('audits a change of the cost settings', async () => {
    const rows = await db().query(
      `SELECT action, subject_type, details FROM audit_entries WHERE org_id = $1 AND action = 'report.settingsUpdated'`,
      [team.orgId],
    );
    expect(rows).toHaveLength(1);
    expect(rows[0].subject_type).toBe('Report');
    expect(rows[0].details.after.machineCentsPerHour).toBe(100);
  });

  it('rejects bad filters naming the field, hostile text included', async () => {
    const field = async (query: string) => {
      const response = await team.viewer.client.get(`${base()}?${query}`);
      expect(response.status).toBe(400);
      return response.body.error.field as string;
    };
    expect(await field(`from=2026-13-01&to=${D}`)).toBe('from');
    expect(await field(`from=${D}&to=2026-03-01`)).toBe('to');
    expect(await field(`from=2020-01-01&to=${D}`)).toBe('to');
    expect(await field(`${day}&fleetId=nope`)).toBe('fleetId');
    expect(await field(`${day}&tag=a%00b`)).toBe('tag');
    const table = await team.viewer.client.get(`${base()}/export/everything?${day}`);
    expect(table.status).toBe(400);
    expect(table.body.error.field).toBe('table');
    const settings = await team.admin.client.patch(`${base()}/settings`, { energyCentsPerKwh: -1 });
    expect(settings.status).toBe(400);
    expect(settings.body.error.field).toBe('energyCentsPerKwh');
    const surrogate = await team.admin.client.patch(`${base()}/settings`, {
      modelWatts: [{ model: 'x\ud800', watts: 1 }],
    });
    expect(surrogate.status).toBe(400);
    expect(surrogate.body.error.field).toBe('modelWatts.0.model');
  });

  it('exports a table as CSV named for its range, formulas defused', async () => {
    const response = await team.viewer.client.get(`${base()}/export/prints?${day}`);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toMatch(/^text\/csv/);
    expect(response.headers.get('content-disposition')).toBe(`attachment; filename="farmhand-prints-${D}_${D}.csv"`);
    const lines = (response.body as string).trim().split('\r\n');
    expect(lines[0]).toBe(
      'ended_at,printer,fleet_id,job,member_id,tags,result,failure_reason,print_hours,filament_grams',
    );
    expect(lines).toHaveLength(5);
    expect(lines.find((line) => line.includes('HYPERLINK'))).toContain(`"'=HYPERLINK(""http://evil.test"",""click"")"`);
    const members = await team.viewer.client.get(`${base()}/export/members?${day}`);
    expect((members.body as string).split('\r\n')[0]).toMatch(/^member_id,prints,done,bad,failed,cancelled/);
  });

  it("prices every job: the jobs table sums to the report's totals, cost for cost", async () => {
    const response = await team.viewer.client.get(`${base()}/export/jobs?${day}`);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-disposition')).toBe(`attachment; filename="farmhand-jobs-${D}_${D}.csv"`);
    const cells: Record<string, string>[] = parse(response.body as string, { columns: true });
    expect(Object.keys(cells[0]!).slice(0, 6)).toEqual(['job_id', 'job', 'member_id', 'tags', 'prints', 'done']);
    const sum = (column: string) => cells.reduce((total, row) => total + Number(row[column]), 0);
    expect(new Set(cells.map((row) => row.job_id)).size).toBe(cells.length);
    expect(sum('prints')).toBe(4);
    expect(sum('failed')).toBe(1);
    expect(sum('print_hours')).toBeCloseTo(3.75, 3);
    expect(sum('filament_grams')).toBeCloseTo(70, 3);
    expect(sum('material_cents')).toBeCloseTo(100, 1);
    expect(sum('energy_cents')).toBeCloseTo(15.3, 1);
    expect(sum('machine_cents')).toBeCloseTo(375, 1);
    expect(sum('total_cents')).toBeCloseTo(490.3, 1);
    // A fleet-limited reader gets only their fleets' jobs.
    const limited = await team.fleetOperator.client.get(`${base()}/export/jobs?${day}`);
    const limitedRows: Record<string, string>[] = parse(limited.body as string, { columns: true });
    expect(limitedRows.length).toBeLessThan(cells.length);
  });

  it('sets report tags on a job, lower-cased, and rejects hostile ones naming the field', async () => {
    const created = await team.operator.client.post(`/api/orgs/${team.orgId}/jobs`, {
      fileId,
      copies: 1,
      held: true,
      tags: ['Physics', 'class-b'],
    });
    expect(created.status).toBe(201);
    expect(created.body.tags).toEqual(['physics', 'class-b']);
    const updated = await team.operator.client.patch(`/api/orgs/${team.orgId}/jobs/${created.body.id}`, {
      tags: ['customer-9'],
    });
    expect(updated.body.tags).toEqual(['customer-9']);
    const hostile = await team.operator.client.post(`/api/orgs/${team.orgId}/jobs`, {
      fileId,
      copies: 1,
      tags: ['a\u0000b'],
    });
    expect(hostile.status).toBe(400);
    expect(hostile.body.error.field).toMatch(/^tags/);
  });

  it('records printer state intervals from state changes', async () => {
    const events = api.app.get(EventEmitter2);
    await events.emitAsync('printer.stateChanged', {
      orgId: team.orgId,
      printerId: team.printerB.id,
      from: 'operational',
      to: 'paused',
    });
    await events.emitAsync('printer.stateChanged', {
      orgId: team.orgId,
      printerId: team.printerB.id,
      from: 'paused',
      to: 'printing',
    });
    const rows = await db().query(
      `SELECT state, ended_at IS NULL AS open FROM printer_state_intervals WHERE printer_id = $1 ORDER BY started_at`,
      [team.printerB.id],
    );
    expect(rows).toEqual([
      { state: 'paused', open: false },
      { state: 'printing', open: true },
    ]);
  });

  it('stops the query when the client aborts a download', async () => {
    const [job] = await db().query(
      `INSERT INTO print_jobs (org_id, file_id, name, copies, position) VALUES ($1, $2, 'many', 60000, 0) RETURNING id`,
      [team.orgId, fileId],
    );
    // 60,000 prints on 2026-05-01: far more than the sockets buffer, so the export waits on the client.
    await db().query(
      `WITH c AS (
         INSERT INTO print_copies (org_id, job_id, number, state, attempt)
         SELECT $1, $2, n, 'done', 1 FROM generate_series(1, 60000) n RETURNING id)
       INSERT INTO print_attempts (org_id, copy_id, job_id, printer_id, fleet_id, attempt, state, assigned_at, started_at, ended_at)
       SELECT $1, c.id, $2, $3, $4, 1, 'done', '2026-05-01T01:00:00Z', '2026-05-01T01:00:00Z', '2026-05-01T02:00:00Z' FROM c`,
      [team.orgId, job.id, team.printerA.id, team.fleetA],
    );
    const cursorsOpen = async () =>
      Number(
        (
          await db().query(
            `SELECT COUNT(*) AS n FROM pg_stat_activity
              WHERE datname = current_database() AND pid <> pg_backend_pid() AND query LIKE '%report_export%' AND state <> 'idle'`,
          )
        )[0].n,
      );
    const controller = new AbortController();
    const response = await fetch(`${api.url}${base()}/export/prints?from=2026-05-01&to=2026-05-01`, {
      headers: sessionHeaders(team.viewer.client),
      signal: controller.signal,
    });
    expect(response.status).toBe(200);
    const reader = response.body!.getReader();
    await reader.read();
    await waitFor(async () => (await cursorsOpen()) > 0, 'the export holds its cursor while the client reads');
    controller.abort();
    await waitFor(async () => (await cursorsOpen()) === 0, 'the cursor is closed once the client has gone');
  });
});
