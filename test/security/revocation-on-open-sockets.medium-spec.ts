import { DASHBOARD_EVENTS, DASHBOARD_NAMESPACE, type ClosingMessage } from '@farmhand/dashboard';
import { createTeam, issueAgentCredential, type Team } from '@farmhand/factories';
import { startApi, type ApiHarness } from '@farmhand/testing';
import { io, type Socket } from 'socket.io-client';
import { connected, hello, rawAgent, refusal } from '../agents/agent-harness';

interface Watched {
  socket: Socket;
  closing: Promise<ClosingMessage>;
  disconnected: Promise<string>;
}

/**
 * Revoking a credential takes effect on the sockets already open with it, at once and on every api instance: an API
 * key's `/dashboard` sockets are told why and closed, an agent credential's `/agent` socket is closed. Not the
 * five-minute revalidation: the closing reason says which path closed it.
 */
describe('revocation takes effect at once on open sockets', () => {
  let api: ApiHarness;
  let second: ApiHarness;
  let team: Team;
  const sockets: Socket[] = [];

  beforeAll(async () => {
    api = await startApi();
    // A second instance on the same database and Redis, as behind a load balancer.
    second = await startApi({}, { database: api.database, redisPrefix: api.config.REDIS_PREFIX });
    team = await createTeam(api);
  });
  afterAll(async () => {
    for (const socket of sockets) socket.disconnect();
    await second?.close({ keepDatabase: true });
    await api?.close();
  });

  async function apiKey(): Promise<{ id: string; key: string }> {
    const created = await team.admin.client.post(`/api/orgs/${team.orgId}/api-keys`, {
      name: 'wall display',
      scopes: ['read:Printer'],
    });
    expect(created.status).toBe(201);
    return { id: created.body.apiKey.id, key: created.body.key };
  }

  /** A script watching the dashboard with an API key, once its first resync has arrived. */
  async function watchWithKey(on: ApiHarness, key: string): Promise<Watched> {
    const socket = io(`${on.url}${DASHBOARD_NAMESPACE}`, {
      transports: ['websocket'],
      reconnection: false,
      auth: { orgId: team.orgId, token: key },
    });
    sockets.push(socket);
    const closing = new Promise<ClosingMessage>((resolve) => socket.once(DASHBOARD_EVENTS.closing, resolve));
    const disconnected = new Promise<string>((resolve) => socket.once('disconnect', resolve));
    await new Promise<void>((resolve, reject) => {
      socket.once(DASHBOARD_EVENTS.resync, () => resolve());
      socket.once('connect_error', reject);
    });
    return { socket, closing, disconnected };
  }

  it("a revoked API key's dashboard sockets are closed at once, on every instance", async () => {
    const { id, key } = await apiKey();
    const here = await watchWithKey(api, key);
    const there = await watchWithKey(second, key);
    const other = await watchWithKey(api, (await apiKey()).key);

    expect((await team.admin.client.delete(`/api/orgs/${team.orgId}/api-keys/${id}`)).status).toBe(204);

    for (const watched of [here, there]) {
      expect(await watched.closing).toEqual({ code: 'api_key_revoked', message: 'This API key was revoked' });
      expect(await watched.disconnected).toBe('io server disconnect');
    }
    // Another key's socket stays open, and the revoked key cannot open a new one.
    expect(other.socket.connected).toBe(true);
    const again = io(`${api.url}${DASHBOARD_NAMESPACE}`, {
      transports: ['websocket'],
      reconnection: false,
      auth: { orgId: team.orgId, token: key },
    });
    sockets.push(again);
    expect((await refusal(again)).data?.code).toBe('unauthenticated');
  });

  it("a revoked agent credential's socket is closed at once, and the credential opens no other", async () => {
    const credential = await issueAgentCredential(api, team.printerA);
    const agent = rawAgent(second.url, { credential });
    sockets.push(agent);
    await connected(agent);
    agent.emit('hello', hello());
    const disconnected = new Promise<string>((resolve) => agent.once('disconnect', resolve));

    const revoked = await team.admin.client.post(
      `/api/orgs/${team.orgId}/printers/${team.printerA.id}/credentials/revoke`,
    );
    expect(revoked.status).toBe(200);
    expect(await disconnected).toBe('io server disconnect');

    const retry = rawAgent(api.url, { credential });
    sockets.push(retry);
    expect((await refusal(retry)).data?.code).toBe('unauthorized');
  });
});
