import { addMember, createApiKey, createTeam, type Team } from '@farmhand/factories';
import { WebhookSecretCipher } from '@farmhand/notifications';
import type { HttpClient, HttpResult } from '@farmhand/testing';
import { DataSource } from 'typeorm';
import { startFarm, type Farm } from './webhook-harness';

const SLACK_HOOK = 'https://hooks.slack.example.com/services/T000/B000/XXXXSECRETPATH';
const TELEGRAM_TOKEN = '123456789:AAHfiqksKZ8WmR2zSjiQ7_v4TMAKdiHm9T0';
const NTFY_TOKEN = 'tk_AgQdq7mVBoFD37zQVN29RhuMzNIz2';
const SLACK_BOT_TOKEN = 'xoxb-1234567890-0987654321-AbCdEfGhIjKlMnOpQrStUvWx';

/** Notification channels over HTTP, on the default (strict) configuration: https only, no private addresses. */
describe('notification channels API', () => {
  let farm: Farm;
  let team: Team;
  let other: Team;

  beforeAll(async () => {
    farm = await startFarm({ NOTIFICATION_CHANNELS_MAX_PER_ORG: '4' }, { worker: false });
    [team, other] = await Promise.all([createTeam(farm.api, 'Channel Farm'), createTeam(farm.api, 'Other Farm')]);
  });
  afterAll(() => farm.close());
  beforeEach(() => db().query(`DELETE FROM notification_channels`));

  const db = () => farm.api.app.get(DataSource);
  const base = (orgId = team.orgId) => `/api/orgs/${orgId}/notification-channels`;
  const slack = { kind: 'slack', name: 'Farm channel', events: ['alert.raised'], webhookUrl: SLACK_HOOK };

  async function createOne(body: Record<string, unknown> = slack, client: HttpClient = team.owner.client) {
    const response = await client.post(base(), body);
    expect([response.status, response.body.error]).toEqual([201, undefined]);
    return response.body as { id: string };
  }

  it('creates each kind; no answer (creation included) ever carries a webhook URL path or a token', async () => {
    const bodies = [
      slack,
      { kind: 'slack', name: 'Bot', events: ['print.done'], botToken: SLACK_BOT_TOKEN, slackChannelId: 'C0123ABCD' },
      {
        kind: 'telegram',
        name: 'Telegram',
        events: ['print.failed'],
        botToken: TELEGRAM_TOKEN,
        telegramChatId: '-1001234',
      },
      {
        kind: 'ntfy',
        name: 'ntfy',
        events: ['printer.offline'],
        ntfyServerUrl: 'https://ntfy.example.com/',
        ntfyTopic: 'farm_alerts',
        ntfyToken: NTFY_TOKEN,
      },
    ];
    const created: HttpResult[] = [];
    for (const body of bodies) created.push(await team.owner.client.post(base(), body));
    expect(created.map((response) => response.status)).toEqual([201, 201, 201, 201]);
    expect(created.map((response) => response.body.target)).toEqual([
      'Slack incoming webhook at https://hooks.slack.example.com',
      'Slack channel C0123ABCD (bot token)',
      'Telegram chat -1001234',
      'ntfy topic farm_alerts on https://ntfy.example.com',
    ]);
    const list = await team.owner.client.get(base());
    const tested = await team.owner.client.post(`${base()}/${created[0]!.body.id}/test`);
    const patched = await team.owner.client.patch(`${base()}/${created[1]!.body.id}`, { enabled: false });
    for (const answer of [...created, list, tested, patched]) {
      const text = JSON.stringify(answer.body);
      for (const secret of ['XXXXSECRETPATH', SLACK_BOT_TOKEN, TELEGRAM_TOKEN, NTFY_TOKEN])
        expect(text).not.toContain(secret);
    }
    // At rest the credentials are one encrypted object bound to the channel, under a key of their own.
    const rows: { id: string; secret_ciphertext: string; settings: object }[] = await db().query(
      `SELECT id, secret_ciphertext, settings FROM notification_channels WHERE org_id = $1`,
      [team.orgId],
    );
    const cipher = new WebhookSecretCipher(farm.api.config.SECRET_KEY, 'farmhand:channel-secret:v1');
    const telegram = rows.find((row) => row.id === created[2]!.body.id)!;
    expect(JSON.stringify(telegram)).not.toContain(TELEGRAM_TOKEN);
    expect(JSON.parse(cipher.decrypt(telegram.secret_ciphertext, telegram.id))).toEqual({ botToken: TELEGRAM_TOKEN });
    expect(() =>
      new WebhookSecretCipher(farm.api.config.SECRET_KEY).decrypt(telegram.secret_ciphertext, telegram.id),
    ).toThrow();
    expect(() => cipher.decrypt(telegram.secret_ciphertext, created[0]!.body.id)).toThrow();
    const [audit] = await db().query(
      `SELECT details FROM audit_entries WHERE org_id = $1 AND action = 'notificationChannel.created' AND subject_id = $2`,
      [team.orgId, created[0]!.body.id],
    );
    expect(JSON.stringify(audit.details)).not.toContain('XXXXSECRETPATH');
  });

  it('rejects channel URLs to metadata, loopback and private addresses (SSRF), and plain http, naming the field', async () => {
    const cases: [Record<string, unknown>, string, string][] = [
      [
        { ...slack, webhookUrl: 'https://169.254.169.254/latest/meta-data/' },
        'webhookUrl',
        'webhook_url_forbidden_address',
      ],
      [
        { kind: 'discord', name: 'd', events: ['print.done'], webhookUrl: 'https://127.0.0.1/api/webhooks/1/x' },
        'webhookUrl',
        'webhook_url_private_address',
      ],
      [
        { kind: 'discord', name: 'd', events: ['print.done'], webhookUrl: 'https://[::ffff:10.0.0.1]/x' },
        'webhookUrl',
        'webhook_url_private_address',
      ],
      [
        {
          kind: 'ntfy',
          name: 'n',
          events: ['print.done'],
          ntfyServerUrl: 'https://metadata.google.internal/',
          ntfyTopic: 't',
        },
        'ntfyServerUrl',
        'webhook_url_forbidden_address',
      ],
      [
        { kind: 'ntfy', name: 'n', events: ['print.done'], ntfyServerUrl: 'https://localhost:8080', ntfyTopic: 't' },
        'ntfyServerUrl',
        'webhook_url_private_address',
      ],
      [
        { kind: 'ntfy', name: 'n', events: ['print.done'], ntfyServerUrl: 'http://ntfy.example.com', ntfyTopic: 't' },
        'ntfyServerUrl',
        'webhook_url_insecure',
      ],
    ];
    for (const [body, field, code] of cases) {
      const response = await team.owner.client.post(base(), body);
      expect([body, response.status, response.body.error?.field, response.body.error?.code]).toEqual([
        body,
        400,
        field,
        code,
      ]);
    }
    const { id } = await createOne();
    const update = await team.owner.client.patch(`${base()}/${id}`, { webhookUrl: 'https://10.1.2.3/hook' });
    expect(update.body.error).toMatchObject({ code: 'webhook_url_private_address', field: 'webhookUrl' });
    expect(await db().query(`SELECT id FROM notification_channels WHERE org_id = $1`, [team.orgId])).toHaveLength(1);
  });

  it('rejects hostile and malformed channel bodies, naming the field', async () => {
    const cases: [Record<string, unknown>, string, string][] = [
      [{ ...slack, kind: 'pigeon' }, 'kind', 'validation_failed'],
      [{ ...slack, name: '   ' }, 'name', 'validation_failed'],
      [{ ...slack, events: ['webhook.test'] }, 'events', 'validation_failed'],
      [{ ...slack, telegramChatId: '1' }, 'telegramChatId', 'channel_invalid'],
      [
        { kind: 'telegram', name: 't', events: ['print.done'], botToken: '../../admin', telegramChatId: '1' },
        'botToken',
        'channel_invalid',
      ],
      [
        { kind: 'telegram', name: 't', events: ['print.done'], botToken: TELEGRAM_TOKEN, telegramChatId: '1; DROP' },
        'telegramChatId',
        'channel_invalid',
      ],
      [
        { kind: 'slack', name: 's', events: ['print.done'], botToken: 'not-a-token', slackChannelId: 'C0123ABCD' },
        'botToken',
        'channel_invalid',
      ],
      [
        {
          kind: 'ntfy',
          name: 'n',
          events: ['print.done'],
          ntfyServerUrl: 'https://ntfy.example.com',
          ntfyTopic: '../x',
        },
        'ntfyTopic',
        'channel_invalid',
      ],
      [
        { kind: 'email', name: 'm', events: ['print.done'], emailTo: ['a@example.com\r\nBcc: evil@example.com'] },
        'emailTo',
        'channel_invalid',
      ],
      [{ ...slack, fleetIds: [other.fleetA] }, 'fleetIds', 'fleet_not_found'],
      [{ ...slack, orgId: other.orgId }, 'orgId', 'validation_failed'],
    ];
    for (const [body, field, code] of cases) {
      const response = await team.owner.client.post(base(), body);
      expect([body, response.status, response.body.error?.field, response.body.error?.code]).toEqual([
        body,
        400,
        field,
        code,
      ]);
    }
    expect(await db().query(`SELECT id FROM notification_channels`)).toEqual([]);
  });

  it('operator, viewer, fleet-limited members and API keys cannot read or manage channels (403)', async () => {
    const { id } = await createOne();
    const fleetAdmin = await addMember(farm.api, team.owner.client, team.orgId, 'admin', [team.fleetA]);
    const key = await createApiKey(team.owner.client, team.orgId, {
      name: 'automation',
      scopes: ['read:Printer', 'read:Alert'],
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
        await client.post(base(), slack),
        await client.patch(`${base()}/${id}`, { webhookUrl: 'https://evil.example.com/' }),
        await client.post(`${base()}/${id}/test`),
        await client.get(`${base()}/${id}/deliveries`),
        await client.delete(`${base()}/${id}`),
      ];
      expect([who, attempts.map((attempt) => attempt.status)]).toEqual([who, [403, 403, 403, 403, 403, 403]]);
    }
    expect(await db().query(`SELECT id FROM webhook_deliveries WHERE channel_id = $1`, [id])).toEqual([]);
    expect((await team.admin.client.get(base())).body.items).toHaveLength(1);
  });

  it("a tenant cannot see or touch another's channels (404)", async () => {
    const { id } = await createOne();
    const intruder = other.owner.client;
    expect((await intruder.get(base(team.orgId))).status).toBe(404);
    const attempts = [
      await intruder.patch(`${base(other.orgId)}/${id}`, { enabled: false }),
      await intruder.post(`${base(other.orgId)}/${id}/test`),
      await intruder.get(`${base(other.orgId)}/${id}/deliveries`),
      await intruder.delete(`${base(other.orgId)}/${id}`),
    ];
    expect(attempts.map((attempt) => [attempt.status, attempt.body?.error?.code])).toEqual(
      Array(4).fill([404, 'channel_not_found']),
    );
    const [row] = await db().query(`SELECT enabled FROM notification_channels WHERE id = $1`, [id]);
    expect(row.enabled).toBe(true);
  });

  it('updates the filter and deletes, each audited; caps channels per organization', async () => {
    const { id } = await createOne();
    const updated = await team.owner.client.patch(`${base()}/${id}`, {
      events: ['print.done'],
      fleetIds: [team.fleetA],
    });
    expect(updated.body).toMatchObject({ events: ['print.done'], fleetIds: [team.fleetA] });
    expect((await team.owner.client.delete(`${base()}/${id}`)).status).toBe(204);
    const actions = await db().query(
      `SELECT action FROM audit_entries WHERE org_id = $1 AND subject_id = $2 ORDER BY created_at, id`,
      [team.orgId, id],
    );
    expect(actions.map((row: { action: string }) => row.action)).toEqual([
      'notificationChannel.created',
      'notificationChannel.updated',
      'notificationChannel.deleted',
    ]);
    const attempts = await Promise.all(Array.from({ length: 6 }, () => team.owner.client.post(base(), slack)));
    expect(attempts.filter((attempt) => attempt.status === 201)).toHaveLength(4);
    expect(attempts.filter((attempt) => attempt.status === 409)[0]!.body.error.code).toBe('channel_limit_reached');
  });

  it('never writes a channel credential to the logs', () => {
    const logs = farm.logs();
    for (const secret of ['XXXXSECRETPATH', SLACK_BOT_TOKEN, TELEGRAM_TOKEN, NTFY_TOKEN])
      expect(logs).not.toContain(secret);
  });
});
