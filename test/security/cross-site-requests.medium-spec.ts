import { SESSION_COOKIE } from '@farmhand/accounts';
import { createTeam, type Team, makeGcode, createApiKey } from '@farmhand/factories';
import { startApi, tableRowCounts, type ApiHarness, type HttpClient } from '@farmhand/testing';
import { DataSource } from 'typeorm';

/**
 * Cross-site request forgery: a page elsewhere makes the signed-in browser send a state-changing request with its
 * session cookie. SameSite=Lax lets same-site pages (another port, a sibling subdomain) through, so the api checks
 * Origin (else Sec-Fetch-Site, else Referer) against PUBLIC_URL on every cookie-authenticated unsafe request.
 */
describe('cross-site request forgery with a session cookie', () => {
  let api: ApiHarness;
  let team: Team;
  let webhookId: string;
  let foreign: string;
  let sameSite: string;

  beforeAll(async () => {
    api = await startApi({ WEBHOOK_ALLOW_PRIVATE: 'true', WEBHOOK_ALLOW_HTTP: 'true' });
    team = await createTeam(api);
    foreign = 'https://evil.example';
    // The same host on another port: same site, another origin.
    sameSite = `http://127.0.0.1:${api.port + 1}`;
    const created = await team.owner.client.post(`/api/orgs/${team.orgId}/webhooks`, {
      url: 'http://127.0.0.1:9/hook',
      events: ['print.done'],
    });
    expect(created.status).toBe(201);
    webhookId = created.body.id;
  });
  afterAll(() => api.close());

  const cookieOf = (client: HttpClient) => `${SESSION_COOKIE}=${client.cookie(SESSION_COOKIE)}`;

  async function post(
    client: HttpClient,
    path: string,
    init: { headers?: Record<string, string>; body?: RequestInit['body'] } = {},
  ) {
    const response = await fetch(`${api.url}${path}`, {
      method: 'POST',
      headers: { cookie: cookieOf(client), ...init.headers },
      body: init.body,
    });
    const text = await response.text();
    return { status: response.status, body: text ? JSON.parse(text) : undefined };
  }

  function expectRefused(response: { status: number; body: any }) {
    expect(response.status).toBe(403);
    expect(response.body.error.code).toBe('cross_site_request');
  }

  it('refuses a multipart upload from a foreign Origin, and stores nothing', async () => {
    const before = await tableRowCounts(api.app.get(DataSource));
    const form = new FormData();
    form.append('file', new Blob([makeGcode()]), 'forged.gcode');
    expectRefused(
      await post(team.operator.client, `/api/orgs/${team.orgId}/files`, { headers: { origin: foreign }, body: form }),
    );
    expect(await tableRowCounts(api.app.get(DataSource))).toEqual(before);
  });

  it('refuses an empty-body pause from a foreign Origin before it reaches the printer', async () => {
    const path = `/api/orgs/${team.orgId}/printers/${team.printerA.id}/actions/pause`;
    expectRefused(await post(team.operator.client, path, { headers: { origin: foreign } }));
    // The same request from the dashboard's own origin gets as far as the printer (offline here).
    const own = await post(team.operator.client, path, { headers: { origin: api.config.PUBLIC_URL } });
    expect(own.body?.error?.code).not.toBe('cross_site_request');
  });

  it('refuses a webhook test from a foreign Origin', async () => {
    const path = `/api/orgs/${team.orgId}/webhooks/${webhookId}/test`;
    expectRefused(await post(team.owner.client, path, { headers: { origin: foreign } }));
  });

  it('refuses sign-out from a foreign Origin: the session stays', async () => {
    const victim = (await createTeam(api, 'Victim')).viewer.client;
    expectRefused(await post(victim, '/api/auth/sign-out', { headers: { origin: foreign } }));
    expect((await victim.get('/api/auth/me')).status).toBe(200);
    expect((await post(victim, '/api/auth/sign-out', { headers: { origin: api.config.PUBLIC_URL } })).status).toBe(204);
  });

  it('refuses a same-site origin on another port', async () => {
    const path = `/api/orgs/${team.orgId}/printers/${team.printerA.id}/actions/pause`;
    expectRefused(await post(team.operator.client, path, { headers: { origin: sameSite } }));
  });

  it('without Origin, refuses Sec-Fetch-Site cross-site and same-site, and a foreign Referer', async () => {
    const path = `/api/orgs/${team.orgId}/fleets`;
    const body = JSON.stringify({ name: 'Forged' });
    const json = { 'content-type': 'application/json' };
    for (const headers of <Array<Record<string, string>>>[
      { 'sec-fetch-site': 'cross-site' },
      { 'sec-fetch-site': 'same-site' },
      { referer: `${foreign}/page` },
      { referer: `${sameSite}/page` },
    ]) {
      expectRefused(await post(team.owner.client, path, { headers: { ...json, ...headers }, body }));
    }
    const fromDashboard = await post(team.owner.client, path, {
      headers: { ...json, 'sec-fetch-site': 'same-origin' },
      body,
    });
    expect(fromDashboard.status).toBe(201);
  });

  it('lets API keys through from anywhere: they are not ambient', async () => {
    const key = await createApiKey(team.owner.client, team.orgId, { name: 'automation', scopes: ['create:File'] });
    const response = await fetch(`${api.url}/api/orgs/${team.orgId}/files?name=by-key.gcode`, {
      method: 'POST',
      headers: { authorization: `Bearer ${key.key}`, origin: foreign, 'content-type': 'application/octet-stream' },
      body: makeGcode(),
    });
    expect(response.status).toBe(201);
  });

  it('a JSON route refuses a text/plain body (the form post a browser sends without asking) with 415', async () => {
    const response = await post(team.owner.client, `/api/orgs/${team.orgId}/fleets`, {
      headers: { 'content-type': 'text/plain', origin: api.config.PUBLIC_URL },
      body: JSON.stringify({ name: 'Plain' }),
    });
    expect(response.status).toBe(415);
    expect(response.body.error.code).toBe('unsupported_media_type');
  });
});
