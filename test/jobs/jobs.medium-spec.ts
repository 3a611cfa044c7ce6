import { randomUUID } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createTeam, type Team, uploadGcode, createPrintJob } from '@farmhand/factories';
import { CopiesService, SchedulerService } from '@farmhand/jobs';
import { startApi, type ApiHarness, waitFor } from '@farmhand/testing';
import { EventEmitter2 } from '@nestjs/event-emitter';
import { DataSource } from 'typeorm';

describe('print jobs', () => {
  let api: ApiHarness;
  let team: Team;
  let dataDir: string;
  let fileId: string;

  beforeAll(async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'farmhand-jobs-'));
    api = await startApi({ DATA_DIR: dataDir });
    team = await createTeam(api);
    fileId = (
      await uploadGcode(team.operator.client, team.orgId, { material: 'PLA', sizeX: 120, sizeY: 80, height: 1 })
    ).id;
  });
  afterAll(async () => {
    await api.close();
    await rm(dataDir, { recursive: true, force: true });
  });

  const jobs = () => `/api/orgs/${team.orgId}/jobs`;
  const db = () => api.app.get(DataSource);
  const copiesOf = async (jobId: string) =>
    (await team.viewer.client.get(`${jobs()}/${jobId}`)).body.copyList as {
      id: string;
      state: string;
      attempt: number;
      printerId: string | null;
      lost: boolean;
      failureReason: string | null;
      outcome: string | null;
    }[];

  function createJob(body: Record<string, unknown> = {}) {
    return createPrintJob(team.operator.client, team.orgId, { fileId, ...body });
  }

  it('queues a job: one copy per row, requirements from the file unless given, audited', async () => {
    const job = await createJob({ copies: 3, priority: 5, notes: 'for the customer' });
    expect(job).toMatchObject({
      status: 'queued',
      copies: 3,
      priority: 5,
      counts: { queued: 3 },
      requirements: { material: 'PLA', nozzleDiameter: 0.4, minBuildX: 120, minBuildY: 80, minBuildZ: 1 },
    });
    const any = await createJob({ requirements: { material: null, minBuildX: null } });
    expect(any.requirements).toMatchObject({ material: null, minBuildX: null, minBuildY: 80 });
    const log = await team.owner.client.get(`/api/orgs/${team.orgId}/audit?action=printJob.created`);
    expect(log.body.entries.map((entry: { subjectId: string }) => entry.subjectId)).toContain(job.id);
  });

  it('refuses bad input naming the field, and viewers', async () => {
    const zero = await team.operator.client.post(jobs(), { fileId, copies: 0 });
    expect(zero.status).toBe(400);
    expect(zero.body.error.field).toBe('copies');
    const unknownFile = await team.operator.client.post(jobs(), { fileId: randomUUID(), copies: 1 });
    expect(unknownFile.body.error).toMatchObject({ code: 'unknown_file', field: 'fileId' });
    const unknownFleet = await team.operator.client.post(jobs(), { fileId, copies: 1, fleetIds: [randomUUID()] });
    expect(unknownFleet.body.error).toMatchObject({ code: 'unknown_fleet', field: 'fleetIds' });
    const extra = await team.operator.client.post(jobs(), { fileId, copies: 1, orgId: randomUUID() });
    expect(extra.status).toBe(400);
    expect((await team.viewer.client.post(jobs(), { fileId, copies: 1 })).status).toBe(403);
    // A fleet-limited operator cannot reach the plate of a printer outside their fleets.
    const outside = await team.fleetOperator.client.post(
      `/api/orgs/${team.orgId}/printers/${team.printerB.id}/bed/clear`,
      { outcome: 'good' },
    );
    expect(outside.status).toBe(404);
    expect((await team.viewer.client.get(jobs())).status).toBe(200);
  });

  it("another organization's file cannot be queued, nor its jobs seen", async () => {
    const other = await createTeam(api, 'Other farm');
    const response = await other.operator.client.post(`/api/orgs/${other.orgId}/jobs`, { fileId, copies: 1 });
    expect(response.body.error.code).toBe('unknown_file');
    const job = await createJob();
    expect((await other.owner.client.get(`/api/orgs/${team.orgId}/jobs/${job.id}`)).status).toBe(404);
    expect((await other.owner.client.get(`/api/orgs/${other.orgId}/jobs/${job.id}`)).status).toBe(404);
  });

  it('reorders, holds, releases and cancels; a cancelled job answers 409 naming its state', async () => {
    const first = await createJob({ priority: 1 });
    const second = await createJob({ priority: 1 });
    const moved = await team.operator.client.post(`${jobs()}/${second.id}/reorder`, { beforeJobId: first.id });
    expect(moved.status).toBe(200);
    const order = (await team.viewer.client.get(jobs())).body.jobs.map((job: { id: string }) => job.id);
    expect(order.indexOf(second.id)).toBeLessThan(order.indexOf(first.id));

    expect((await team.operator.client.post(`${jobs()}/${first.id}/hold`)).body.status).toBe('held');
    expect((await team.operator.client.post(`${jobs()}/${first.id}/release`)).body.status).toBe('queued');

    const cancelled = await team.operator.client.post(`${jobs()}/${first.id}/cancel`);
    expect(cancelled.body).toMatchObject({ status: 'cancelled', counts: { cancelled: 1, queued: 0 } });
    const again = await team.operator.client.post(`${jobs()}/${first.id}/cancel`);
    expect(again.status).toBe(409);
    expect(again.body.error).toMatchObject({ code: 'job_already_cancelled', details: { state: 'cancelled' } });
    expect((await team.operator.client.patch(`${jobs()}/${first.id}`, { priority: 9 })).status).toBe(409);
    expect((await team.viewer.client.post(`${jobs()}/${second.id}/cancel`)).status).toBe(403);
  });

  it('a file with unfinished jobs cannot be deleted', async () => {
    const file = await uploadGcode(team.operator.client, team.orgId, { salt: 'in-use' }, 'in-use.gcode');
    const response = await team.operator.client.post(jobs(), { fileId: file.id, copies: 2 });
    const refused = await team.operator.client.delete(`/api/orgs/${team.orgId}/files/${file.id}`);
    expect(refused.status).toBe(409);
    expect(refused.body.error.code).toBe('file_in_use');
    await team.operator.client.post(`${jobs()}/${response.body.id}/cancel`);
    expect((await team.operator.client.delete(`/api/orgs/${team.orgId}/files/${file.id}`)).status).toBe(204);
  });

  describe('a copy through its states', () => {
    let printerId: string;
    beforeAll(async () => {
      printerId = team.printerA.id;
      // Only this test's copies may be picked: cancel what earlier tests left queued.
      await db().query(`UPDATE print_copies SET state = 'cancelled' WHERE org_id = $1 AND state = 'queued'`, [
        team.orgId,
      ]);
      await db().query(
        `UPDATE printers SET state = 'operational', material = 'PLA', build_x = 250, build_y = 210,
                          build_z = 220, nozzle_diameter = 0.4 WHERE id = $1`,
        [printerId],
      );
    });

    const emit = (type: string, copyId: string | undefined, extra: Record<string, unknown> = {}) =>
      api.app.get(EventEmitter2).emit('printer.printEvent', {
        orgId: team.orgId,
        printerId,
        eventId: randomUUID(),
        type,
        job: copyId ? { fileName: 'part.gcode', copyId } : undefined,
        at: Date.now(),
        ...extra,
      });
    const assign = () => api.app.get(SchedulerService).passForOrg(team.orgId, [printerId]);
    const stateOf = async (jobId: string, copyId: string) =>
      (await copiesOf(jobId)).find((copy) => copy.id === copyId)!;

    it('queued -> assigned -> uploading -> printing -> awaiting bed clear; the plate gates the next start', async () => {
      const job = await createJob({ copies: 2 });
      const { assigned } = await assign();
      expect(assigned).toHaveLength(1);
      const copyId = assigned[0]!.copyId;
      await api.app.get(CopiesService).beginUpload(team.orgId, copyId, 1, printerId);
      expect((await stateOf(job.id, copyId)).state).toBe('uploading');

      emit('started', copyId);
      await waitFor(async () => (await stateOf(job.id, copyId)).state === 'printing', 'printing');
      emit('done', copyId);
      await waitFor(async () => (await stateOf(job.id, copyId)).state === 'awaiting_bed_clear', 'awaiting');

      await db().query(`UPDATE printers SET state = 'operational' WHERE id = $1`, [printerId]);
      expect((await assign()).assigned).toEqual([]);
      const readiness = await team.viewer.client.get(`/api/orgs/${team.orgId}/queue/readiness`);
      const mine = readiness.body.printers.find((printer: { printerId: string }) => printer.printerId === printerId);
      expect(mine).toMatchObject({ ready: false, bed: { clear: false }, activeCopy: { copyId } });

      const clear = `/api/orgs/${team.orgId}/printers/${printerId}/bed/clear`;
      expect((await team.viewer.client.post(clear, { outcome: 'good' })).status).toBe(403);
      const noVerdict = await team.operator.client.post(clear, {});
      expect(noVerdict.body.error).toMatchObject({ code: 'outcome_required', field: 'outcome' });
      const cleared = await team.operator.client.post(clear, { outcome: 'bad', requeue: true });
      expect(cleared.body).toMatchObject({ copyId, outcome: 'bad', requeued: true });
      expect((await team.operator.client.post(clear, { outcome: 'good' })).body.error.code).toBe('bed_already_clear');

      const again = await assign();
      expect(again.assigned).toHaveLength(1);
      const detail = await team.viewer.client.get(`${jobs()}/${job.id}`);
      const attempts = detail.body.attempts.filter((attempt: { copyId: string }) => attempt.copyId === copyId);
      expect(attempts[0]).toMatchObject({ attempt: 1, state: 'done', outcome: 'bad', filamentMm: 1234.5 });
      // Copy 1 went back to the queue ahead of copy 2 and got attempt 2.
      expect(again.assigned[0]).toMatchObject({ copyId, attempt: 2 });
    });

    it('a failure mid-print fails the copy, occupies the bed, and an operator requeues it', async () => {
      const [active] = await copiesOfPrinter();
      await api.app.get(CopiesService).markPrinting(team.orgId, active!.id, active!.attempt);
      emit('failed', active!.id, { reason: 'thermal runaway' });
      await waitFor(async () => (await copyById(active!.id)).state === 'failed', 'failed');
      expect(await copyById(active!.id)).toMatchObject({ failureReason: 'print_failed', printerId });

      const requeued = await team.operator.client.post(`/api/orgs/${team.orgId}/copies/${active!.id}/requeue`);
      expect(requeued.body).toMatchObject({ state: 'queued', printerId: null });
      const twice = await team.operator.client.post(`/api/orgs/${team.orgId}/copies/${active!.id}/requeue`);
      expect(twice.status).toBe(409);
      expect(twice.body.error).toMatchObject({ code: 'invalid_copy_state', details: { state: 'queued' } });
      // The failed print is still on the bed.
      expect((await assign()).assigned).toEqual([]);
      await team.operator.client.post(`/api/orgs/${team.orgId}/printers/${printerId}/bed/clear`, {});
      expect((await assign()).assigned).toHaveLength(1);
    });

    it('a cancel Farmhand sent and a print given up on an unreachable host are recorded as such', async () => {
      const [active] = await copiesOfPrinter();
      await api.app.get(CopiesService).markPrinting(team.orgId, active!.id, active!.attempt);
      for (const [type, origin, reason] of [
        ['cancelled', 'farmhand', 'cancelled_from_farmhand'],
        ['cancelled', undefined, 'cancelled_on_printer'],
        ['failed', 'link_lost', 'printer_unreachable'],
      ] as const) {
        emit(type, active!.id, origin ? { origin } : {});
        await waitFor(async () => (await copyById(active!.id)).failureReason === reason, reason);
        // The same copy printing again for the next case.
        await db().query(`UPDATE print_copies SET state = 'printing', failure_reason = NULL WHERE id = $1`, [
          active!.id,
        ]);
      }
      // As the next test expects it: assigned to this printer, plate clear.
      await db().query(`UPDATE print_copies SET state = 'assigned' WHERE id = $1`, [active!.id]);
      await team.operator.client.post(`/api/orgs/${team.orgId}/printers/${printerId}/bed/clear`, {});
    });

    it('an agent lost mid-print marks the copy lost; the operator requeues it', async () => {
      const [active] = await copiesOfPrinter();
      await api.app.get(CopiesService).markPrinting(team.orgId, active!.id, active!.attempt);
      const refused = await team.operator.client.post(`/api/orgs/${team.orgId}/copies/${active!.id}/requeue`);
      expect(refused.body.error.message).toBe('Cannot requeue: the copy is printing');

      // The ids of the copies marked lost come back (an UPDATE … RETURNING answers [rows, count]).
      expect(await api.app.get(CopiesService).onPrinterOffline(team.orgId, printerId)).toEqual([active!.id]);
      expect((await copyById(active!.id)).lost).toBe(true);
      const requeued = await team.operator.client.post(`/api/orgs/${team.orgId}/copies/${active!.id}/requeue`);
      expect(requeued.body).toMatchObject({ state: 'queued', lost: false });
      const history = await team.viewer.client.get(`/api/orgs/${team.orgId}/printers/${printerId}/history`);
      expect(history.body.attempts.map((attempt: { failureReason: string | null }) => attempt.failureReason)).toContain(
        'printer_lost',
      );
      expect(history.body.summary.failed).toBeGreaterThanOrEqual(2);
    });

    it('cancelling a done copy answers 409 naming its state; utilization is reported per fleet', async () => {
      // The lost print's plate is looked at, then the requeued copy goes out again.
      await team.operator.client.post(`/api/orgs/${team.orgId}/printers/${printerId}/bed/clear`, {});
      expect((await assign()).assigned).toHaveLength(1);
      const [active] = await copiesOfPrinter();
      await api.app.get(CopiesService).markPrinting(team.orgId, active!.id, active!.attempt);
      emit('done', active!.id);
      await waitFor(async () => (await copyById(active!.id)).state === 'awaiting_bed_clear', 'awaiting');
      await team.operator.client.post(`/api/orgs/${team.orgId}/printers/${printerId}/bed/clear`, { outcome: 'good' });
      expect(await copyById(active!.id)).toMatchObject({ state: 'done', outcome: 'good' });
      const response = await team.operator.client.post(`/api/orgs/${team.orgId}/copies/${active!.id}/cancel`);
      expect(response.status).toBe(409);
      expect(response.body.error.message).toBe('Cannot cancel a copy that is done');

      const from = new Date(Date.now() - 3600_000).toISOString();
      const to = new Date(Date.now() + 60_000).toISOString();
      const stats = await team.viewer.client.get(`/api/orgs/${team.orgId}/stats/utilization?from=${from}&to=${to}`);
      expect(stats.status).toBe(200);
      const fleetA = stats.body.fleets.find((fleet: { fleetId: string }) => fleet.fleetId === team.fleetA);
      expect(fleetA).toMatchObject({ printers: 1, bad: 1, good: 1, printed: 2 });
      expect(fleetA.failed).toBeGreaterThanOrEqual(2);
      const limited = await team.fleetOperator.client.get(
        `/api/orgs/${team.orgId}/stats/utilization?from=${from}&to=${to}`,
      );
      expect(limited.body.fleets.map((fleet: { fleetId: string }) => fleet.fleetId)).toEqual([team.fleetA]);
    });

    async function copiesOfPrinter() {
      return (await db().query(
        `SELECT id, attempt FROM print_copies WHERE printer_id = $1 AND state IN ('assigned', 'uploading', 'printing')`,
        [printerId],
      )) as { id: string; attempt: number }[];
    }
    async function copyById(copyId: string) {
      const [row] = (await db().query(`SELECT job_id FROM print_copies WHERE id = $1`, [copyId])) as {
        job_id: string;
      }[];
      return stateOf(row!.job_id, copyId);
    }
  });
});
