import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createTeam, insertPrinter, type Team, uploadGcode } from '@farmhand/factories';
import { startApi, type ApiHarness, type HttpClient } from '@farmhand/testing';
import { DataSource } from 'typeorm';

/**
 * Quotas over HTTP: who may set them, the 409 `quota_exceeded` when queuing a job would pass a member's or a tag's
 * monthly limit (ended prints + queued copies + this job), another organization's quotas, hostile targets, and two
 * jobs queued at once racing for the last grams. The test file needs 3.7 g and 12 min 3 s per copy.
 */
describe('quotas', () => {
  let api: ApiHarness;
  let team: Team;
  let other: Team;
  let dataDir: string;
  let fileId: string;
  const GRAMS = 3.7;
  const HOURS = 723 / 3600;

  const db = () => api.app.get(DataSource);
  const base = (orgId = team.orgId) => `/api/orgs/${orgId}/quotas`;
  const queue = (client: HttpClient, body: Record<string, unknown> = {}) =>
    client.post(`/api/orgs/${team.orgId}/jobs`, { fileId, copies: 1, ...body });

  beforeAll(async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'farmhand-quotas-'));
    api = await startApi({ DATA_DIR: dataDir });
    [team, other] = await Promise.all([createTeam(api, 'Quota Farm'), createTeam(api, 'Other Quota Farm')]);
    fileId = (await uploadGcode(team.operator.client, team.orgId)).id;
  });

  afterAll(async () => {
    await api?.close();
    await rm(dataDir, { recursive: true, force: true });
  });

  it('lets admins manage quotas (audited) and members read them; an operator cannot create one', async () => {
    const denied = await team.operator.client.post(base(), {
      scope: 'tag',
      target: 'denied',
      metric: 'print_hours',
      limit: 1,
    });
    expect(denied.status).toBe(403);
    const made = await team.admin.client.post(base(), {
      scope: 'tag',
      target: 'Audit',
      metric: 'print_hours',
      limit: 5,
    });
    expect(made.status).toBe(201);
    expect(made.body).toMatchObject({ scope: 'tag', target: 'audit', metric: 'print_hours', limit: 5, used: 0 });
    const twice = await team.admin.client.post(base(), {
      scope: 'tag',
      target: 'audit',
      metric: 'print_hours',
      limit: 1,
    });
    expect(twice.status).toBe(409);
    expect(twice.body.error.code).toBe('quota_exists');
    const read = await team.viewer.client.get(base());
    expect(read.status).toBe(200);
    expect(read.body.map((quota: { id: string }) => quota.id)).toContain(made.body.id);
    expect((await team.operator.client.patch(`${base()}/${made.body.id}`, { limit: 9 })).status).toBe(403);
    const patched = await team.admin.client.patch(`${base()}/${made.body.id}`, { limit: 9 });
    expect(patched.status).toBe(200);
    expect(patched.body.limit).toBe(9);
    expect((await team.viewer.client.delete(`${base()}/${made.body.id}`)).status).toBe(403);
    expect((await team.admin.client.delete(`${base()}/${made.body.id}`)).status).toBe(204);
    const audited = await db().query(
      `SELECT action FROM audit_entries WHERE org_id = $1 AND subject_id = $2 ORDER BY created_at`,
      [team.orgId, made.body.id],
    );
    expect(audited.map((row: { action: string }) => row.action)).toEqual([
      'quota.created',
      'quota.updated',
      'quota.deleted',
    ]);
  });

  it("refuses another organization's quota by id and another organization's member as a target", async () => {
    const theirs = await other.admin.client.post(base(other.orgId), {
      scope: 'tag',
      target: 'theirs',
      metric: 'filament_grams',
      limit: 1,
    });
    expect(theirs.status).toBe(201);
    expect((await team.admin.client.patch(`${base()}/${theirs.body.id}`, { limit: 2 })).status).toBe(404);
    expect((await team.admin.client.delete(`${base()}/${theirs.body.id}`)).status).toBe(404);
    expect((await team.admin.client.patch(`${base(other.orgId)}/${theirs.body.id}`, { limit: 2 })).status).toBe(404);
    const stranger = await team.admin.client.post(base(), {
      scope: 'member',
      target: other.operator.userId,
      metric: 'filament_grams',
      limit: 1,
    });
    expect(stranger.status).toBe(400);
    expect(stranger.body.error).toMatchObject({ code: 'unknown_member', field: 'target' });
  });

  it('rejects hostile targets (NUL, lone surrogate) naming the field', async () => {
    for (const target of ['tag\u0000x', 'tag\ud800', '', 'x'.repeat(65)]) {
      const response = await team.admin.client.post(base(), { scope: 'tag', target, metric: 'print_hours', limit: 1 });
      expect(response.status).toBe(400);
      expect(JSON.stringify(response.body)).toContain('target');
    }
    const limit = await team.admin.client.post(base(), {
      scope: 'tag',
      target: 'ok',
      metric: 'print_hours',
      limit: -1,
    });
    expect(limit.status).toBe(400);
    expect(JSON.stringify(limit.body)).toContain('limit');
  });

  it("refuses the job that would pass a member's quota, counting the copies already queued", async () => {
    const quota = await team.admin.client.post(base(), {
      scope: 'member',
      target: team.operator.userId,
      metric: 'filament_grams',
      limit: 10,
    });
    expect(quota.status).toBe(201);
    expect((await queue(team.operator.client, { copies: 2 })).status).toBe(201);
    const refused = await queue(team.operator.client);
    expect(refused.status).toBe(409);
    expect(refused.body.error.code).toBe('quota_exceeded');
    expect(refused.body.error.message).toBe(
      `The monthly quota of this member is 10 g of filament: ${2 * GRAMS} used or queued, this job needs ${GRAMS}`,
    );
    // Someone else is not bound by it; another organization's zero quota on a tag never applies here.
    expect((await queue(team.admin.client)).status).toBe(201);
    expect(
      (
        await other.admin.client.post(base(other.orgId), {
          scope: 'tag',
          target: 'chem',
          metric: 'print_hours',
          limit: 0,
        })
      ).status,
    ).toBe(201);
    expect((await queue(team.admin.client, { tags: ['chem'] })).status).toBe(201);
    const listed = await team.viewer.client.get(base());
    expect(listed.body.find((row: { id: string }) => row.id === quota.body.id).used).toBeCloseTo(2 * GRAMS, 3);
  });

  it("refuses the job that would pass a tag's hours, counting prints that ended this month", async () => {
    expect(
      (await team.admin.client.post(base(), { scope: 'tag', target: 'physics', metric: 'print_hours', limit: 0.5 }))
        .status,
    ).toBe(201);
    // 0.4 h printed this month by a cancelled job of the tag: only its attempt counts.
    const [job] = await db().query(
      `INSERT INTO print_jobs (org_id, file_id, name, copies, position, created_by, tags, cancelled_at)
       VALUES ($1, $2, 'past', 1, 0, $3, '{physics}', now()) RETURNING id`,
      [team.orgId, fileId, team.admin.userId],
    );
    const [copy] = await db().query(
      `INSERT INTO print_copies (org_id, job_id, number, state, attempt) VALUES ($1, $2, 1, 'done', 1) RETURNING id`,
      [team.orgId, job.id],
    );
    await db().query(
      `INSERT INTO print_attempts (org_id, copy_id, job_id, attempt, state, assigned_at, started_at, ended_at)
       VALUES ($1, $2, $3, 1, 'done', now() - interval '24 minutes', now() - interval '24 minutes', now())`,
      [team.orgId, copy.id, job.id],
    );
    const refused = await queue(team.admin.client, { tags: ['Physics', 'other'] });
    expect(refused.status).toBe(409);
    expect(refused.body.error.code).toBe('quota_exceeded');
    expect(refused.body.error.message).toContain('tag "physics" is 0.5 print hours: 0.4 used or queued');
    expect(refused.body.error.message).toContain(`this job needs ${Math.round(HOURS * 1000) / 1000}`);
    expect((await queue(team.admin.client, { tags: ['other'] })).status).toBe(201);
  });

  it('lets only one of two jobs queued at once take the last free grams', async () => {
    await team.admin.client.post(base(), {
      scope: 'member',
      target: team.viewer.userId,
      metric: 'filament_grams',
      limit: 1,
    });
    // The fleet operator's quota: room for exactly one copy.
    const quota = await team.admin.client.post(base(), {
      scope: 'member',
      target: team.fleetOperator.userId,
      metric: 'filament_grams',
      limit: 5,
    });
    expect(quota.status).toBe(201);
    const body = { fleetIds: [team.fleetA] };
    const results = await Promise.all([queue(team.fleetOperator.client, body), queue(team.fleetOperator.client, body)]);
    expect(results.map((result) => result.status).sort()).toEqual([201, 409]);
  });

  it('holds on "print on the selected printers" too: a copy per printer counts, and nothing is queued when over', async () => {
    const quota = await team.admin.client.post(base(), {
      scope: 'member',
      target: team.owner.userId,
      metric: 'filament_grams',
      limit: 5,
    });
    expect(quota.status).toBe(201);
    const printer = () =>
      insertPrinter(api, team.orgId, team.fleetA, {
        state: 'operational',
        material: 'PLA',
        nozzleDiameter: 0.4,
        buildX: 250,
        buildY: 210,
        buildZ: 220,
      });
    const [first, second] = [await printer(), await printer()];
    const route = `/api/orgs/${team.orgId}/jobs/on-printers`;
    const jobsBefore = await db().query(`SELECT count(*)::int AS n FROM print_jobs WHERE org_id = $1`, [team.orgId]);
    const refused = await team.owner.client.post(route, { fileId, printerIds: [first.id, second.id] });
    expect(refused.status).toBe(409);
    expect(refused.body.error.code).toBe('quota_exceeded');
    expect(await db().query(`SELECT count(*)::int AS n FROM print_jobs WHERE org_id = $1`, [team.orgId])).toEqual(
      jobsBefore,
    );
    const one = await team.owner.client.post(route, { fileId, printerIds: [first.id] });
    expect(one.status).toBeLessThan(300);
    expect(one.body.results).toEqual([expect.objectContaining({ printerId: first.id, status: 'queued' })]);
  });
});
