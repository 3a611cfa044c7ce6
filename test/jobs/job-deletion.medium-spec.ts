import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createTeam, type Team, uploadGcode, createPrintJob } from '@farmhand/factories';
import { startApi, type ApiHarness } from '@farmhand/testing';
import { DataSource } from 'typeorm';

/** DELETE /api/orgs/:orgId/jobs/:jobId: only without a copy on a printer; history stays; operators only. */
describe('print job deletion', () => {
  let api: ApiHarness;
  let team: Team;
  let dataDir: string;
  let fileId: string;

  beforeAll(async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'farmhand-job-deletion-'));
    api = await startApi({ DATA_DIR: dataDir });
    team = await createTeam(api);
    fileId = (await uploadGcode(team.operator.client, team.orgId, { salt: 'deletion' })).id;
  });
  afterAll(async () => {
    await api.close();
    await rm(dataDir, { recursive: true, force: true });
  });

  const jobs = () => `/api/orgs/${team.orgId}/jobs`;
  const db = () => api.app.get(DataSource);

  async function createJob(copies: number): Promise<string> {
    return (await createPrintJob(team.operator.client, team.orgId, { fileId, copies, held: true })).id;
  }

  /** Puts copy `number` of the job on printer A in `state`, with its attempt (as the scheduler and agents would). */
  async function onPrinter(jobId: string, number: number, state: string): Promise<string> {
    const [copy] = await db().query(
      `UPDATE print_copies SET state = $3, printer_id = $4, attempt = attempt + 1, assigned_at = now()
        WHERE job_id = $1 AND number = $2 RETURNING id, attempt`,
      [jobId, number, state, team.printerA.id],
    );
    await db().query(
      `INSERT INTO print_attempts (org_id, copy_id, job_id, printer_id, fleet_id, attempt, state, assigned_at)
       VALUES ($1, $2, $3, $4, $5, $6, $7, now())`,
      [team.orgId, copy[0].id, jobId, team.printerA.id, team.fleetA, copy[0].attempt, state],
    );
    return copy[0].id;
  }

  it.each(['assigned', 'uploading', 'printing', 'awaiting_bed_clear'])(
    'refuses with 409 naming the state while a copy is %s',
    async (state) => {
      const jobId = await createJob(2);
      await onPrinter(jobId, 2, state);
      const refused = await team.operator.client.delete(`${jobs()}/${jobId}`);
      expect(refused.status).toBe(409);
      expect(refused.body.error).toMatchObject({ code: 'job_has_active_copy', field: 'state', details: { state } });
      expect(refused.body.error.message).toContain(state);
      // Nothing half-done: the queued copy is still queued, the job still listed.
      expect((await team.viewer.client.get(`${jobs()}/${jobId}`)).body.counts).toMatchObject({ queued: 1 });
      await db().query(`UPDATE print_copies SET state = 'failed', printer_id = NULL WHERE job_id = $1 AND number = 2`, [
        jobId,
      ]);
    },
  );

  it('deletes a job with nothing on a printer: 204, gone from lists, queued copies cancelled, history kept, audited', async () => {
    const jobId = await createJob(3);
    const failed = await onPrinter(jobId, 1, 'failed');
    await db().query(`UPDATE print_copies SET printer_id = NULL WHERE id = $1`, [failed]);

    const deleted = await team.operator.client.delete(`${jobs()}/${jobId}`);
    expect(deleted.status).toBe(204);

    expect((await team.viewer.client.get(`${jobs()}/${jobId}`)).status).toBe(404);
    for (const status of ['active', 'all', 'finished']) {
      const list = await team.viewer.client.get(`${jobs()}?status=${status}`);
      expect(list.body.jobs.map((job: { id: string }) => job.id)).not.toContain(jobId);
    }
    const copies = await db().query(`SELECT number, state, failure_reason FROM print_copies WHERE job_id = $1`, [
      jobId,
    ]);
    expect(copies.sort((a: { number: number }, b: { number: number }) => a.number - b.number)).toEqual([
      { number: 1, state: 'failed', failure_reason: null },
      { number: 2, state: 'cancelled', failure_reason: 'job_deleted' },
      { number: 3, state: 'cancelled', failure_reason: 'job_deleted' },
    ]);
    const attempts = await db().query(`SELECT copy_id FROM print_attempts WHERE job_id = $1`, [jobId]);
    expect(attempts).toEqual([{ copy_id: failed }]);
    const [row] = await db().query(`SELECT deleted_at FROM print_jobs WHERE id = $1`, [jobId]);
    expect(row.deleted_at).toBeInstanceOf(Date);
    const audit = await db().query(
      `SELECT actor_id, details FROM audit_entries WHERE action = 'printJob.deleted' AND subject_id = $1`,
      [jobId],
    );
    expect(audit).toHaveLength(1);
    expect(audit[0].details).toMatchObject({ queuedCopiesCancelled: 2 });

    // Gone for every later action: deleting again, changing it, requeueing its failed copy.
    expect((await team.operator.client.delete(`${jobs()}/${jobId}`)).status).toBe(404);
    expect((await team.operator.client.patch(`${jobs()}/${jobId}`, { priority: 3 })).status).toBe(404);
    const requeue = await team.operator.client.post(`/api/orgs/${team.orgId}/copies/${failed}/requeue`);
    expect(requeue.status).toBe(409);
    expect(requeue.body.error).toMatchObject({ code: 'job_closed', details: { state: 'deleted' } });
  });

  it('a file whose only jobs were deleted can be deleted', async () => {
    const file = await uploadGcode(team.operator.client, team.orgId, { salt: 'deleted-jobs-file' }, 'gone.gcode');
    const job = await team.operator.client.post(jobs(), { fileId: file.id, copies: 2 });
    expect((await team.operator.client.delete(`${jobs()}/${job.body.id}`)).status).toBe(204);
    expect((await team.operator.client.delete(`/api/orgs/${team.orgId}/files/${file.id}`)).status).toBe(204);
  });

  it('viewer cannot delete a job', async () => {
    const jobId = await createJob(1);
    const refused = await team.viewer.client.delete(`${jobs()}/${jobId}`);
    expect(refused.status).toBe(403);
    expect((await team.viewer.client.get(`${jobs()}/${jobId}`)).status).toBe(200);
  });

  it('a member of another organization cannot delete a job (404, nothing changed)', async () => {
    const jobId = await createJob(1);
    const other = await createTeam(api, 'Other farm');
    const refused = await other.operator.client.delete(`/api/orgs/${other.orgId}/jobs/${jobId}`);
    expect(refused.status).toBe(404);
    expect((await team.viewer.client.get(`${jobs()}/${jobId}`)).status).toBe(200);
  });

  it('the audit entry counts the queued copies a cancel or a deletion actually cancelled', async () => {
    const cancelled = await createJob(5);
    expect((await team.operator.client.post(`${jobs()}/${cancelled}/cancel`)).status).toBe(200);
    const deleted = await createJob(3);
    expect((await team.operator.client.delete(`${jobs()}/${deleted}`)).status).toBe(204);
    const entries: { action: string; details: { queuedCopiesCancelled: number } }[] = await db().query(
      `SELECT action, details FROM audit_entries WHERE subject_id = ANY($1) AND action IN ('printJob.cancelled', 'printJob.deleted')
        ORDER BY action`,
      [[cancelled, deleted]],
    );
    expect(entries.map((entry) => [entry.action, entry.details.queuedCopiesCancelled])).toEqual([
      ['printJob.cancelled', 5],
      ['printJob.deleted', 3],
    ]);
  });
});
