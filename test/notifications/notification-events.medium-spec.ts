import { DomainEvents, JobQueue } from '@farmhand/core';
import { createPrintJob, createTeam, type Team } from '@farmhand/factories';
import { waitFor } from '@farmhand/testing';
import { DataSource } from 'typeorm';
import { MailCatcher } from './mail-harness';
import { startFarm, type Farm } from './webhook-harness';

/**
 * `bed.waiting` and `queue.empty` through the real api and worker: a delayed job per waiting plate (promoted here
 * instead of waiting 15 minutes), a Redis mark per drained queue; both reach webhooks, channels and personal mail.
 */
describe('bed waiting and queue empty events', () => {
  let farm: Farm;
  let team: Team;
  let mail: MailCatcher;
  let settled = 0;

  beforeAll(async () => {
    mail = await new MailCatcher().start();
    farm = await startFarm(
      { SMTP_URL: mail.url, MAIL_FROM: 'Farmhand <farmhand@farm.example>', EMAIL_VERIFICATION_REQUIRED: 'false' },
      { worker: true },
    );
    team = await createTeam(farm.api, 'Events Farm');
    const chosen = await team.owner.client.request('PUT', `/api/orgs/${team.orgId}/notification-preferences/me`, {
      emailEvents: ['bed.waiting', 'queue.empty'],
      pushEvents: [],
      urgentEvents: [],
      fleetIds: null,
      timeZone: 'UTC',
      quietHours: null,
      digestHour: null,
    });
    expect(chosen.status).toBe(200);
  });
  afterAll(async () => {
    await farm.close();
    await mail.stop();
  });

  const db = () => farm.api.app.get(DataSource);
  const events = () => farm.api.app.get(DomainEvents);
  const queue = () => farm.api.app.get(JobQueue).queueFor('notification.bedWaiting');
  const notifications = () =>
    mail
      .to(team.owner.email)
      .map((received) => received.parsed.subject ?? '')
      .filter((subject) => !subject.includes('invited'));
  async function jobsSettled(name: string, more: number): Promise<void> {
    settled += more;
    await waitFor(async () => {
      const count = async (states: ('waiting' | 'active' | 'completed' | 'failed')[]) =>
        (await queue().getJobs(states, 0, 10_000)).filter((job) => job.name === name).length;
      return (await count(['waiting', 'active'])) === 0 && (await count(['completed', 'failed'])) >= settled;
    }, `${settled} ${name} jobs to run`);
  }
  async function bedWaitingJobs(copyId: string) {
    return (await queue().getJobs(['delayed', 'waiting', 'active', 'completed'], 0, 10_000)).filter(
      (job) => job.name === 'notification.bedWaiting' && job.data.copyId === copyId,
    );
  }
  async function finishOnPrinter(copyId: string, printerId = team.printerA.id): Promise<void> {
    await db().query(
      `UPDATE print_copies SET state = 'awaiting_bed_clear', printer_id = $2, attempt = 1, assigned_at = now(),
              started_at = now() - interval '1 hour', finished_at = now() WHERE id = $1`,
      [copyId, printerId],
    );
  }

  it('bed.waiting fires once, after the waiting time, for a plate still waiting; a webhook may subscribe to it', async () => {
    const hook = await team.owner.client.post(`/api/orgs/${team.orgId}/webhooks`, {
      url: 'https://hooks.example.com/farm',
      events: ['bed.waiting', 'queue.empty'],
    });
    expect([hook.status, hook.body.events]).toEqual([201, ['bed.waiting', 'queue.empty']]);
    // The organization waits 30 minutes rather than the default 15.
    const settings = `/api/orgs/${team.orgId}/notification-settings`;
    expect((await team.admin.client.get(settings)).body).toEqual({ bedWaitingMinutes: 15 });
    expect((await team.admin.client.request('PUT', settings, { bedWaitingMinutes: 30 })).body).toEqual({
      bedWaitingMinutes: 30,
    });
    const job = await createPrintJob(team.owner.client, team.orgId, { held: true });
    const copyId = job.copyIds[0]!;
    await finishOnPrinter(copyId);
    const changed = {
      orgId: team.orgId,
      jobId: job.id,
      copyId,
      printerId: team.printerA.id,
      from: 'printing',
      to: 'awaiting_bed_clear',
    } as const;
    events().emit('printCopy.stateChanged', changed);
    // The same waiting period told twice (a retried event) is still one timer.
    events().emit('printCopy.stateChanged', changed);
    const [timer] = await waitFor(async () => {
      const jobs = await bedWaitingJobs(copyId);
      return jobs.length > 0 && jobs;
    }, 'the bed-waiting timer');
    expect(await bedWaitingJobs(copyId)).toHaveLength(1);
    expect(timer!.opts.delay).toBe(30 * 60_000);
    expect(await timer!.getState()).toBe('delayed');
    expect(notifications().filter((subject) => subject.includes('waits to be cleared'))).toEqual([]);

    // Time passes: the timer is promoted rather than waited for.
    await timer!.promote();
    await jobsSettled('notification.bedWaiting', 1);
    await waitFor(
      () => notifications().some((subject) => subject.includes('waits to be cleared')),
      'the bed-waiting mail',
    );
    expect(notifications().filter((subject) => subject.includes('waits to be cleared'))).toEqual([
      `[Farmhand] The bed of ${team.printerA.name} waits to be cleared`,
    ]);
    const deliveries = await db().query(
      `SELECT event, payload->>'waitingMinutes' AS minutes FROM webhook_deliveries WHERE webhook_id = $1`,
      [hook.body.id],
    );
    expect(deliveries).toEqual([{ event: 'bed.waiting', minutes: '30' }]);
    await db().query(`DELETE FROM webhooks`);
  });

  it('bed.waiting is not sent when the plate was cleared before the time was up', async () => {
    const before = notifications().length;
    const job = await createPrintJob(team.owner.client, team.orgId, { held: true });
    const copyId = job.copyIds[0]!;
    await finishOnPrinter(copyId, team.printerB.id);
    events().emit('printCopy.stateChanged', {
      orgId: team.orgId,
      jobId: job.id,
      copyId,
      printerId: team.printerB.id,
      from: 'printing',
      to: 'awaiting_bed_clear',
    });
    const [timer] = await waitFor(async () => {
      const jobs = await bedWaitingJobs(copyId);
      return jobs.length > 0 && jobs;
    }, 'the bed-waiting timer');
    await db().query(`UPDATE print_copies SET state = 'done' WHERE id = $1`, [copyId]);
    await timer!.promote();
    await jobsSettled('notification.bedWaiting', 1);
    expect(await (await queue().getJob(timer!.id!))!.returnvalue).toEqual({ status: 'cleared' });
    expect(notifications()).toHaveLength(before);
  });

  it('queue.empty fires once per transition: when the last queued copy leaves, not again until the queue refills', async () => {
    await db().query(`UPDATE print_copies SET state = 'done' WHERE org_id = $1 AND state = 'queued'`, [team.orgId]);
    const before = notifications().filter((subject) => subject.includes('queue is empty')).length;
    const job = await createPrintJob(team.owner.client, team.orgId, { copies: 2, held: true });
    const [first, second] = job.copyIds as [string, string];
    const leave = async (copyId: string) => {
      await db().query(`UPDATE print_copies SET state = 'cancelled' WHERE id = $1`, [copyId]);
      events().emit('printCopy.stateChanged', {
        orgId: team.orgId,
        jobId: job.id,
        copyId,
        printerId: null,
        from: 'queued',
        to: 'cancelled',
      });
    };
    const empties = () => notifications().filter((subject) => subject.includes('queue is empty')).length - before;

    await leave(first);
    await leave(second);
    // The last one told twice (two processes, a retry): one notification.
    await leave(second);
    await waitFor(() => empties() >= 1, 'the queue-empty mail');

    // Refilled and drained again: a new transition, a new notification.
    await db().query(`UPDATE print_copies SET state = 'queued' WHERE id = $1`, [first]);
    events().emit('printCopy.stateChanged', {
      orgId: team.orgId,
      jobId: job.id,
      copyId: first,
      printerId: null,
      from: 'cancelled',
      to: 'queued',
    });
    await leave(first);
    await waitFor(() => empties() >= 2, 'the second queue-empty mail');
    const jobs = (
      await farm.api.app.get(JobQueue).queueFor('notification.personal').getJobs(['completed'], 0, 10_000)
    ).filter((row) => row.name === 'notification.personal' && row.data.event === 'queue.empty');
    expect(jobs).toHaveLength(2);
    expect(empties()).toBe(2);
  });

  it('the bed-waiting time is the admins’: operators, viewers and fleet-limited members may not change it; bad values name the field', async () => {
    const settings = `/api/orgs/${team.orgId}/notification-settings`;
    for (const member of [team.operator, team.viewer, team.fleetOperator]) {
      expect((await member.client.request('PUT', settings, { bedWaitingMinutes: 1 })).status).toBe(403);
      expect((await member.client.get(settings)).status).toBe(403);
    }
    const outsider = await createTeam(farm.api, 'Outsider Farm');
    expect((await outsider.owner.client.request('PUT', settings, { bedWaitingMinutes: 1 })).status).toBe(404);
    for (const bedWaitingMinutes of [0, 1441, 2.5, '15', null, 'x\u0000']) {
      const answer = await team.owner.client.request('PUT', settings, { bedWaitingMinutes });
      expect([bedWaitingMinutes, answer.status, JSON.stringify(answer.body.error)]).toEqual([
        bedWaitingMinutes,
        400,
        expect.stringContaining('bedWaitingMinutes'),
      ]);
    }
    const audited = await db().query(
      `SELECT details->>'bedWaitingMinutes' AS minutes FROM audit_entries
        WHERE org_id = $1 AND action = 'notificationSettings.updated'`,
      [team.orgId],
    );
    expect(audited).toEqual([{ minutes: '30' }]);
  });
});
