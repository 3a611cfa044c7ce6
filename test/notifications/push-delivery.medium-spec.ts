import { addMember, createTeam, type Team } from '@farmhand/factories';
import { JobQueue } from '@farmhand/core';
import { waitFor } from '@farmhand/testing';
import { DataSource } from 'typeorm';
import { generateVAPIDKeys } from 'web-push';
import { BrowserKeys, PushService, verifyVapid } from './push-harness';
import { startFarm, type Farm } from './webhook-harness';

const VAPID = generateVAPIDKeys();
const SUBJECT = 'mailto:ops@farm.example';

/**
 * The real api and worker push to a local push service standing in for FCM / Mozilla autopush (plain http on
 * loopback, allowed here only by PUSH_ALLOW_HTTP / PUSH_ALLOW_PRIVATE). The receiver decrypts each message with the
 * browser's private key and auth secret (RFC 8291 / 8188, written from the RFCs in push-harness.ts) and verifies
 * the VAPID JWT (RFC 8292) against the server's public key.
 */
describe('browser push deliveries', () => {
  let farm: Farm;
  let team: Team;
  let pushService: PushService;

  beforeAll(async () => {
    pushService = await new PushService().start();
    farm = await startFarm(
      {
        VAPID_PUBLIC_KEY: VAPID.publicKey,
        VAPID_PRIVATE_KEY: VAPID.privateKey,
        VAPID_SUBJECT: SUBJECT,
        PUSH_ALLOW_HTTP: 'true',
        PUSH_ALLOW_PRIVATE: 'true',
      },
      { worker: true },
    );
    team = await createTeam(farm.api, 'Push Farm');
  });
  afterAll(async () => {
    await farm?.close();
    await pushService?.stop();
  });
  beforeEach(() => {
    pushService.requests.length = 0;
    pushService.respond = () => 201;
  });

  const db = () => farm.api.app.get(DataSource);
  const base = (orgId = team.orgId) => `/api/orgs/${orgId}/push-subscriptions`;
  async function subscribe(client: Team['owner']['client'], path: string): Promise<BrowserKeys> {
    const browser = new BrowserKeys();
    const answer = await client.post(base(), browser.subscription(`${pushService.url}${path}`));
    expect([answer.status, answer.body.error]).toEqual([201, undefined]);
    return browser;
  }
  const subscriptionCount = async (path: string) =>
    Number(
      (
        await db().query(`SELECT count(*)::int AS n FROM push_subscriptions WHERE endpoint = $1`, [
          `${pushService.url}${path}`,
        ])
      )[0].n,
    );

  it('a test push arrives encrypted for that browser (aes128gcm) and signed with the server VAPID key', async () => {
    const browser = await subscribe(team.viewer.client, '/push/viewer-laptop');
    const test = await team.viewer.client.post(`${base()}/test`);
    expect([test.status, test.body]).toEqual([202, { subscriptions: 1 }]);

    const request = await waitFor(() => pushService.on('/push/viewer-laptop')[0], 'the push service receives it');
    expect(request!.headers['content-encoding']).toBe('aes128gcm');
    expect(request!.headers['urgency']).toBe('high');
    expect(Number(request!.headers['ttl'])).toBeGreaterThan(0);
    expect(JSON.parse(browser.decrypt(request!.body))).toEqual({
      event: 'push.test',
      title: 'Farmhand test notification',
      body: 'Desktop notifications reach this browser.',
      url: '/account',
    });

    const vapid = verifyVapid(request!.headers.authorization);
    expect(vapid.publicKey).toBe(VAPID.publicKey);
    // The audience is the push service's origin; the token expires within 24 hours (RFC 8292 §2).
    expect(vapid.claims.aud).toBe(pushService.url);
    expect(vapid.claims.sub).toBe(SUBJECT);
    const now = Math.floor(Date.now() / 1000);
    expect(vapid.claims.exp).toBeGreaterThan(now);
    expect(vapid.claims.exp).toBeLessThanOrEqual(now + 24 * 3600);

    // Another browser's keys cannot read it: the message is bound to this subscription's key and secret.
    expect(() => new BrowserKeys().decrypt(request!.body)).toThrow();
  });

  it('notification.push reaches every browser of that person, with the frame link, and nobody else', async () => {
    const desk = await subscribe(team.operator.client, '/push/operator-desk');
    const phone = await subscribe(team.operator.client, '/push/operator-phone');
    await subscribe(team.fleetOperator.client, '/push/someone-else');

    await farm.api.app.get(JobQueue).enqueue('notification.push', {
      orgId: team.orgId,
      userId: team.operator.userId,
      event: 'alert.raised',
      title: 'Spaghetti on Printer A',
      body: 'The detector paused the print (score 0.93).',
      url: `/printers/${team.printerA.id}`,
      frameUrl: '/api/frames/signed/abc',
    });
    const atDesk = await waitFor(() => pushService.on('/push/operator-desk')[0], 'the desk receives it');
    const atPhone = await waitFor(() => pushService.on('/push/operator-phone')[0], 'the phone receives it');
    const expected = {
      event: 'alert.raised',
      title: 'Spaghetti on Printer A',
      body: 'The detector paused the print (score 0.93).',
      url: `/printers/${team.printerA.id}`,
      frameUrl: '/api/frames/signed/abc',
    };
    expect(JSON.parse(desk.decrypt(atDesk!.body))).toEqual(expected);
    expect(JSON.parse(phone.decrypt(atPhone!.body))).toEqual(expected);
    expect(atDesk!.headers['urgency']).toBe('high');
    expect(pushService.on('/push/someone-else')).toEqual([]);
  });

  it('a push service answering 410 Gone or 404 removes that subscription, and only that one', async () => {
    await subscribe(team.admin.client, '/push/gone');
    await subscribe(team.admin.client, '/push/unknown');
    await subscribe(team.admin.client, '/push/alive');
    pushService.respond = (request) =>
      request.path === '/push/gone' ? 410 : request.path === '/push/unknown' ? 404 : 201;

    expect((await team.admin.client.post(`${base()}/test`)).body).toEqual({ subscriptions: 3 });
    await waitFor(
      async () => (await subscriptionCount('/push/gone')) === 0 && (await subscriptionCount('/push/unknown')) === 0,
      'the expired subscriptions are removed',
    );
    expect(await subscriptionCount('/push/alive')).toBe(1);
    expect(pushService.on('/push/alive')).toHaveLength(1);
  });

  it('a push service that is down (503) is tried again with backoff, and the message arrives once', async () => {
    const browser = await subscribe(team.owner.client, '/push/flaky');
    let answered = 0;
    pushService.respond = (request) => (request.path === '/push/flaky' && (answered += 1) === 1 ? 503 : 201);

    expect((await team.owner.client.post(`${base()}/test`)).status).toBe(202);
    // The first retry comes after the notifications queue's first backoff step (10 s).
    await waitFor(() => pushService.on('/push/flaky').length === 2, 'the retry is delivered', 60_000);
    const [refused, accepted] = pushService.on('/push/flaky');
    expect(JSON.parse(browser.decrypt(accepted!.body))).toMatchObject({ event: 'push.test' });
    // Each try is encrypted afresh (a new salt and sender key), for the same browser.
    expect(accepted!.body.equals(refused!.body)).toBe(false);
    expect(await subscriptionCount('/push/flaky')).toBe(1);
  }, 90_000);

  it('someone removed from the organization loses their subscriptions there, and a push queued for them goes nowhere', async () => {
    const leaving = await addMember(farm.api, team.owner.client, team.orgId, 'operator');
    const browser = await subscribe(leaving.client, '/push/leaver');
    const removed = await team.owner.client.delete(`/api/orgs/${team.orgId}/members/${leaving.membershipId}`);
    expect(removed.status).toBe(204);
    await waitFor(async () => (await subscriptionCount('/push/leaver')) === 0, 'their subscription is removed');

    // A row left behind (written directly, as if the removal's cleanup had failed): the job checks membership itself.
    const { endpoint, keys } = browser.subscription(`${pushService.url}/push/leaver`);
    await db().query(
      `INSERT INTO push_subscriptions (org_id, user_id, endpoint, p256dh, auth) VALUES ($1, $2, $3, $4, $5)`,
      [team.orgId, leaving.userId, endpoint, keys.p256dh, keys.auth],
    );
    await farm.api.app.get(JobQueue).enqueue('notification.push', {
      orgId: team.orgId,
      userId: leaving.userId,
      event: 'print.done',
      title: 'Done',
      body: 'Benchy finished',
      url: '/',
    });
    await waitFor(async () => (await subscriptionCount('/push/leaver')) === 0, 'the push job removes it');
    expect(pushService.on('/push/leaver')).toEqual([]);
  });

  it('SSRF at send: a stored endpoint on a cloud metadata address is refused when the push is sent', async () => {
    // Written to the table directly: the api refuses it at subscribe (push-subscriptions-api.medium-spec.ts).
    const browser = new BrowserKeys().subscription('http://169.254.169.254/latest/meta-data/');
    const [{ id }] = await db().query(
      `INSERT INTO push_subscriptions (org_id, user_id, endpoint, p256dh, auth) VALUES ($1, $2, $3, $4, $5) RETURNING id`,
      [team.orgId, team.owner.userId, browser.endpoint, browser.keys.p256dh, browser.keys.auth],
    );
    expect((await team.owner.client.post(`${base()}/test`)).status).toBe(202);
    const refused = await waitFor(
      () =>
        farm
          .logs()
          .split('\n')
          .find((line) => line.includes(id) && line.includes('push failed for good')),
      'the worker refuses the address',
    );
    expect(JSON.parse(refused).error).toMatch(/169\.254\.169\.254 is not allowed/);
    expect(farm.logs()).not.toContain('169.254.169.254/latest');
  });
});
