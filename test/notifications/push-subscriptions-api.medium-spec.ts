import { createApiKey, createTeam, type Team } from '@farmhand/factories';
import { startApi, type ApiHarness } from '@farmhand/testing';
import { DataSource } from 'typeorm';
import { generateVAPIDKeys } from 'web-push';
import { BrowserKeys } from './push-harness';

const VAPID = generateVAPIDKeys();

/**
 * Push subscriptions over HTTP: each member's own browsers, whatever the role. Endpoints go through the webhook
 * SSRF check (https only, no private or metadata addresses: PUSH_ALLOW_* are off here), and the browser keys must be
 * what RFC 8291 says they are.
 */
describe('push subscriptions API', () => {
  let api: ApiHarness;
  let team: Team;
  let other: Team;

  beforeAll(async () => {
    api = await startApi({ VAPID_PUBLIC_KEY: VAPID.publicKey, VAPID_PRIVATE_KEY: VAPID.privateKey });
    team = await createTeam(api, 'Push API farm');
    other = await createTeam(api, 'Other push farm');
  });
  afterAll(async () => {
    await api?.close();
  });

  const base = (orgId = team.orgId) => `/api/orgs/${orgId}/push-subscriptions`;
  const endpoint = (name: string) => `https://push.example.com/wpush/v2/${name}`;
  const rows = (userId: string) =>
    api.app
      .get(DataSource)
      .query(`SELECT id, endpoint, p256dh FROM push_subscriptions WHERE user_id = $1 ORDER BY created_at, id`, [
        userId,
      ]);

  it('every role reads the VAPID public key, subscribes a browser and unsubscribes it, audited lightly', async () => {
    for (const member of [team.owner, team.admin, team.operator, team.viewer, team.fleetOperator]) {
      const key = await member.client.get(`${base()}/key`);
      expect([key.status, key.body]).toEqual([200, { publicKey: VAPID.publicKey }]);
    }
    const browser = new BrowserKeys();
    const created = await team.viewer.client.post(base(), browser.subscription(endpoint('viewer-1')));
    expect(created.status).toBe(201);
    // The same browser subscribing again (new keys) updates its row instead of adding one.
    const again = await team.viewer.client.post(base(), new BrowserKeys().subscription(endpoint('viewer-1')));
    expect([again.status, again.body.id]).toEqual([201, created.body.id]);
    expect(await rows(team.viewer.userId)).toHaveLength(1);

    const removed = await team.viewer.client.request('DELETE', base(), { endpoint: endpoint('viewer-1') });
    expect(removed.status).toBe(204);
    expect(await rows(team.viewer.userId)).toEqual([]);

    const audited = await api.app
      .get(DataSource)
      .query(`SELECT action, details FROM audit_entries WHERE org_id = $1 AND subject_id = $2 ORDER BY action`, [
        team.orgId,
        created.body.id,
      ]);
    expect(audited).toEqual([
      { action: 'pushSubscription.created', details: { pushService: 'https://push.example.com' } },
      { action: 'pushSubscription.deleted', details: { pushService: 'https://push.example.com' } },
    ]);
  });

  it("another person's subscription: neither the owner nor a colleague can remove it, even knowing its endpoint", async () => {
    const mine = await team.operator.client.post(base(), new BrowserKeys().subscription(endpoint('operator-own')));
    expect(mine.status).toBe(201);
    for (const client of [team.owner.client, team.admin.client, team.viewer.client]) {
      const answer = await client.request('DELETE', base(), { endpoint: endpoint('operator-own') });
      expect([answer.status, answer.body.error.code]).toEqual([404, 'push_subscription_not_found']);
    }
    expect((await rows(team.operator.userId)).map((row: { id: string }) => row.id)).toEqual([mine.body.id]);
  });

  it('wrong organization: outsiders cannot subscribe, read the key or remove through another organization', async () => {
    const body = new BrowserKeys().subscription(endpoint('outsider'));
    expect((await other.owner.client.post(base(), body)).status).toBe(404);
    expect((await other.owner.client.get(`${base()}/key`)).status).toBe(404);
    expect((await other.owner.client.post(`${base()}/test`)).status).toBe(404);
    // A subscription made in one organization is not removed through the other one's path.
    expect((await team.owner.client.post(base(), new BrowserKeys().subscription(endpoint('owner-a')))).status).toBe(
      201,
    );
    const through = await other.owner.client.request('DELETE', base(other.orgId), { endpoint: endpoint('owner-a') });
    expect(through.status).toBe(404);
    expect((await rows(team.owner.userId)).map((row: { endpoint: string }) => row.endpoint)).toContain(
      endpoint('owner-a'),
    );
  });

  it('an API key holds no push subscription, whatever its scopes', async () => {
    const key = await createApiKey(team.owner.client, team.orgId, { scopes: ['read:Printer', 'read:Alert'] });
    const client = api.client();
    client.bearer = key.key;
    expect((await client.post(base(), new BrowserKeys().subscription(endpoint('key')))).status).toBe(403);
    expect((await client.get(`${base()}/key`)).status).toBe(403);
  });

  it('SSRF at subscribe: plain http, loopback, private, metadata and credentialed endpoints are refused, naming endpoint', async () => {
    const keys = new BrowserKeys().subscription('x').keys;
    const cases: Array<[string, string]> = [
      ['http://push.example.com/send/1', 'webhook_url_insecure'],
      ['https://127.0.0.1/send/1', 'webhook_url_private_address'],
      ['https://localhost/send/1', 'webhook_url_private_address'],
      ['https://10.1.2.3/send/1', 'webhook_url_private_address'],
      ['https://169.254.169.254/latest/meta-data/', 'webhook_url_forbidden_address'],
      ['https://metadata.google.internal/computeMetadata/v1/', 'webhook_url_forbidden_address'],
      ['https://[::ffff:169.254.169.254]/x', 'webhook_url_forbidden_address'],
      ['https://user:pass@push.example.com/send/1', 'webhook_url_credentials'],
      ['javascript:alert(1)', 'webhook_url_invalid'],
    ];
    for (const [url, code] of cases) {
      const answer = await team.viewer.client.post(base(), { endpoint: url, keys });
      expect({ url, status: answer.status, code: answer.body.error?.code, field: answer.body.error?.field }).toEqual({
        url,
        status: 400,
        code,
        field: 'endpoint',
      });
    }
    expect(await rows(team.viewer.userId)).toEqual([]);
  });

  it('hostile text and oversize keys: NUL, a lone surrogate, keys too long or not a P-256 point are refused', async () => {
    const good = new BrowserKeys().subscription(endpoint('hostile'));
    const cases: Array<[unknown, string, string]> = [
      [{ ...good, endpoint: `${endpoint('nul')}\u0000` }, 'invalid_text', 'endpoint'],
      [{ ...good, endpoint: `${endpoint('surrogate')}\ud800` }, 'invalid_text', 'endpoint'],
      [{ ...good, endpoint: `https://push.example.com/${'a'.repeat(2100)}` }, 'validation_failed', 'endpoint'],
      [{ ...good, keys: { ...good.keys, p256dh: `B${'A'.repeat(5000)}` } }, 'validation_failed', 'keys.p256dh'],
      [{ ...good, keys: { ...good.keys, auth: 'A'.repeat(300) } }, 'validation_failed', 'keys.auth'],
      // 65 bytes starting 0x04, but not a point on the curve.
      [
        { ...good, keys: { ...good.keys, p256dh: Buffer.alloc(65, 4).toString('base64url') } },
        'push_keys_invalid',
        'keys.p256dh',
      ],
      [{ ...good, keys: { p256dh: good.keys.p256dh } }, 'validation_failed', 'keys.auth'],
      [{ endpoint: good.endpoint }, 'validation_failed', 'keys'],
      [{ ...good, userId: team.owner.userId }, 'validation_failed', 'userId'],
    ];
    for (const [body, code, field] of cases) {
      const answer = await team.viewer.client.post(base(), body);
      expect({ field, status: answer.status, code: answer.body.error?.code, at: answer.body.error?.field }).toEqual({
        field,
        status: 400,
        code,
        at: field,
      });
    }
    const nul = await team.viewer.client.request('DELETE', base(), { endpoint: 'https://push.example.com/\u0000' });
    expect(nul.status).toBe(400);
    expect(await rows(team.viewer.userId)).toEqual([]);
  });

  it('a person keeps at most 10 browsers (the oldest goes); a test push needs one and is throttled', async () => {
    const none = await team.fleetOperator.client.post(`${base()}/test`);
    expect([none.status, none.body.error.code]).toEqual([409, 'push_not_subscribed']);
    for (let index = 0; index < 11; index += 1) {
      const answer = await team.fleetOperator.client.post(
        base(),
        new BrowserKeys().subscription(endpoint(`many-${index}`)),
      );
      expect(answer.status).toBe(201);
    }
    const kept = (await rows(team.fleetOperator.userId)).map((row: { endpoint: string }) => row.endpoint);
    expect(kept).toHaveLength(10);
    expect(kept).not.toContain(endpoint('many-0'));
    const test = await team.fleetOperator.client.post(`${base()}/test`);
    expect([test.status, test.body]).toEqual([202, { subscriptions: 10 }]);
    // Flooding push services through the test button: 5 tests per 10 minutes.
    for (let index = 1; index < 5; index += 1)
      expect((await team.fleetOperator.client.post(`${base()}/test`)).status).toBe(202);
    const flood = await team.fleetOperator.client.post(`${base()}/test`);
    expect([flood.status, flood.body.error.code]).toEqual([429, 'push_test_throttled']);
  });
});
