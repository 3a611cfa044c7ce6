import { createTeam, issueAgentCredential, type Team } from '@farmhand/factories';
import { startApi, type ApiHarness, type HttpClient } from '@farmhand/testing';
import { DataSource } from 'typeorm';
import { printerOfCredential } from './enrollment-test-helpers';

describe('agent credentials', () => {
  let api: ApiHarness;
  let team: Team;
  beforeAll(async () => {
    api = await startApi();
    team = await createTeam(api);
  });
  afterAll(() => api.close());

  function agent(token: string): HttpClient {
    const client = api.client();
    client.bearer = token;
    return client;
  }

  it('stores only a SHA-256 of the credential', async () => {
    const token = await issueAgentCredential(api, team.printerA);
    expect(token).toMatch(/^fh_agent_[0-9a-z]{12}_[0-9A-Za-z]{43}$/);
    const rows = await api.app.get(DataSource).query('SELECT * FROM printer_credentials');
    expect(JSON.stringify(rows)).not.toContain(token.slice(-20));
  });

  it("one printer's credential cannot act as another printer, nor use the organization's API", async () => {
    const token = await issueAgentCredential(api, team.printerA);
    expect(await printerOfCredential(api, token)).toBe(team.printerA.id);
    for (const response of [
      await agent(token).get(`/api/orgs/${team.orgId}/printers/${team.printerA.id}`),
      await agent(token).get(`/api/orgs/${team.orgId}/printers/${team.printerB.id}`),
      await agent(token).patch(`/api/orgs/${team.orgId}/printers/${team.printerA.id}`, { name: 'hijack' }),
      await agent(token).get(`/api/orgs/${team.orgId}/members`),
    ])
      expect(response.body.error.code).toBe('agent_not_allowed');
  });

  it('a forged credential (real id, wrong secret) is refused', async () => {
    const token = await issueAgentCredential(api, team.printerA);
    const forged = token.slice(0, -43) + 'A'.repeat(43);
    expect((await agent(forged).get(`/api/orgs/${team.orgId}/printers/${team.printerA.id}`)).status).toBe(401);
  });

  it('rotation issues a new credential; the old one works through the grace window only', async () => {
    const old = await issueAgentCredential(api, team.printerB);
    const rotated = await team.admin.client.post(
      `/api/orgs/${team.orgId}/printers/${team.printerB.id}/credentials/rotate`,
    );
    expect(rotated.status).toBe(201);
    expect(rotated.body.credential).not.toBe(old);
    expect(await printerOfCredential(api, old)).toBe(team.printerB.id);
    expect(await printerOfCredential(api, rotated.body.credential)).toBe(team.printerB.id);
    await api.app
      .get(DataSource)
      .query(`UPDATE printer_credentials SET expires_at = now() - interval '1 second' WHERE expires_at IS NOT NULL`);
    expect((await agent(old).get(`/api/orgs/${team.orgId}/printers/${team.printerB.id}`)).status).toBe(401);
    const listed = await team.admin.client.get(`/api/orgs/${team.orgId}/printers/${team.printerB.id}/credentials`);
    expect(JSON.stringify(listed.body)).not.toContain(rotated.body.credential);
  });

  it('revocation stops every credential of the printer at once, and is audited', async () => {
    const token = await issueAgentCredential(api, team.printerA);
    expect(
      (await team.operator.client.post(`/api/orgs/${team.orgId}/printers/${team.printerA.id}/credentials/revoke`))
        .status,
    ).toBe(403);
    const revoked = await team.admin.client.post(
      `/api/orgs/${team.orgId}/printers/${team.printerA.id}/credentials/revoke`,
    );
    expect(revoked.status).toBe(200);
    expect(revoked.body.revoked).toBeGreaterThan(0);
    expect((await agent(token).get(`/api/orgs/${team.orgId}/printers/${team.printerA.id}`)).status).toBe(401);
    const log = await team.owner.client.get(`/api/orgs/${team.orgId}/audit?action=printerCredential.`);
    expect(log.body.entries.map((e: { action: string }) => e.action)).toEqual(
      expect.arrayContaining(['printerCredential.revoked', 'printerCredential.rotated']),
    );
  });

  it('a fleet-limited operator cannot rotate a printer of another fleet, nor any viewer', async () => {
    expect(
      (await team.viewer.client.post(`/api/orgs/${team.orgId}/printers/${team.printerA.id}/credentials/rotate`)).status,
    ).toBe(403);
    expect(
      (await team.fleetOperator.client.post(`/api/orgs/${team.orgId}/printers/${team.printerB.id}/credentials/rotate`))
        .status,
    ).toBe(403);
  });
});
