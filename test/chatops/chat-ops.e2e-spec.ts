import { createHmac, generateKeyPairSync, randomBytes, randomUUID, sign, type KeyObject } from 'node:crypto';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createTeam, issueAgentCredential, type Member, type Team } from '@farmhand/factories';
import { JobQueue } from '@farmhand/core';
import { startApi, startWorker, waitFor, type ApiHarness, type HttpClient } from '@farmhand/testing';
import { DataSource } from 'typeorm';
import type { AgentRuntime } from '../../apps/agent/src/runtime/agent-runtime';
import type { OctoPrintFarm } from '../../apps/printer-sim/src/octoprint/octoprint-farm';
import { liveOf, startAgent, startFarm, startPrint } from '../agents/agent-harness';

const LINK_FIRST = /^Link your account first/;
const SLACK_SECRET = 'a1b2c3d4e5f60718293a4b5c6d7e8f90';
const TELEGRAM_TOKEN = 'telegram-secret-token-for-tests_0123';
const DISCORD_APP_ID = '1180000000000000001';

interface DiscordCall {
  method: string;
  path: string;
  headers: IncomingHttpHeaders;
  body: any;
  /** What the stand-in answered. */
  status: number;
}

/**
 * Stands in for Discord's HTTP API: records every request; `failOnce` answers a token's first edit with a 500 (the
 * worker's retry must bring the answer anyway).
 */
async function startDiscordApi() {
  const calls: DiscordCall[] = [];
  const failOnce = new Set<string>();
  const server: Server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      const raw = Buffer.concat(chunks).toString('utf8');
      const path = request.url ?? '';
      const token = [...failOnce].find((candidate) => path.includes(`/${candidate}/`));
      const call = { method: request.method ?? '', path, headers: request.headers, body: raw ? JSON.parse(raw) : null };
      calls.push({ ...call, status: token ? 500 : 200 });
      if (token) {
        failOnce.delete(token);
        response.writeHead(500, { 'content-type': 'application/json' }).end('{"message":"try again"}');
        return;
      }
      response.writeHead(200, { 'content-type': 'application/json' }).end('{"id":"1"}');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/api/v10`;
  return { url, calls, failOnce, close: () => new Promise<void>((resolve) => server.close(() => resolve())) };
}

/**
 * Chat-ops against the booted api, a real agent and a simulated OctoPrint: requests signed with real keys (an HMAC
 * secret for Slack, an Ed25519 key pair for Discord, a secret token for Telegram), commands run as the linked member.
 */
describe('chat-ops: inbound chat commands', () => {
  let api: ApiHarness;
  let team: Team;
  let other: Team;
  let farm: OctoPrintFarm;
  let agent: AgentRuntime;
  let discordKeys: { publicKey: KeyObject; privateKey: KeyObject };
  let discordApi: Awaited<ReturnType<typeof startDiscordApi>>;
  let worker: Awaited<ReturnType<typeof startWorker>>;
  let slack: { id: string; requestUrl: string };
  let discord: { id: string };
  let telegram: { id: string };
  let nextUpdate = 1;

  const now = () => Math.floor(Date.now() / 1000);
  const liveState = async () =>
    (await liveOf(team.operator.client, team.orgId, team.printerA.id)).body?.live?.status?.state as string | undefined;
  const query = (sql: string, params: unknown[] = []): Promise<any[]> => api.app.get(DataSource).query(sql, params);

  function slackRequest(
    integrationId: string,
    form: Record<string, string>,
    options: { timestamp?: number; secret?: string } = {},
  ) {
    const raw = new URLSearchParams(form).toString();
    const timestamp = String(options.timestamp ?? now());
    const signature = `v0=${createHmac('sha256', options.secret ?? SLACK_SECRET)
      .update(`v0:${timestamp}:${raw}`)
      .digest('hex')}`;
    const send = () =>
      api.client().request('POST', `/api/chatops/inbound/slack/${integrationId}`, undefined, {
        raw,
        headers: {
          'content-type': 'application/x-www-form-urlencoded',
          'x-slack-request-timestamp': timestamp,
          'x-slack-signature': signature,
        },
      });
    return { send };
  }

  const slackCommand = (userId: string, text: string, integrationId = slack.id) =>
    slackRequest(integrationId, {
      command: '/farmhand',
      text,
      user_id: userId,
      user_name: `name-${userId}`,
      team_id: 'T1',
    }).send();

  const slackClick = (userId: string, actionId: string) =>
    slackRequest(slack.id, {
      payload: JSON.stringify({
        type: 'block_actions',
        user: { id: userId, username: `name-${userId}` },
        team: { id: 'T1' },
        actions: [{ action_id: actionId, value: actionId, type: 'button' }],
      }),
    }).send();

  function discordRequest(body: unknown, options: { timestamp?: number; privateKey?: KeyObject } = {}) {
    const raw = JSON.stringify(body);
    const timestamp = String(options.timestamp ?? now());
    const signature = sign(null, Buffer.from(timestamp + raw), options.privateKey ?? discordKeys.privateKey).toString(
      'hex',
    );
    return api.client().request('POST', `/api/chatops/inbound/discord/${discord.id}`, undefined, {
      raw,
      headers: { 'x-signature-ed25519': signature, 'x-signature-timestamp': timestamp },
    });
  }

  const interactionToken = () => `aW50ZXJhY3Rpb24${randomBytes(24).toString('base64url')}`;

  /** The edit of the deferred answer to the interaction with this token, once the worker sent it. */
  const discordEditOf = (token: string) =>
    waitFor(
      () =>
        discordApi.calls.find(
          (call) =>
            call.status === 200 &&
            call.method === 'PATCH' &&
            call.path === `/api/v10/webhooks/${DISCORD_APP_ID}/${token}/messages/@original`,
        ),
      'the deferred Discord answer edited',
    );

  /**
   * Sends an interaction; Discord's 3-second answer must be the deferred, ephemeral "thinking…" (type 5, flag 64),
   * and the outcome arrives as the edit of that answer. Returns the edit's body.
   */
  async function discordAnswer(body: Record<string, unknown>): Promise<any> {
    const token = interactionToken();
    const response = await discordRequest({ ...body, application_id: DISCORD_APP_ID, token });
    expect(response.status).toBe(200);
    expect(response.body).toEqual({ type: 5, data: { flags: 64 } });
    return (await discordEditOf(token)).body;
  }

  const discordCommand = (userId: string, subcommand: string, options: Record<string, string> = {}) =>
    discordAnswer({
      type: 2,
      id: randomUUID(),
      guild_id: 'G1',
      member: { user: { id: userId, username: `d-${userId}` } },
      data: {
        name: 'farmhand',
        options: [
          {
            name: subcommand,
            type: 1,
            options: Object.entries(options).map(([name, value]) => ({ name, type: 3, value })),
          },
        ],
      },
    });

  function telegramRequest(body: unknown, token = TELEGRAM_TOKEN) {
    return api.client().request('POST', `/api/chatops/inbound/telegram/${telegram.id}`, undefined, {
      raw: JSON.stringify(body),
      headers: { 'x-telegram-bot-api-secret-token': token },
    });
  }

  const telegramMessage = (userId: number, text: string) =>
    telegramRequest({
      update_id: nextUpdate++,
      message: { message_id: 7, date: now(), text, from: { id: userId, username: `t${userId}` }, chat: { id: -100 } },
    });

  const telegramClick = (userId: number, data: string) =>
    telegramRequest({
      update_id: nextUpdate++,
      callback_query: {
        id: `cb-${nextUpdate}`,
        data,
        from: { id: userId, username: `t${userId}` },
        message: { chat: { id: -100 } },
      },
    });

  async function linkCode(member: { client: HttpClient }, orgId = team.orgId): Promise<string> {
    const response = await member.client.post(`/api/orgs/${orgId}/chatops/link-codes`);
    expect(response.status).toBe(201);
    expect(response.body.code).toMatch(/^[A-Z2-9]{4}-[A-Z2-9]{4}$/);
    return response.body.code;
  }

  async function createIntegration(client: HttpClient, body: Record<string, unknown>, orgId = team.orgId) {
    const response = await client.post(`/api/orgs/${orgId}/chatops/integrations`, body);
    expect(response.status).toBe(201);
    return response.body;
  }

  async function chatAudit(command: string) {
    return query(
      `SELECT actor_type, actor_id, action, subject_id, result, details FROM audit_entries
        WHERE org_id = $1 AND action = 'chatops.command' AND details->>'command' = $2 ORDER BY created_at`,
      [team.orgId, command],
    );
  }

  beforeAll(async () => {
    discordApi = await startDiscordApi();
    // The local stand-in for Discord is a loopback http address: the webhook address checks must allow it here.
    const overrides = { DISCORD_API_URL: discordApi.url, WEBHOOK_ALLOW_HTTP: 'true', WEBHOOK_ALLOW_PRIVATE: 'true' };
    api = await startApi(overrides);
    worker = await startWorker(overrides, { api });
    [team, other] = await Promise.all([createTeam(api, 'Farm'), createTeam(api, 'Other')]);
    discordKeys = generateKeyPairSync('ed25519');
    const discordPublicKey = Buffer.from(discordKeys.publicKey.export({ format: 'jwk' }).x!, 'base64url').toString(
      'hex',
    );
    slack = await createIntegration(team.admin.client, {
      platform: 'slack',
      name: 'Hackerspace Slack',
      secret: SLACK_SECRET,
      allowedCommands: ['status', 'pause', 'resume', 'cancel', 'dismiss'],
    });
    // The seed's workflow: a shared channel that may see status and pause, nothing more.
    discord = await createIntegration(team.owner.client, {
      platform: 'discord',
      name: 'Discord',
      secret: discordPublicKey,
      allowedCommands: ['status', 'pause'],
    });
    telegram = await createIntegration(team.admin.client, {
      platform: 'telegram',
      name: 'Telegram',
      secret: TELEGRAM_TOKEN,
      allowedCommands: ['status', 'pause', 'resume', 'cancel', 'dismiss'],
    });
    farm = await startFarm(1);
    agent = await startAgent(api.url, farm, 0, await issueAgentCredential(api, team.printerA));
    await waitFor(async () => (await liveState()) === 'operational', 'printer operational');
  });

  afterAll(async () => {
    await agent?.stop();
    await farm?.stop();
    await worker?.close();
    await api?.close();
    await discordApi?.close();
  });

  describe('integrations (dashboard routes)', () => {
    it('gives the request URL to paste and never returns the secret', async () => {
      expect(slack.requestUrl).toBe(`${api.url}/api/chatops/inbound/slack/${slack.id}`);
      const list = await team.admin.client.get(`/api/orgs/${team.orgId}/chatops/integrations`);
      expect(list.status).toBe(200);
      expect(list.body.items).toHaveLength(3);
      expect(JSON.stringify(list.body)).not.toContain(SLACK_SECRET);
      expect(JSON.stringify(list.body)).not.toContain(TELEGRAM_TOKEN);
      const [stored] = await query(`SELECT secret_ciphertext FROM chat_integrations WHERE id = $1`, [slack.id]);
      expect(stored.secret_ciphertext).toMatch(/^v1\./);
      expect(stored.secret_ciphertext).not.toContain(SLACK_SECRET);
    });

    it('makes a Telegram secret_token when none is given, shown once', async () => {
      const created = await createIntegration(team.admin.client, {
        platform: 'telegram',
        name: 'Generated',
        allowedCommands: ['status'],
      });
      expect(created.generatedSecret).toMatch(/^[A-Za-z0-9_-]{40,}$/);
      const list = await team.admin.client.get(`/api/orgs/${team.orgId}/chatops/integrations`);
      expect(JSON.stringify(list.body)).not.toContain(created.generatedSecret);
      expect(
        (await team.admin.client.delete(`/api/orgs/${team.orgId}/chatops/integrations/${created.id}`)).status,
      ).toBe(204);
    });

    it('refuses a Discord key that is not an Ed25519 public key, and hostile names', async () => {
      const bad = await team.admin.client.post(`/api/orgs/${team.orgId}/chatops/integrations`, {
        platform: 'discord',
        name: 'x',
        secret: 'zz'.repeat(32),
        allowedCommands: ['status'],
      });
      expect(bad.status).toBe(400);
      expect(bad.body.error).toMatchObject({ code: 'chat_secret_invalid', field: 'secret' });
      const hostile = await team.admin.client.post(`/api/orgs/${team.orgId}/chatops/integrations`, {
        platform: 'slack',
        name: 'bad\u0000name',
        secret: SLACK_SECRET,
        allowedCommands: ['status'],
      });
      expect(hostile.status).toBe(400);
      const unknownCommand = await team.admin.client.post(`/api/orgs/${team.orgId}/chatops/integrations`, {
        platform: 'slack',
        name: 'x',
        secret: SLACK_SECRET,
        allowedCommands: ['gcode'],
      });
      expect(unknownCommand.status).toBe(400);
    });

    it('operator, viewer and fleet-limited operator cannot manage integrations; another org cannot see them', async () => {
      const body = { platform: 'slack', name: 'x', secret: SLACK_SECRET, allowedCommands: ['status'] };
      for (const member of [team.operator, team.viewer, team.fleetOperator]) {
        expect((await member.client.get(`/api/orgs/${team.orgId}/chatops/integrations`)).status).toBe(403);
        expect((await member.client.post(`/api/orgs/${team.orgId}/chatops/integrations`, body)).status).toBe(403);
        expect((await member.client.delete(`/api/orgs/${team.orgId}/chatops/integrations/${slack.id}`)).status).toBe(
          403,
        );
      }
      // Not a member: the organization does not exist for them.
      expect((await other.owner.client.get(`/api/orgs/${team.orgId}/chatops/integrations`)).status).toBe(404);
      const wrongOrg = await other.owner.client.delete(`/api/orgs/${other.orgId}/chatops/integrations/${slack.id}`);
      expect(wrongOrg.status).toBe(404);
      const renamed = await other.owner.client.patch(`/api/orgs/${other.orgId}/chatops/integrations/${slack.id}`, {
        name: 'mine',
      });
      expect(renamed.status).toBe(404);
    });
  });

  describe('request verification', () => {
    it('answers a Discord PING signed with the application key', async () => {
      const response = await discordRequest({ type: 1, id: randomUUID() });
      expect(response.status).toBe(200);
      expect(response.body).toEqual({ type: 1 });
    });

    it('rejects a Discord interaction signed by another key (forged signature)', async () => {
      const forger = generateKeyPairSync('ed25519');
      const response = await discordRequest({ type: 1, id: randomUUID() }, { privateKey: forger.privateKey });
      expect(response.status).toBe(401);
      expect(response.body.error.code).toBe('chat_signature_invalid');
    });

    it('rejects a Slack command signed with another secret (forged signature)', async () => {
      const response = await slackRequest(
        slack.id,
        { command: '/farmhand', text: 'status', user_id: 'U1' },
        {
          secret: 'f'.repeat(32),
        },
      ).send();
      expect(response.status).toBe(401);
      expect(response.body.error.code).toBe('chat_signature_invalid');
    });

    it('rejects a Slack body changed after signing', async () => {
      const raw = new URLSearchParams({ command: '/farmhand', text: 'status', user_id: 'U1' }).toString();
      const timestamp = String(now());
      const signature = `v0=${createHmac('sha256', SLACK_SECRET).update(`v0:${timestamp}:${raw}`).digest('hex')}`;
      const response = await api.client().request('POST', `/api/chatops/inbound/slack/${slack.id}`, undefined, {
        raw: raw.replace('status', 'pause%20Farm%20A1'),
        headers: {
          'content-type': 'application/x-www-form-urlencoded',
          'x-slack-request-timestamp': timestamp,
          'x-slack-signature': signature,
        },
      });
      expect(response.status).toBe(401);
    });

    it('rejects a Discord interaction without its token, or with a token that would change the edit’s path', async () => {
      const click = {
        type: 3,
        id: randomUUID(),
        application_id: DISCORD_APP_ID,
        member: { user: { id: 'D-x', username: 'd' } },
        data: { custom_id: 'farmhand:x', component_type: 2 },
      };
      for (const token of [undefined, '../../channels/1/messages', 'tok\u0000en', 'tok\ud800en']) {
        const response = await discordRequest({ ...click, token });
        expect(response.status).toBe(400);
        expect(response.body.error.code).toBe('chat_request_unreadable');
      }
      const hostileApp = await discordRequest({ ...click, application_id: '1/../2', token: interactionToken() });
      expect(hostileApp.status).toBe(400);
      expect(discordApi.calls.filter((call) => !call.path.startsWith(`/api/v10/webhooks/${DISCORD_APP_ID}/`))).toEqual(
        [],
      );
    });

    it('answers an unlinked Discord user "link your account first" through the deferred answer', async () => {
      const answer = await discordCommand('D-stranger', 'pause', { printer: 'Farm A1' });
      expect(answer.content).toMatch(LINK_FIRST);
    });

    it('rejects stale timestamps (Slack and Discord), even correctly signed', async () => {
      const stale = await slackRequest(
        slack.id,
        { command: '/farmhand', text: 'status', user_id: 'U1' },
        {
          timestamp: now() - 6 * 60,
        },
      ).send();
      expect(stale.status).toBe(401);
      expect(stale.body.error.code).toBe('chat_request_stale');
      const future = await discordRequest({ type: 1, id: randomUUID() }, { timestamp: now() + 6 * 60 });
      expect(future.status).toBe(401);
      expect(future.body.error.code).toBe('chat_request_stale');
    });

    it('rejects a replayed Slack request and a replayed Telegram update', async () => {
      const request = slackRequest(slack.id, { command: '/farmhand', text: 'status', user_id: 'U-replay' });
      expect((await request.send()).status).toBe(200);
      const replayed = await request.send();
      expect(replayed.status).toBe(409);
      expect(replayed.body.error.code).toBe('chat_request_replayed');

      const update = {
        update_id: 990_001,
        message: { message_id: 1, text: '/status', from: { id: 5 }, chat: { id: 5 } },
      };
      expect((await telegramRequest(update)).status).toBe(200);
      expect((await telegramRequest(update)).status).toBe(409);
    });

    it('rejects a Telegram update without the secret token or with a wrong one', async () => {
      const update = () => ({
        update_id: nextUpdate++,
        message: { message_id: 1, text: '/status', from: { id: 5 }, chat: { id: 5 } },
      });
      expect((await telegramRequest(update(), 'wrong-token-wrong-token-wrong')).status).toBe(401);
      const none = await api.client().request('POST', `/api/chatops/inbound/telegram/${telegram.id}`, undefined, {
        raw: JSON.stringify(update()),
      });
      expect(none.status).toBe(401);
    });

    it('rejects a request sent to another platform’s URL of the integration', async () => {
      const response = await api.client().request('POST', `/api/chatops/inbound/telegram/${slack.id}`, undefined, {
        raw: '{}',
        headers: { 'x-telegram-bot-api-secret-token': TELEGRAM_TOKEN },
      });
      expect(response.status).toBe(404);
    });

    it('refuses requests past the integration rate limit', async () => {
      const limited = await createIntegration(team.admin.client, {
        platform: 'slack',
        name: 'Limited',
        secret: SLACK_SECRET,
        allowedCommands: ['status'],
        rateLimitPerMinute: 2,
      });
      const statuses: number[] = [];
      for (let index = 0; index < 3; index++)
        statuses.push((await slackCommand(`U-rate-${index}`, 'status', limited.id)).status);
      expect(statuses).toEqual([200, 200, 429]);
    });
  });

  describe('linking and commands', () => {
    it('answers an unlinked chat user "link your account first" and nothing else', async () => {
      for (const text of ['status', 'pause Farm A1', 'help', '']) {
        const response = await slackCommand('U-stranger', text);
        expect(response.status).toBe(200);
        expect(response.body).toMatchObject({ response_type: 'ephemeral', text: expect.stringMatching(LINK_FIRST) });
        expect(response.body.text).not.toContain('Farm A1');
      }
      const click = await telegramClick(404, `farmhand:cancel.confirm:${team.printerA.id}`);
      expect(click.body).toMatchObject({ method: 'answerCallbackQuery', text: expect.stringMatching(LINK_FIRST) });
    });

    it('links with a one-time code, and the code cannot be used again', async () => {
      const code = await linkCode(team.operator);
      const linked = await slackCommand('U-operator', `link ${code.toLowerCase()}`);
      expect(linked.body.text).toMatch(/^Linked/);
      const reused = await slackCommand('U-thief', `link ${code}`);
      expect(reused.body.text).toMatch(/not valid/);
      expect((await slackCommand('U-thief', 'status')).body.text).toMatch(LINK_FIRST);
      const links = await team.operator.client.get(`/api/orgs/${team.orgId}/chatops/links`);
      expect(links.body.items).toEqual([
        expect.objectContaining({ integrationId: slack.id, platform: 'slack', platformUserName: 'name-U-operator' }),
      ]);
      const [stored] = await query(`SELECT code_hash, used_at FROM chat_link_codes WHERE org_id = $1`, [team.orgId]);
      expect(stored.code_hash).not.toContain(code.replace('-', ''));
      expect(stored.used_at).not.toBeNull();
    });

    it('refuses an expired link code, and throttles code guessing per chat user', async () => {
      const code = await linkCode(team.admin);
      await query(
        `UPDATE chat_link_codes SET expires_at = now() - interval '1 second' WHERE org_id = $1 AND used_at IS NULL`,
        [team.orgId],
      );
      expect((await slackCommand('U-late', `link ${code}`)).body.text).toMatch(/not valid/);
      for (let guess = 0; guess < 5; guess++)
        expect((await slackCommand('U-guesser', `link AAAA-AAA${guess + 2}`)).body.text).toMatch(/not valid/);
      const fresh = await linkCode(team.admin);
      expect((await slackCommand('U-guesser', `link ${fresh}`)).body.text).toMatch(/Too many link attempts/);
      expect((await slackCommand('U-guesser', 'status')).body.text).toMatch(LINK_FIRST);
    });

    it('refuses another organization’s link code', async () => {
      const code = await linkCode(other.operator, other.orgId);
      expect((await slackCommand('U-other', `link ${code}`)).body.text).toMatch(/not valid/);
    });

    it('shows status of the printers the member can see', async () => {
      const all = await slackCommand('U-operator', 'status');
      expect(all.body.text).toContain('Farm A1: operational');
      expect(all.body.text).toContain('Farm B1: offline');
      expect(all.body.text).not.toContain('Other');
      expect((await slackCommand('U-operator', 'status Fleet B')).body.text).toContain('Farm B1');
      expect((await slackCommand('U-operator', 'status Other A1')).body.text).toMatch(/No printer or fleet/);
    });

    it('viewer cannot pause (refused with a clear message, printer keeps printing)', async () => {
      const code = await linkCode(team.viewer);
      expect((await telegramMessage(301, `/link ${code}`)).body.text).toMatch(/^Linked/);
      startPrint(farm, 0);
      await waitFor(async () => (await liveState()) === 'printing', 'printing');
      const response = await telegramMessage(301, '/pause@FarmhandBot Farm A1');
      expect(response.status).toBe(200);
      expect(response.body).toMatchObject({ method: 'sendMessage', chat_id: -100, reply_to_message_id: 7 });
      expect(response.body.text).toMatch(/You may not pause Farm A1: your role \(viewer\)/);
      expect(await liveState()).toBe('printing');
      const [denied] = await chatAudit('pause');
      expect(denied).toMatchObject({ result: 'denied', actor_id: team.viewer.userId });
      expect(denied.details).toMatchObject({ platform: 'telegram', chatUserId: '301' });
    });

    it('fleet-limited member cannot pause another fleet’s printer, nor name another org’s', async () => {
      const code = await linkCode(team.fleetOperator);
      expect((await slackCommand('U-fleet', `link ${code}`)).body.text).toMatch(/^Linked/);
      expect((await slackCommand('U-fleet', 'pause Farm B1')).body.text).toMatch(/No printer named/);
      const status = (await slackCommand('U-fleet', 'status')).body.text as string;
      expect(status).toContain('Farm A1');
      expect(status).not.toContain('Farm B1');
      expect((await slackCommand('U-operator', 'pause Other A1')).body.text).toMatch(/No printer named/);
      expect(await liveState()).toBe('printing');
    });

    it('refuses a command the integration does not allow', async () => {
      const code = await linkCode(team.operator);
      const linked = await discordCommand('D-operator', 'link', { code });
      expect(linked).toMatchObject({ content: expect.stringMatching(/^Linked/), allowed_mentions: { parse: [] } });
      const response = await discordCommand('D-operator', 'resume', { printer: 'Farm A1' });
      expect(response.content).toMatch(/`resume` is not allowed in this channel/);
      expect((await discordCommand('D-operator', 'cancel', { printer: 'Farm A1' })).content).toMatch(/not allowed/);
      expect(await liveState()).toBe('printing');
    });

    it('a linked operator pauses the printer for real, audited with the chat identity', async () => {
      const token = interactionToken();
      // Discord's API answers the first edit with a 500: the worker's retry delivers the outcome anyway.
      discordApi.failOnce.add(token);
      const response = await discordRequest({
        type: 2,
        id: randomUUID(),
        application_id: DISCORD_APP_ID,
        token,
        guild_id: 'G1',
        member: { user: { id: 'D-operator', username: 'd-D-operator' } },
        data: {
          name: 'farmhand',
          options: [{ name: 'pause', type: 1, options: [{ name: 'printer', type: 3, value: 'farm a1' }] }],
        },
      });
      expect(response.status).toBe(200);
      expect(response.body).toEqual({ type: 5, data: { flags: 64 } });
      const edit = await discordEditOf(token);
      expect(edit.headers['content-type']).toBe('application/json');
      expect(edit.body).toEqual({ content: 'Paused Farm A1.', allowed_mentions: { parse: [] }, components: [] });
      const tries = discordApi.calls.filter((call) => call.path.includes(`/${token}/`));
      expect(tries.map((call) => [call.method, call.status])).toEqual([
        ['PATCH', 500],
        ['PATCH', 200],
      ]);
      expect(tries[0]!.body).toEqual(tries[1]!.body);
      // The interaction token (it may edit the answer for 15 minutes) waits in Redis encrypted, never in clear.
      // The job may still be active: the stand-in answered its PATCH a moment before BullMQ marks it completed.
      const queued = await api.app
        .get(JobQueue)
        .queueFor('chatops.discord.answer')
        .getJobs(['active', 'completed', 'failed']);
      const job = queued.find((candidate) => candidate.data.content === 'Paused Farm A1.');
      expect(job?.data).toMatchObject({ applicationId: DISCORD_APP_ID, integrationId: discord.id });
      expect(JSON.stringify(job?.data)).not.toContain(token);
      await waitFor(async () => (await liveState()) === 'paused', 'paused');
      const printerAudit = await query(
        `SELECT actor_id, result FROM audit_entries WHERE org_id = $1 AND action = 'printer.pause' AND subject_id = $2`,
        [team.orgId, team.printerA.id],
      );
      expect(printerAudit).toContainEqual({ actor_id: team.operator.userId, result: 'success' });
      const chat = (await chatAudit('pause')).filter((entry) => entry.result === 'success');
      expect(chat).toHaveLength(1);
      expect(chat[0]).toMatchObject({
        actor_type: 'user',
        actor_id: team.operator.userId,
        subject_id: team.printerA.id,
      });
      expect(chat[0].details).toMatchObject({
        platform: 'discord',
        integrationId: discord.id,
        chatUserId: 'D-operator',
        chatUserName: 'd-D-operator',
        outcome: 'ok',
      });
    });

    it('resumes, and cancel asks for confirmation with a button before cancelling', async () => {
      expect((await slackCommand('U-operator', 'resume Farm A1')).body.text).toBe('Resumed Farm A1.');
      await waitFor(async () => (await liveState()) === 'printing', 'printing again');
      const asked = await slackCommand('U-operator', 'cancel Farm A1');
      const button = `farmhand:cancel.confirm:${team.printerA.id}`;
      expect(asked.body.blocks[1].elements[0]).toMatchObject({ action_id: button, style: 'danger' });
      expect(await liveState()).toBe('printing');
      // Another linked member without cancel (the viewer, on Telegram) clicking it is refused.
      expect((await telegramClick(301, button)).body.text).toMatch(/You may not cancel/);
      const clicked = await slackClick('U-operator', button);
      expect(clicked.status).toBe(200);
      expect(clicked.body.text).toBe('Cancelled the print on Farm A1.');
      await waitFor(async () => (await liveState()) === 'operational', 'cancelled');
    });
  });

  describe('alert buttons', () => {
    async function insertAlert(): Promise<string> {
      const id = randomUUID();
      await query(
        `INSERT INTO detection_alerts (id, org_id, printer_id, level, state, score, boxes, paused)
         VALUES ($1, $2, $3, 'warning', 'open', 0.9, '[]', false)`,
        [id, team.orgId, team.printerA.id],
      );
      return id;
    }
    const alertState = async (id: string) =>
      (await query(`SELECT state FROM detection_alerts WHERE id = $1`, [id]))[0].state;

    it("the alert's Pause button pauses the printer and marks the alert seen", async () => {
      startPrint(farm, 0);
      await waitFor(async () => (await liveState()) === 'printing', 'printing');
      const alertId = await insertAlert();
      expect((await telegramClick(301, `farmhand:alert.pause:${alertId}`)).body.text).toMatch(/You may not pause/);
      const code = await linkCode(team.operator);
      expect((await telegramMessage(302, `/link ${code}`)).body.text).toMatch(/^Linked/);
      const clicked = await telegramClick(302, `farmhand:alert.pause:${alertId}`);
      expect(clicked.body).toMatchObject({ method: 'answerCallbackQuery', text: 'Paused Farm A1.', show_alert: true });
      await waitFor(async () => (await liveState()) === 'paused', 'paused by the alert button');
      expect(await alertState(alertId)).toBe('acknowledged');
    });

    it("the alert's It's fine button marks a false alarm; a viewer's click is refused", async () => {
      const alertId = await insertAlert();
      expect((await telegramClick(301, `farmhand:alert.dismiss:${alertId}`)).body.text).toMatch(/You may not dismiss/);
      expect(await alertState(alertId)).toBe('open');
      const clicked = await telegramClick(302, `farmhand:alert.dismiss:${alertId}`);
      expect(clicked.body.text).toMatch(/false alarm/);
      expect(await alertState(alertId)).toBe('false_alarm');
      // The Discord channel allows status and pause only: its dismiss is refused.
      const other = await insertAlert();
      const refused = await discordAnswer({
        type: 3,
        id: randomUUID(),
        member: { user: { id: 'D-operator', username: 'd' } },
        data: { custom_id: `farmhand:alert.dismiss:${other}`, component_type: 2 },
      });
      expect(refused.content).toMatch(/not allowed/);
      expect(await alertState(other)).toBe('open');
    });

    it('ignores buttons that are not Farmhand’s and alerts of another organization', async () => {
      expect((await telegramClick(302, 'farmhand:alert.dismiss:not-a-uuid')).body.text).toMatch(/not one of Farmhand/);
      const foreign = randomUUID();
      const otherPrinter = other.printerA;
      await query(
        `INSERT INTO detection_alerts (id, org_id, printer_id, level, state, score, boxes, paused)
         VALUES ($1, $2, $3, 'warning', 'open', 0.9, '[]', false)`,
        [foreign, other.orgId, otherPrinter.id],
      );
      expect((await telegramClick(302, `farmhand:alert.dismiss:${foreign}`)).body.text).toMatch(/not found/i);
      expect((await alertState(foreign)) as string).toBe('open');
    });
  });

  describe('unlinking', () => {
    it('unlinks from the dashboard: the chat user is a stranger again', async () => {
      const links = await team.operator.client.get(`/api/orgs/${team.orgId}/chatops/links`);
      const slackLink = links.body.items.find((item: { platform: string }) => item.platform === 'slack');
      expect((await team.viewer.client.delete(`/api/orgs/${team.orgId}/chatops/links/${slackLink.id}`)).status).toBe(
        404,
      );
      expect((await team.operator.client.delete(`/api/orgs/${team.orgId}/chatops/links/${slackLink.id}`)).status).toBe(
        204,
      );
      expect((await slackCommand('U-operator', 'status')).body.text).toMatch(LINK_FIRST);
    });

    it('unlinks a removed member everywhere', async () => {
      const viewer: Member = team.viewer;
      expect((await telegramMessage(301, '/status')).body.text).not.toMatch(LINK_FIRST);
      const removed = await team.owner.client.delete(`/api/orgs/${team.orgId}/members/${viewer.membershipId}`);
      expect(removed.status).toBe(204);
      expect((await telegramMessage(301, '/status')).body.text).toMatch(LINK_FIRST);
      expect(await query(`SELECT id FROM chat_accounts WHERE membership_id = $1`, [viewer.membershipId])).toEqual([]);
    });
  });
});
