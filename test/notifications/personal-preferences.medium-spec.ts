import { randomUUID } from 'node:crypto';
import { DomainEvents, JobQueue } from '@farmhand/core';
import { addMember, createApiKey, createTeam, type Team } from '@farmhand/factories';
import { PersonalNotificationJobs } from '@farmhand/notifications';
import type { HttpClient } from '@farmhand/testing';
import { waitFor } from '@farmhand/testing';
import { DataSource } from 'typeorm';
import { MailCatcher } from './mail-harness';
import { startFarm, type Farm } from './webhook-harness';

const NONE = {
  emailEvents: [],
  pushEvents: [],
  urgentEvents: [],
  fleetIds: null,
  timeZone: 'UTC',
  quietHours: null,
  digestHour: null,
};
const clock = (date: Date) => date.toISOString().slice(11, 16);

/**
 * Each member's own notification preferences, through the real api and worker, with mail received by a real local
 * SMTP server: what is chosen filters delivery, what a member may read clamps it, quiet hours hold non-urgent events
 * until they end (time driven through the release handler's `now`), and the digest gathers the day into one mail.
 */
describe('personal notification preferences', () => {
  let farm: Farm;
  let team: Team;
  let other: Team;
  let mail: MailCatcher;
  let settled = 0;

  beforeAll(async () => {
    mail = await new MailCatcher().start();
    farm = await startFarm(
      {
        SMTP_URL: mail.url,
        MAIL_FROM: 'Farmhand <farmhand@farm.example>',
        EMAIL_VERIFICATION_REQUIRED: 'false',
      },
      { worker: true },
    );
    team = await createTeam(farm.api, 'Prefs Farm');
    other = await createTeam(farm.api, 'Other Prefs Farm');
  });
  afterAll(async () => {
    await farm.close();
    await mail.stop();
  });
  beforeEach(async () => {
    await db().query(`DELETE FROM notification_preferences`);
    await db().query(`DELETE FROM held_notifications`);
  });

  const db = () => farm.api.app.get(DataSource);
  const base = (orgId = team.orgId) => `/api/orgs/${orgId}/notification-preferences/me`;
  const queue = () => farm.api.app.get(JobQueue).queueFor('notification.personal');
  async function choose(client: HttpClient, body: Record<string, unknown>) {
    const answer = await client.request('PUT', base(), { ...NONE, ...body });
    expect([answer.status, answer.body.error]).toEqual([200, undefined]);
    return answer.body;
  }
  /** Waits until every personal notification job queued so far (and `more` new ones) has run. */
  async function personalJobsSettled(more: number): Promise<void> {
    settled += more;
    await waitFor(async () => {
      const personal = async (states: ('waiting' | 'active' | 'delayed' | 'completed' | 'failed')[]) =>
        (await queue().getJobs(states, 0, 10_000)).filter((job) => job.name === 'notification.personal').length;
      return (
        (await personal(['waiting', 'active', 'delayed'])) === 0 && (await personal(['completed', 'failed'])) >= settled
      );
    }, `${settled} personal notification jobs to run`);
  }
  const offline = (printerId: string) =>
    farm.api.app.get(DomainEvents).emit('printer.offline', { orgId: team.orgId, printerId });
  // Invitations are mailed too (SMTP is configured): only notifications count here.
  const mailsTo = (address: string) =>
    mail
      .to(address)
      .map((received) => received.parsed.subject)
      .filter((subject) => !subject?.includes('invited'));

  it('every role, viewer included, reads and sets their own preferences; each change audited', async () => {
    const empty = await team.viewer.client.get(base());
    expect([empty.status, empty.body]).toEqual([200, { ...NONE, updatedAt: null }]);
    const saved = await choose(team.viewer.client, {
      emailEvents: ['print.failed', 'alert.raised'],
      pushEvents: ['alert.raised'],
      urgentEvents: ['alert.raised'],
      fleetIds: [team.fleetA],
      timeZone: 'Europe/Berlin',
      quietHours: { start: '22:00', end: '07:00' },
      digestHour: 8,
    });
    expect(saved).toMatchObject({
      fleetIds: [team.fleetA],
      quietHours: { start: '22:00', end: '07:00' },
      digestHour: 8,
    });
    expect((await team.viewer.client.get(base())).body).toEqual(saved);
    // Someone else's preferences are not theirs: the owner still sees their own defaults.
    expect((await team.owner.client.get(base())).body.emailEvents).toEqual([]);
    const audited = await db().query(
      `SELECT action, actor_id FROM audit_entries WHERE org_id = $1 AND action = 'notificationPreference.updated'`,
      [team.orgId],
    );
    expect(audited).toEqual([{ action: 'notificationPreference.updated', actor_id: team.viewer.userId }]);
  });

  it('refuses bad input naming the field: unknown events, time zones, hostile text, fleets out of reach', async () => {
    const cases: Array<[HttpClient, Record<string, unknown>, string, string]> = [
      [team.viewer.client, { emailEvents: ['printer.exploded'] }, 'validation_failed', 'emailEvents'],
      [team.viewer.client, { timeZone: 'Mars/Olympus' }, 'invalid_time_zone', 'timeZone'],
      [team.viewer.client, { timeZone: 'UTC\u0000' }, 'invalid_text', 'timeZone'],
      [team.viewer.client, { timeZone: 'Europe/\ud800Berlin' }, 'invalid_text', 'timeZone'],
      [team.viewer.client, { quietHours: { start: '25:00', end: '07:00' } }, 'validation_failed', 'quietHours.start'],
      [team.viewer.client, { digestHour: 24 }, 'validation_failed', 'digestHour'],
      [team.viewer.client, { urgentEvents: ['print.done'] }, 'validation_failed', 'urgentEvents'],
      [team.viewer.client, { urgentEvents: ['alert.raised'] }, 'invalid_urgent_events', 'urgentEvents'],
      // A fleet-limited operator cannot even choose the other fleet; nobody chooses another organization's.
      [team.fleetOperator.client, { fleetIds: [team.fleetB] }, 'fleet_not_found', 'fleetIds'],
      [team.owner.client, { fleetIds: [other.fleetA] }, 'fleet_not_found', 'fleetIds'],
      [team.owner.client, { fleetIds: [randomUUID()] }, 'fleet_not_found', 'fleetIds'],
    ];
    for (const [client, body, code, field] of cases) {
      const answer = await client.request('PUT', base(), { ...NONE, ...body });
      expect({ body, status: answer.status, code: answer.body.error?.code }).toEqual({ body, status: 400, code });
      expect(JSON.stringify(answer.body.error)).toContain(field);
    }
  });

  it('wrong organization and API keys: no preferences through another organization, none for keys', async () => {
    expect((await other.owner.client.get(base())).status).toBe(404);
    expect((await other.owner.client.request('PUT', base(), NONE)).status).toBe(404);
    const key = await createApiKey(team.owner.client, team.orgId, { scopes: ['read:Printer'] });
    const client = farm.api.client();
    client.bearer = key.key;
    expect((await client.get(base())).status).toBe(403);
    expect((await farm.api.client().get(base())).status).toBe(401);
  });

  it('preferences filter delivery, clamped to what each member may read (fleet-limited operator, viewer’s fleets)', async () => {
    mail.mails.length = 0;
    const offlineEvents = { emailEvents: ['printer.offline'] };
    await choose(team.owner.client, offlineEvents);
    await choose(team.viewer.client, { ...offlineEvents, fleetIds: [team.fleetA] });
    // The fleet-limited operator asks for every fleet: they still only get fleet A's printers.
    await choose(team.fleetOperator.client, offlineEvents);
    // The admin chose another event only.
    await choose(team.admin.client, { emailEvents: ['print.failed'] });

    offline(team.printerB.id);
    await personalJobsSettled(3);
    await waitFor(() => mailsTo(team.owner.email).length === 1, 'the owner’s mail');
    expect(mailsTo(team.owner.email)).toEqual([`[Farmhand] ${team.printerB.name} went offline`]);
    expect(mailsTo(team.viewer.email)).toEqual([]);
    expect(mailsTo(team.fleetOperator.email)).toEqual([]);
    expect(mailsTo(team.admin.email)).toEqual([]);

    offline(team.printerA.id);
    await personalJobsSettled(3);
    await waitFor(() => mail.mails.length === 4, 'three more mails');
    for (const member of [team.owner, team.viewer, team.fleetOperator])
      expect(mailsTo(member.email)).toContain(`[Farmhand] ${team.printerA.name} went offline`);
    expect(mailsTo(team.admin.email)).toEqual([]);
    // Each personal mail carries its own one-click unsubscribe link.
    const received = mail.to(team.viewer.email)[0]!.parsed;
    expect(received.headerLines.map((line) => line.line)).toContain(
      'List-Unsubscribe-Post: List-Unsubscribe=One-Click',
    );
  });

  it('a removed member gets nothing, whatever their preferences say', async () => {
    mail.mails.length = 0;
    const leaving = await addMember(farm.api, team.owner.client, team.orgId, 'operator');
    await choose(leaving.client, { emailEvents: ['printer.offline'] });
    await choose(team.owner.client, { emailEvents: ['printer.offline'] });
    expect((await team.owner.client.delete(`/api/orgs/${team.orgId}/members/${leaving.membershipId}`)).status).toBe(
      204,
    );
    offline(team.printerA.id);
    await personalJobsSettled(2);
    await waitFor(() => mailsTo(team.owner.email).length === 1, 'the owner’s mail');
    expect(mailsTo(leaving.email)).toEqual([]);
  });

  it('push: a chosen event queues one notification.push job for the member, with the frame link for alerts', async () => {
    await choose(team.operator.client, { pushEvents: ['alert.raised'] });
    const alertId = randomUUID();
    farm.api.app.get(DomainEvents).emit('detection.alertRaised', {
      orgId: team.orgId,
      printerId: team.printerA.id,
      alertId,
      level: 'pause',
      score: 0.9,
      copyId: null,
      frameId: randomUUID(),
      boxes: [],
      at: new Date().toISOString(),
    });
    await personalJobsSettled(1);
    const pushes = await waitFor(async () => {
      const jobs = await farm.api.app
        .get(JobQueue)
        .queueFor('notification.push')
        .getJobs(['completed', 'waiting', 'active']);
      const mine = jobs.filter((job) => job.name === 'notification.push' && job.data.userId === team.operator.userId);
      return mine.length > 0 && mine;
    }, 'the push job');
    expect(pushes).toHaveLength(1);
    expect(pushes[0]!.data).toMatchObject({
      orgId: team.orgId,
      userId: team.operator.userId,
      event: 'alert.raised',
      title: `Possible print failure on ${team.printerA.name}`,
      url: `${farm.api.config.PUBLIC_URL}/orgs/${team.orgId}/alerts`,
      frameUrl: expect.stringContaining('/api/notification-frames/'),
    });
  });

  it('quiet hours hold a non-urgent event until they end; an urgent alert is delivered anyway', async () => {
    mail.mails.length = 0;
    const now = new Date();
    const end = new Date(now.getTime() + 60 * 60_000);
    await choose(team.owner.client, {
      emailEvents: ['printer.offline', 'alert.raised'],
      urgentEvents: ['alert.raised'],
      quietHours: { start: clock(new Date(now.getTime() - 60 * 60_000)), end: clock(end) },
    });
    offline(team.printerA.id);
    farm.api.app.get(DomainEvents).emit('detection.alertRaised', {
      orgId: team.orgId,
      printerId: team.printerA.id,
      alertId: randomUUID(),
      level: 'warning',
      score: 0.7,
      copyId: null,
      frameId: null,
      boxes: [],
      at: now.toISOString(),
    });
    await personalJobsSettled(2);
    await waitFor(() => mailsTo(team.owner.email).length === 1, 'the urgent alert mail');
    expect(mailsTo(team.owner.email)).toEqual([`[Farmhand] Possible print failure on ${team.printerA.name}`]);
    const held = await db().query(`SELECT event, reason, release_at FROM held_notifications`);
    expect(held).toEqual([{ event: 'printer.offline', reason: 'quiet', release_at: expect.any(Date) }]);

    const jobs = farm.worker!.get(PersonalNotificationJobs);
    // A minute before the end of the quiet hours nothing is released; at their end the mail goes.
    expect(await jobs.releaseDue(new Date(end.getTime() - 2 * 60_000))).toMatchObject({ sent: 0 });
    expect(await jobs.releaseDue(new Date(end.getTime() + 60_000))).toMatchObject({ sent: 1, dropped: 0 });
    await waitFor(() => mailsTo(team.owner.email).length === 2, 'the held mail');
    expect(mailsTo(team.owner.email)[1]).toBe(`[Farmhand] ${team.printerA.name} went offline`);
    expect(await db().query(`SELECT id FROM held_notifications`)).toEqual([]);
  });

  it('the daily digest collects the chosen events into one mail at the chosen hour; its unsubscribe link works', async () => {
    mail.mails.length = 0;
    await choose(team.operator.client, { emailEvents: ['printer.offline'], digestHour: 8, timeZone: 'Asia/Tokyo' });
    offline(team.printerA.id);
    offline(team.printerB.id);
    await personalJobsSettled(2);
    const held = await db().query(`SELECT reason, release_at FROM held_notifications ORDER BY created_at`);
    expect(held.map((row: { reason: string }) => row.reason)).toEqual(['digest', 'digest']);
    // 08:00 in Tokyo is 23:00 UTC.
    expect((held[0].release_at as Date).toISOString()).toMatch(/T23:00:00\.000Z$/);
    expect(mailsTo(team.operator.email)).toEqual([]);

    const result = await farm.worker!.get(PersonalNotificationJobs).releaseDue(new Date(Date.now() + 25 * 3600_000));
    expect(result).toMatchObject({ sent: 1, dropped: 0 });
    const [digest] = await waitFor(
      () => mail.to(team.operator.email).length === 1 && mail.to(team.operator.email),
      'the digest',
    );
    expect(digest!.parsed.subject).toBe('[Farmhand] Daily digest: 2 notifications');
    expect(digest!.parsed.text).toContain(`${team.printerA.name} went offline`);
    expect(digest!.parsed.text).toContain(`${team.printerB.name} went offline`);

    const link = /Stop these mails: (\S+)/.exec(digest!.parsed.text!)![1]!;
    const page = await fetch(link);
    expect([page.status, await page.text()]).toEqual([200, expect.stringContaining('<form method="post">')]);
    const tampered = await fetch(
      link.replace(/.$/, (c) => (c === 'A' ? 'B' : 'A')),
      { method: 'POST' },
    );
    expect(tampered.status).toBe(404);
    expect((await fetch(link, { method: 'POST' })).status).toBe(200);
    expect((await team.operator.client.get(base())).body.emailEvents).toEqual([]);
    const audited = await db().query(
      `SELECT action FROM audit_entries WHERE org_id = $1 AND action = 'notificationPreference.unsubscribed'`,
      [team.orgId],
    );
    expect(audited).toHaveLength(1);
  });
});
