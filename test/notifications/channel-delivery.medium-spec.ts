import { randomUUID } from 'node:crypto';
import { DomainEvents } from '@farmhand/core';
import { DetectionFrame, FrameStorage } from '@farmhand/detection';
import { createTeam, uniqueEmail, type Team } from '@farmhand/factories';
import { waitFor } from '@farmhand/testing';
import { DataSource } from 'typeorm';
import { MailCatcher } from './mail-harness';
import { Receiver, startFarm, type Farm } from './webhook-harness';

const TELEGRAM_TOKEN = '123456789:AAHfiqksKZ8WmR2zSjiQ7_v4TMAKdiHm9T0';
const SLACK_BOT_TOKEN = 'xoxb-1234567890-0987654321-AbCdEfGhIjKlMnOpQrStUvWx';
const NTFY_TOKEN = 'tk_AgQdq7mVBoFD37zQVN29RhuMzNIz2';
const JPEG = Buffer.from('ffd8ffe000104a46494600010100000100010000ffd9', 'hex');

/**
 * The real api and worker send channel deliveries to local receivers standing in for Slack, Discord, Telegram and
 * ntfy (bodies and headers checked against the platforms' documented formats), and mail to a real local SMTP server.
 */
describe('notification channel deliveries', () => {
  let farm: Farm;
  let team: Team;
  let receiver: Receiver;
  let mail: MailCatcher;

  beforeAll(async () => {
    receiver = await new Receiver().start();
    receiver.answer = (request) =>
      request.path.startsWith('/slack-api/') || request.path.startsWith('/telegram/')
        ? '{"ok":true,"result":{}}'
        : 'ok';
    mail = await new MailCatcher().start();
    farm = await startFarm(
      {
        WEBHOOK_ALLOW_HTTP: 'true',
        WEBHOOK_ALLOW_PRIVATE: 'true',
        SLACK_API_URL: `${receiver.url}/slack-api`,
        TELEGRAM_API_URL: `${receiver.url}/telegram`,
        SMTP_URL: mail.url,
        MAIL_FROM: 'Farmhand <farmhand@farm.example>',
        // Accounts made by the factories skip email verification (test/accounts/password-reset covers it).
        EMAIL_VERIFICATION_REQUIRED: 'false',
      },
      { worker: true },
    );
    team = await createTeam(farm.api, 'Delivery Farm');
  });
  afterAll(async () => {
    await farm.close();
    await receiver.stop();
    await mail.stop();
  });
  beforeEach(async () => {
    receiver.requests.length = 0;
    await db().query(`DELETE FROM notification_channels`);
  });

  const db = () => farm.api.app.get(DataSource);
  const base = () => `/api/orgs/${team.orgId}/notification-channels`;
  async function channel(body: Record<string, unknown>): Promise<string> {
    const response = await team.owner.client.post(base(), { name: body.kind, ...body });
    expect([response.status, response.body.error]).toEqual([201, undefined]);
    return response.body.id;
  }
  async function insertFrame(printerId: string): Promise<string> {
    const id = randomUUID();
    const takenAt = new Date();
    const storage = farm.api.app.get(FrameStorage);
    const storagePath = storage.pathFor(team.orgId, printerId, id, takenAt);
    await storage.write(storagePath, JPEG);
    await db()
      .getRepository(DetectionFrame)
      .insert({ id, orgId: team.orgId, printerId, takenAt, bytes: JPEG.length, width: 1, height: 1, storagePath });
    return id;
  }
  const json = (path: string) => JSON.parse(receiver.on(path)[0]!.body);

  it('sends an alert with its frame and the Pause / It’s fine buttons to Slack, Discord, Telegram and ntfy', async () => {
    await channel({ kind: 'slack', events: ['alert.raised'], webhookUrl: `${receiver.url}/slack-hook/T1/B1/secret` });
    await channel({
      kind: 'discord',
      events: ['alert.raised'],
      webhookUrl: `${receiver.url}/discord/api/webhooks/1/tok`,
    });
    await channel({ kind: 'telegram', events: ['alert.raised'], botToken: TELEGRAM_TOKEN, telegramChatId: '-100777' });
    await channel({
      kind: 'ntfy',
      events: ['alert.raised'],
      ntfyServerUrl: `${receiver.url}/ntfy`,
      ntfyTopic: 'farm',
      ntfyToken: NTFY_TOKEN,
    });
    // Limited to the other fleet: the alert on printer A does not reach it.
    await channel({
      kind: 'slack',
      events: ['alert.raised'],
      webhookUrl: `${receiver.url}/fleet-b`,
      fleetIds: [team.fleetB],
    });

    const alertId = randomUUID();
    const frameId = await insertFrame(team.printerA.id);
    farm.api.app.get(DomainEvents).emit('detection.alertRaised', {
      orgId: team.orgId,
      printerId: team.printerA.id,
      alertId,
      level: 'pause',
      score: 0.93,
      copyId: null,
      frameId,
      boxes: [],
      at: new Date().toISOString(),
    });
    const telegramPath = `/telegram/bot${TELEGRAM_TOKEN}/sendPhoto`;
    const paths = [
      '/slack-hook/T1/B1/secret',
      '/discord/api/webhooks/1/tok?wait=true&with_components=true',
      telegramPath,
      '/ntfy/farm',
    ];
    await waitFor(
      () => paths.every((path) => receiver.on(path).length === 1),
      'the four platforms to receive the alert',
    );
    const pause = `farmhand:alert.pause:${alertId}`;
    const dismiss = `farmhand:alert.dismiss:${alertId}`;

    const slack = json(paths[0]!);
    const actions = slack.blocks.find((block: { type: string }) => block.type === 'actions');
    expect(actions.elements.map((button: { action_id: string }) => button.action_id)).toEqual([pause, dismiss]);
    const image = slack.blocks.find((block: { type: string }) => block.type === 'image').image_url as string;
    expect(receiver.on(paths[0]!)[0]!.headers['content-type']).toBe('application/json; charset=utf-8');

    const discord = json(paths[1]!);
    expect(discord.embeds[0].title).toBe(`Possible print failure on ${team.printerA.name}`);
    expect(discord.embeds[0].image.url).toBe(image);
    expect(discord.components[0].components.map((button: { custom_id: string }) => button.custom_id)).toEqual([
      pause,
      dismiss,
    ]);

    const telegram = json(telegramPath);
    expect(telegram).toMatchObject({ chat_id: '-100777', parse_mode: 'HTML', photo: image });
    expect(
      telegram.reply_markup.inline_keyboard[0].map((button: { callback_data: string }) => button.callback_data),
    ).toEqual([pause, dismiss]);

    const ntfy = receiver.on('/ntfy/farm')[0]!;
    expect(ntfy.headers).toMatchObject({
      title: `Possible print failure on ${team.printerA.name}`,
      priority: '5',
      attach: image,
      authorization: `Bearer ${NTFY_TOKEN}`,
    });
    expect(ntfy.headers.click).toBe(`${farm.api.config.PUBLIC_URL}/orgs/${team.orgId}/alerts`);
    expect(receiver.on('/fleet-b')).toEqual([]);

    // The frame link works without a session while it is signed and fresh; an edited one is no frame at all.
    const frame = await fetch(image);
    expect([frame.status, frame.headers.get('content-type')]).toEqual([200, 'image/jpeg']);
    expect(Buffer.from(await frame.arrayBuffer())).toEqual(JPEG);
    const url = new URL(image);
    const query = (expires: string | null, signature: string | null) =>
      `${url.origin}${url.pathname}?org=${team.orgId}&expires=${expires}&signature=${signature}`;
    const forged: [string, number][] = [
      [image.replace(frameId, randomUUID()), 404],
      [query(String(Number(url.searchParams.get('expires')) + 86400), url.searchParams.get('signature')), 404],
      [query(url.searchParams.get('expires'), 'AAAA'), 404],
      [image.replace(team.orgId, randomUUID()), 404],
      [`${url.origin}${url.pathname}`, 400],
    ];
    for (const [link, status] of forged) expect([link, (await fetch(link)).status]).toEqual([link, status]);
    // Every delivery is in the channel's log, delivered.
    const rows = await db().query(`SELECT status, attempts FROM webhook_deliveries WHERE channel_id IS NOT NULL`);
    expect(rows).toEqual(Array(4).fill({ status: 'delivered', attempts: 1 }));
  });

  it('Slack bot mode: chat.postMessage with the bearer token; an ok:false answer is a failed try in the log', async () => {
    const id = await channel({
      kind: 'slack',
      events: ['print.failed'],
      botToken: SLACK_BOT_TOKEN,
      slackChannelId: 'C0123ABCD',
    });
    receiver.answer = () => '{"ok":false,"error":"not_in_channel"}';
    try {
      const tested = await team.owner.client.post(`${base()}/${id}/test`);
      expect(tested.status).toBe(202);
      const [request] = await waitFor(
        () => receiver.on('/slack-api/chat.postMessage').length > 0 && receiver.on('/slack-api/chat.postMessage'),
        'chat.postMessage',
      );
      expect(request!.headers.authorization).toBe(`Bearer ${SLACK_BOT_TOKEN}`);
      expect(JSON.parse(request!.body)).toMatchObject({
        channel: 'C0123ABCD',
        text: expect.stringContaining('Farmhand test notification'),
      });
      const log = await waitFor(async () => {
        const answer = await team.owner.client.get(`${base()}/${id}/deliveries`);
        return answer.body.items[0]?.attempts >= 1 && answer.body.items;
      }, 'the try to be recorded');
      expect(log[0]).toMatchObject({
        event: 'channel.test',
        responseStatus: 200,
        error: expect.stringContaining('not_in_channel'),
      });
      expect(log[0].status).not.toBe('delivered');
    } finally {
      receiver.answer = (request) =>
        request.path.startsWith('/slack-api/') || request.path.startsWith('/telegram/')
          ? '{"ok":true,"result":{}}'
          : 'ok';
    }
  });

  it('a retry after one address was refused mails only that address, never a second copy to the others', async () => {
    const [first, second] = [uniqueEmail('accepted'), uniqueEmail('busy')];
    const id = await channel({ kind: 'email', events: ['printer.offline'], emailTo: [first, second] });
    mail.refuseOnce.add(second);
    farm.api.app.get(DomainEvents).emit('printer.offline', { orgId: team.orgId, printerId: team.printerB.id });
    const delivered = await waitFor(
      async () =>
        (
          await db().query(
            `SELECT attempts, recipients FROM webhook_deliveries WHERE channel_id = $1 AND status = 'delivered'`,
            [id],
          )
        )[0],
      'the delivery delivered after its retry',
      60_000,
    );
    expect(mail.refused).toContain(second);
    expect(delivered.attempts).toBe(2);
    expect(delivered.recipients).toEqual({
      [first]: { sent: true, attempt: 1 },
      [second]: { sent: true, attempt: 2 },
    });
    expect(mail.to(first)).toHaveLength(1);
    expect(mail.to(second)).toHaveLength(1);
  });

  it('mails each address its own message with its own unsubscribe link; following it stops that address only', async () => {
    const [first, second] = [uniqueEmail('ops'), uniqueEmail('lead')];
    const id = await channel({ kind: 'email', events: ['printer.offline'], emailTo: [first, second] });
    const events = farm.api.app.get(DomainEvents);
    events.emit('printer.offline', { orgId: team.orgId, printerId: team.printerB.id });
    await waitFor(() => mail.to(first).length === 1 && mail.to(second).length === 1, 'both mails');
    const parsed = mail.to(first)[0]!.parsed;
    expect(parsed.subject).toBe(`[Farmhand] ${team.printerB.name} went offline`);
    expect(parsed.from?.value).toEqual([{ name: 'Farmhand', address: 'farmhand@farm.example' }]);
    expect(parsed.text).toContain(`Farmhand lost contact with ${team.printerB.name}.`);
    expect(parsed.html).toContain('<h2>');
    const link = /Stop these mails: (\S+)/.exec(parsed.text!)![1]!;
    // mailparser folds the List-* headers into one `list` entry.
    expect(JSON.stringify(parsed.headers.get('list'))).toContain(link);
    expect(parsed.headerLines.map((line) => line.line)).toContain('List-Unsubscribe-Post: List-Unsubscribe=One-Click');
    expect(mail.to(second)[0]!.parsed.text).not.toContain(link);

    // GET only asks (mail scanners follow links); POST unsubscribes; an edited token is refused.
    const page = await fetch(link);
    expect([page.status, await page.text()]).toEqual([200, expect.stringContaining('<form method="post">')]);
    const edited = await fetch(`${link.slice(0, -3)}abc`, { method: 'POST' });
    expect(edited.status).toBe(404);
    const done = await fetch(link, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: 'List-Unsubscribe=One-Click',
    });
    expect([done.status, await done.text()]).toEqual([200, expect.stringContaining('will get no more mails')]);

    events.emit('printer.offline', { orgId: team.orgId, printerId: team.printerB.id });
    await waitFor(() => mail.to(second).length === 2, 'the second mail to the address still subscribed');
    // The delivery is marked delivered just after the server took the mail: wait for the row as well.
    const delivered = async () =>
      (
        await db().query(
          `SELECT count(*)::int AS count FROM webhook_deliveries WHERE channel_id = $1 AND status = 'delivered'`,
          [id],
        )
      )[0].count as number;
    await waitFor(async () => (await delivered()) === 2, 'both deliveries recorded as delivered');
    expect(mail.to(first)).toHaveLength(1);
    const [audit] = await db().query(
      `SELECT action FROM audit_entries WHERE subject_id = $1 AND action = 'notificationChannel.unsubscribed'`,
      [id],
    );
    expect(audit).toBeDefined();
  });

  it('mails an invitation when SMTP is configured (the copy-a-link answer stays)', async () => {
    const email = uniqueEmail('invited');
    const response = await team.owner.client.post(`/api/orgs/${team.orgId}/invitations`, { email, role: 'viewer' });
    expect([response.status, response.body.emailed]).toEqual([201, true]);
    await waitFor(() => mail.to(email).length === 1, 'the invitation mail');
    const parsed = mail.to(email)[0]!.parsed;
    expect(parsed.subject).toBe('You are invited to Delivery Farm on Farmhand');
    expect(parsed.text).toContain(response.body.url);
    expect(parsed.html).toContain(`href="${response.body.url}"`);
  });

  it('never writes a channel credential or a mailed link to the logs', () => {
    const logs = farm.logs();
    for (const secret of [TELEGRAM_TOKEN, SLACK_BOT_TOKEN, NTFY_TOKEN, '/slack-hook/T1/B1/secret', 'fh_inv'])
      expect(logs).not.toContain(secret);
  });
});
