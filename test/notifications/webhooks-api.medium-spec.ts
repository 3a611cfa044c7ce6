import { addMember, createTeam, signUpUser, type Team, createApiKey } from '@farmhand/factories';
import { WebhookSecretCipher } from '@farmhand/notifications';
import type { HttpClient } from '@farmhand/testing';
import { DataSource } from 'typeorm';
import { startFarm, type Farm } from './webhook-harness';

/** Contract C over HTTP, on the default (strict) configuration: https only, no private addresses. */
describe('webhooks API', () => {
  let farm: Farm;
  let team: Team;
  let other: Team;
  const secrets: string[] = [];

  beforeAll(async () => {
    farm = await startFarm({ WEBHOOK_MAX_PER_ORG: '3' }, { worker: false });
    [team, other] = await Promise.all([createTeam(farm.api, 'Webhook Farm'), createTeam(farm.api, 'Other Farm')]);
  });
  afterAll(() => farm.close());

  const db = () => farm.api.app.get(DataSource);
  const base = (orgId = team.orgId) => `/api/orgs/${orgId}/webhooks`;

  async function create(client: HttpClient, body: Record<string, unknown>, orgId = team.orgId) {
    const response = await client.post(base(orgId), body);
    if (response.status === 201) secrets.push(response.body.secret);
    return response;
  }
  async function createOne(orgId = team.orgId, client = team.owner.client) {
    const response = await create(
      client,
      { url: 'https://hooks.example.com/farmhand/T0KEN', events: ['print.done', 'print.failed'] },
      orgId,
    );
    expect(response.status).toBe(201);
    return response.body as { id: string; secret: string };
  }
  async function clearWebhooks(orgId = team.orgId) {
    await db().query(`DELETE FROM webhooks WHERE org_id = $1`, [orgId]);
  }
  beforeEach(() => clearWebhooks());

  it('creates a webhook and shows its secret once, never in the list or a later answer', async () => {
    const created = await create(team.owner.client, {
      url: 'https://hooks.example.com/farmhand#ignored',
      events: ['alert.raised', 'print.done', 'printer.offline'],
      description: '  Slack bridge  ',
    });
    expect(created.status).toBe(201);
    expect(created.body).toEqual({
      id: expect.any(String),
      url: 'https://hooks.example.com/farmhand',
      events: ['alert.raised', 'print.done', 'printer.offline'],
      enabled: true,
      description: 'Slack bridge',
      createdAt: expect.any(String),
      lastDeliveryAt: null,
      lastStatus: null,
      secret: expect.stringMatching(/^whsec_[\w-]{43}$/),
    });
    const { id, secret } = created.body;

    const list = await team.owner.client.get(base());
    expect(list.status).toBe(200);
    const { secret: _shownOnce, ...view } = created.body;
    expect(list.body.items).toEqual([view]);
    const patched = await team.owner.client.patch(`${base()}/${id}`, { enabled: false });
    const tested = await team.owner.client.post(`${base()}/${id}/test`);
    const deliveries = await team.owner.client.get(`${base()}/${id}/deliveries`);
    expect([patched.status, tested.status, deliveries.status]).toEqual([200, 202, 200]);
    expect(deliveries.body.items).toEqual([
      expect.objectContaining({ id: tested.body.id, event: 'webhook.test', status: 'pending', attempts: 0 }),
    ]);
    for (const answer of [list, patched, tested, deliveries]) expect(JSON.stringify(answer.body)).not.toContain(secret);

    // At rest it is encrypted, bound to this webhook, under SECRET_KEY.
    const [row] = await db().query(`SELECT secret_ciphertext FROM webhooks WHERE id = $1`, [id]);
    expect(row.secret_ciphertext).not.toContain(secret);
    expect(new WebhookSecretCipher(farm.api.config.SECRET_KEY).decrypt(row.secret_ciphertext, id)).toBe(secret);
  });

  it('rejects http URL by default, naming the field', async () => {
    const response = await create(team.owner.client, { url: 'http://hooks.example.com/in', events: ['print.done'] });
    expect(response.status).toBe(400);
    expect(response.body.error).toMatchObject({ code: 'webhook_url_insecure', field: 'url' });
  });

  it('rejects webhook to cloud metadata address (SSRF), on create and on update', async () => {
    for (const url of [
      'https://169.254.169.254/latest/meta-data/iam/security-credentials/',
      'https://[::ffff:169.254.169.254]/',
      'https://metadata.google.internal/computeMetadata/v1/',
    ]) {
      const response = await create(team.owner.client, { url, events: ['print.done'] });
      expect([url, response.status, response.body.error?.field]).toEqual([url, 400, 'url']);
      expect(response.body.error.code).toBe('webhook_url_forbidden_address');
    }
    const { id } = await createOne();
    const update = await team.owner.client.patch(`${base()}/${id}`, { url: 'https://169.254.169.254/' });
    expect(update.status).toBe(400);
    expect(update.body.error).toMatchObject({ code: 'webhook_url_forbidden_address', field: 'url' });
    const [row] = await db().query(`SELECT url FROM webhooks WHERE id = $1`, [id]);
    expect(row.url).toBe('https://hooks.example.com/farmhand/T0KEN');
  });

  it('rejects loopback, private and credential-carrying URLs, and bad events, naming the field', async () => {
    const cases: [Record<string, unknown>, string, string][] = [
      [{ url: 'https://127.0.0.1/hook', events: ['print.done'] }, 'url', 'webhook_url_private_address'],
      [{ url: 'https://localhost:8443/hook', events: ['print.done'] }, 'url', 'webhook_url_private_address'],
      [{ url: 'https://10.0.0.7/hook', events: ['print.done'] }, 'url', 'webhook_url_private_address'],
      [{ url: 'https://user:pw@hooks.example.com/', events: ['print.done'] }, 'url', 'webhook_url_credentials'],
      [{ url: 'not a url', events: ['print.done'] }, 'url', 'webhook_url_invalid'],
      [{ url: 'https://hooks.example.com/', events: [] }, 'events', 'validation_failed'],
      [{ url: 'https://hooks.example.com/', events: ['print.exploded'] }, 'events', 'validation_failed'],
      [{ url: 'https://hooks.example.com/', events: ['webhook.test'] }, 'events', 'validation_failed'],
      [{ url: 'https://hooks.example.com/', events: ['print.done'], orgId: other.orgId }, 'orgId', 'validation_failed'],
      [{ url: 'https://hooks.example.com/', events: ['print.done'], secret: 'mine' }, 'secret', 'validation_failed'],
    ];
    for (const [body, field, code] of cases) {
      const response = await create(team.owner.client, body);
      expect([body, response.status, response.body.error?.field, response.body.error?.code]).toEqual([
        body,
        400,
        field,
        code,
      ]);
    }
    expect(await db().query(`SELECT id FROM webhooks WHERE org_id = $1`, [team.orgId])).toEqual([]);
  });

  it('operator cannot read webhook secrets / manage webhooks (403), nor can a viewer, a fleet admin or an API key', async () => {
    const { id } = await createOne();
    const fleetAdmin = await addMember(farm.api, team.owner.client, team.orgId, 'admin', [team.fleetA]);
    const key = await createApiKey(team.owner.client, team.orgId, {
      name: 'automation',
      scopes: ['read:Printer', 'read:Job', 'read:Alert', 'update:Alert'],
    });
    const keyClient = farm.api.client();
    keyClient.bearer = key.key;

    for (const [who, client] of [
      ['operator', team.operator.client],
      ['viewer', team.viewer.client],
      ['fleet operator', team.fleetOperator.client],
      ['fleet admin', fleetAdmin.client],
      ['api key', keyClient],
    ] as const) {
      const attempts = [
        await client.get(base()),
        await client.post(base(), { url: 'https://evil.example.com/', events: ['print.done'] }),
        await client.patch(`${base()}/${id}`, { url: 'https://evil.example.com/' }),
        await client.post(`${base()}/${id}/rotate-secret`),
        await client.post(`${base()}/${id}/test`),
        await client.get(`${base()}/${id}/deliveries`),
        await client.delete(`${base()}/${id}`),
      ];
      expect([who, attempts.map((attempt) => attempt.status)]).toEqual([who, [403, 403, 403, 403, 403, 403, 403]]);
    }
    const [row] = await db().query(`SELECT url FROM webhooks WHERE id = $1`, [id]);
    expect(row.url).toBe('https://hooks.example.com/farmhand/T0KEN');
    expect(await db().query(`SELECT id FROM webhook_deliveries WHERE webhook_id = $1`, [id])).toEqual([]);
    // The admin (not fleet-limited) manages them like the owner.
    expect((await team.admin.client.get(base())).status).toBe(200);
  });

  it("a tenant cannot see or touch another's webhooks (404)", async () => {
    const { id } = await createOne(team.orgId);
    const intruder = other.owner.client;
    expect((await intruder.get(base(team.orgId))).status).toBe(404);
    expect(
      (await intruder.post(base(team.orgId), { url: 'https://e.example.com/', events: ['print.done'] })).status,
    ).toBe(404);
    // Through its own organization's routes, with the other tenant's webhook id.
    const attempts = [
      await intruder.patch(`${base(other.orgId)}/${id}`, { enabled: false }),
      await intruder.post(`${base(other.orgId)}/${id}/rotate-secret`),
      await intruder.post(`${base(other.orgId)}/${id}/test`),
      await intruder.get(`${base(other.orgId)}/${id}/deliveries`),
      await intruder.delete(`${base(other.orgId)}/${id}`),
    ];
    expect(attempts.map((attempt) => [attempt.status, attempt.body?.error?.code])).toEqual(
      Array(5).fill([404, 'webhook_not_found']),
    );
    expect((await intruder.get(base(other.orgId))).body.items).toEqual([]);
    const [row] = await db().query(`SELECT enabled FROM webhooks WHERE id = $1`, [id]);
    expect(row.enabled).toBe(true);
  });

  it('updates, rotates and deletes, each audited without the secret or the URL path', async () => {
    const { id, secret } = await createOne();
    const updated = await team.owner.client.patch(`${base()}/${id}`, {
      events: ['alert.raised'],
      enabled: false,
      description: null,
      url: 'https://other.example.com/in/S3CRET-PATH',
    });
    expect(updated.status).toBe(200);
    expect(updated.body).toMatchObject({ id, events: ['alert.raised'], enabled: false, description: null });
    expect(updated.body.url).toBe('https://other.example.com/in/S3CRET-PATH');

    const rotated = await team.admin.client.post(`${base()}/${id}/rotate-secret`);
    expect(rotated.status).toBe(200);
    expect(rotated.body).toEqual({ secret: expect.stringMatching(/^whsec_/) });
    expect(rotated.body.secret).not.toBe(secret);
    secrets.push(rotated.body.secret);
    const [row] = await db().query(`SELECT secret_ciphertext FROM webhooks WHERE id = $1`, [id]);
    expect(new WebhookSecretCipher(farm.api.config.SECRET_KEY).decrypt(row.secret_ciphertext, id)).toBe(
      rotated.body.secret,
    );

    const deleted = await team.owner.client.delete(`${base()}/${id}`);
    expect(deleted.status).toBe(204);
    expect((await team.owner.client.delete(`${base()}/${id}`)).status).toBe(404);

    const audit: { action: string; actor_id: string; details: Record<string, unknown> }[] = await db().query(
      `SELECT action, actor_id, details FROM audit_entries
        WHERE org_id = $1 AND subject_type = 'Webhook' AND subject_id = $2 ORDER BY created_at, id`,
      [team.orgId, id],
    );
    expect(audit.map((entry) => [entry.action, entry.actor_id])).toEqual([
      ['webhook.created', team.owner.userId],
      ['webhook.updated', team.owner.userId],
      ['webhook.secretRotated', team.admin.userId],
      ['webhook.deleted', team.owner.userId],
    ]);
    expect(audit[1]!.details).toMatchObject({
      changed: ['url', 'events', 'enabled', 'description'],
      receiver: 'https://other.example.com',
    });
    const text = JSON.stringify(audit);
    expect(text).not.toContain('T0KEN');
    expect(text).not.toContain('S3CRET-PATH');
    for (const value of [secret, rotated.body.secret]) expect(text).not.toContain(value);
  });

  it('caps webhooks per organization, also under concurrent creations', async () => {
    const solo = await signUpUser(farm.api, { organizationName: 'Capped Farm' });
    const answers = await Promise.all(
      Array.from({ length: 6 }, (_, index) =>
        create(solo.client, { url: `https://hooks.example.com/${index}`, events: ['print.done'] }, solo.orgId!),
      ),
    );
    expect(answers.map((answer) => answer.status).sort()).toEqual([201, 201, 201, 409, 409, 409]);
    expect(answers.find((answer) => answer.status === 409)!.body.error).toMatchObject({
      code: 'webhook_limit_reached',
      details: { limit: 3 },
    });
    expect((await solo.client.get(base(solo.orgId!))).body.items).toHaveLength(3);
  });

  it('validates the deliveries limit', async () => {
    const { id } = await createOne();
    const bad = await team.owner.client.get(`${base()}/${id}/deliveries?limit=500`);
    expect(bad.status).toBe(400);
    expect(bad.body.error.field).toBe('limit');
    expect((await team.owner.client.get(`${base()}/${id}/deliveries?limit=5`)).body).toEqual({ items: [] });
  });

  it('never writes a webhook secret to the logs', () => {
    expect(secrets.length).toBeGreaterThan(3);
    const logs = farm.logs();
    expect(logs.length).toBeGreaterThan(0);
    for (const secret of secrets) expect(logs).not.toContain(secret);
  });
});
