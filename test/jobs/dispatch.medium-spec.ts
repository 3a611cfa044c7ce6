import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DomainException, createLogger } from '@farmhand/core';
import { createTeam, type Team, uploadGcode } from '@farmhand/factories';
import { FilesService } from '@farmhand/files';
import {
  CopiesService,
  DispatchJobs,
  SchedulerService,
  dispatchCommandId,
  type LivePrint,
  type PrinterLink,
} from '@farmhand/jobs';
import { startApi, type ApiHarness } from '@farmhand/testing';
import { DataSource } from 'typeorm';
import { SpoolDirectory } from '@farmhand/spools';

/** An agent as the dispatch sees it: runs each command id once (like the real one), scripted failures first. */
class FakeAgent implements PrinterLink {
  online = true;
  state = 'operational';
  printingCopy: string | null = null;
  readonly received: string[] = [];
  readonly prints = new Map<string, number>();
  failures: unknown[] = [];

  async onlineAmong(ids: string[]) {
    return new Set(this.online ? ids : []);
  }
  async live(): Promise<LivePrint> {
    return {
      online: this.online,
      state: this.online ? this.state : null,
      copyId: this.printingCopy,
      fileName: null,
      sha256: null,
    };
  }
  async execute(_principal: unknown, _orgId: string, _printerId: string, command: { id: string; args?: unknown }) {
    this.received.push(command.id);
    const failure = this.failures.shift();
    if (failure) throw failure;
    if (!this.prints.has(command.id)) {
      this.prints.set(command.id, 1);
      this.state = 'printing';
      this.printingCopy = (command.args as { copyId: string }).copyId;
    }
    return { path: 'part.gcode', printing: true };
  }
}

describe('dispatch', () => {
  let api: ApiHarness;
  let team: Team;
  let dataDir: string;
  let agent: FakeAgent;
  let dispatch: DispatchJobs;
  let fileId: string;

  beforeAll(async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'farmhand-dispatch-'));
    api = await startApi({ DATA_DIR: dataDir, SCHEDULER_MAX_STARTS_PER_FLEET_PER_MINUTE: '1000' });
    team = await createTeam(api);
    fileId = (await uploadGcode(team.operator.client, team.orgId)).id;
    await db().query(
      `UPDATE printers SET material = 'PLA', nozzle_diameter = 0.4, build_x = 250, build_y = 210,
                        build_z = 220 WHERE id = $1`,
      [team.printerA.id],
    );
  });
  afterAll(async () => {
    await api.close();
    await rm(dataDir, { recursive: true, force: true });
  });

  beforeEach(async () => {
    agent = new FakeAgent();
    dispatch = new DispatchJobs(
      api.app.get(CopiesService),
      api.app.get(FilesService),
      api.app.get(SpoolDirectory),
      agent,
      createLogger('dispatch-test', 'silent'),
    );
    // A ready printer and one fresh queued copy for each test.
    await db().query(`UPDATE print_copies SET state = 'cancelled' WHERE org_id = $1 AND state <> 'done'`, [team.orgId]);
    await db().query(`DELETE FROM printer_beds WHERE printer_id = $1`, [team.printerA.id]);
    await db().query(`UPDATE printers SET state = 'operational' WHERE id = $1`, [team.printerA.id]);
    await team.operator.client.post(`/api/orgs/${team.orgId}/jobs`, { fileId, copies: 1 });
  });

  const db = () => api.app.get(DataSource);
  async function assignOne() {
    const { assigned } = await api.app.get(SchedulerService).passForOrg(team.orgId, [team.printerA.id]);
    expect(assigned).toHaveLength(1);
    const copy = assigned[0]!;
    return { orgId: copy.orgId, copyId: copy.copyId, printerId: copy.printerId, attempt: copy.attempt };
  }
  const copy = async (copyId: string) =>
    (
      (await db().query(
        `SELECT c.state, c.failure_reason, c.attempt, b.clear AS bed_clear FROM print_copies c
           LEFT JOIN printer_beds b ON b.printer_id = $2 WHERE c.id = $1`,
        [copyId, team.printerA.id],
      )) as { state: string; failure_reason: string | null; attempt: number; bed_clear: boolean | null }[]
    )[0]!;

  it('a retried dispatch is the same command: the agent prints once', async () => {
    const payload = await assignOne();
    agent.failures = [new DomainException('timeout', 'command_timeout', 'no answer')];
    await expect(dispatch.dispatch(payload, { attemptsMade: 0 })).rejects.toThrow('no answer');
    expect((await copy(payload.copyId)).state).toBe('uploading');

    expect(await dispatch.dispatch(payload, { attemptsMade: 1 })).toMatchObject({ status: 'printing' });
    expect(agent.received).toEqual([
      dispatchCommandId(payload.copyId, payload.attempt),
      dispatchCommandId(payload.copyId, payload.attempt),
    ]);
    expect([...agent.prints.values()]).toEqual([1]);
    expect((await copy(payload.copyId)).state).toBe('printing');
    // A late duplicate of the job (BullMQ stalled-job recovery) finds the copy already printing.
    expect(await dispatch.dispatch(payload, { attemptsMade: 2 })).toMatchObject({ status: 'stale', state: 'printing' });
    expect(agent.received).toHaveLength(2);
  });

  it('an agent printing the copy after a lost answer is recognised, not sent again', async () => {
    const payload = await assignOne();
    agent.failures = [new DomainException('timeout', 'command_timeout', 'no answer')];
    agent.execute = async function (this: FakeAgent, ...args: Parameters<FakeAgent['execute']>) {
      // The command arrived and started the print, but the answer was lost.
      this.state = 'printing';
      this.printingCopy = (args[3] as { args: { copyId: string } }).args.copyId;
      this.received.push(args[3].id);
      throw new DomainException('timeout', 'command_timeout', 'no answer');
    };
    expect(await dispatch.dispatch(payload, { attemptsMade: 0 })).toMatchObject({
      status: 'printing',
      recovered: true,
    });
    expect(agent.received).toHaveLength(1);
  });

  it('an offline printer before anything was sent puts the copy back in the queue', async () => {
    const payload = await assignOne();
    agent.online = false;
    expect(await dispatch.dispatch(payload, { attemptsMade: 0 })).toEqual({
      status: 'requeued',
      reason: 'printer_offline',
    });
    expect(await copy(payload.copyId)).toMatchObject({ state: 'queued', failure_reason: 'printer_offline' });
    expect(agent.received).toEqual([]);
  });

  it('an agent lost during the dispatch ends, after the last retry, as failed printer_offline with the bed to check', async () => {
    const payload = await assignOne();
    agent.failures = [
      new DomainException('timeout', 'command_timeout', 'no answer'),
      new DomainException('conflict', 'printer_offline', 'gone'),
    ];
    await expect(dispatch.dispatch(payload, { attemptsMade: 0 })).rejects.toThrow();
    expect(await dispatch.dispatch(payload, { attemptsMade: 5 })).toEqual({
      status: 'failed',
      reason: 'printer_offline',
    });
    expect(await copy(payload.copyId)).toMatchObject({
      state: 'failed',
      failure_reason: 'printer_offline',
      bed_clear: false,
    });
  });

  it('a refused download (hash mismatch) fails at once and leaves the bed clear', async () => {
    const payload = await assignOne();
    agent.failures = [new DomainException('unavailable', 'checksum_mismatch', 'bad bytes')];
    expect(await dispatch.dispatch(payload, { attemptsMade: 0 })).toEqual({
      status: 'failed',
      reason: 'checksum_mismatch',
    });
    expect(await copy(payload.copyId)).toMatchObject({ state: 'failed', bed_clear: null });
  });

  it('a download that failed on the agent is tried again as a new command, three assignments at most', async () => {
    const downloadFailed = () => new DomainException('unavailable', 'download_failed', 'file server answered 502');
    for (const expected of ['requeued', 'requeued', 'failed']) {
      const payload = await assignOne();
      agent.failures = [downloadFailed()];
      expect(await dispatch.dispatch(payload, { attemptsMade: 0 })).toEqual({
        status: expected,
        reason: 'download_failed',
      });
    }
    expect(new Set(agent.received).size).toBe(3);
    const [row] = await db().query(
      `SELECT state, attempt FROM print_copies WHERE state = 'failed' AND org_id = $1
      AND failure_reason = 'download_failed'`,
      [team.orgId],
    );
    expect(row).toEqual({ state: 'failed', attempt: 3 });
  });

  it('a busy printer (the agent did nothing) requeues the copy; a stale payload does nothing', async () => {
    const payload = await assignOne();
    agent.failures = [new DomainException('conflict', 'invalid_state', 'cannot dispatch while printing')];
    expect(await dispatch.dispatch(payload, { attemptsMade: 0 })).toEqual({
      status: 'requeued',
      reason: 'invalid_state',
    });
    expect(await dispatch.dispatch({ ...payload, attempt: payload.attempt + 7 }, { attemptsMade: 0 })).toEqual({
      status: 'stale',
    });
  });
});
