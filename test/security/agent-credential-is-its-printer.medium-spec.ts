import { defineAbilityFor, type AgentPrincipal } from '@farmhand/authz';
import { createTeam, insertPrinter, issueAgentCredential, type Team } from '@farmhand/factories';
import { ReadinessService } from '@farmhand/jobs';
import { PrintersService } from '@farmhand/printers';
import { startApi, type ApiHarness, type HttpClient, waitFor } from '@farmhand/testing';
import { DataSource } from 'typeorm';

/**
 * A printer's agent credential is that printer and nothing else. The outside test listed every printer of the
 * organization (names, fleets, serials, live readiness) with one; now the organization's API refuses agent
 * credentials outright (their API is /api/agent/* and the /agent socket), and the lists themselves filter by the
 * agent's ability, so even a route that let one through would show it its own printer only.
 */
describe('an agent credential is its own printer and nothing else', () => {
  let api: ApiHarness;
  let team: Team;
  let agent: HttpClient;
  let principal: AgentPrincipal;

  beforeAll(async () => {
    api = await startApi();
    team = await createTeam(api);
    await insertPrinter(api, team.orgId, team.fleetA, { name: 'A2', serial: 'SN-A2' });
    agent = api.client();
    agent.bearer = await issueAgentCredential(api, team.printerA);
    const [row]: { id: string }[] = await api.app
      .get(DataSource)
      .query(`SELECT id FROM printer_credentials WHERE printer_id = $1`, [team.printerA.id]);
    principal = { kind: 'agent', printerId: team.printerA.id, orgId: team.orgId, credentialId: row!.id };
  });
  afterAll(() => api.close());

  const org = () => `/api/orgs/${team.orgId}`;

  it.each([
    ['the printers of its organization', () => `${org()}/printers`],
    ['queue readiness', () => `${org()}/queue/readiness`],
    ['its own printer through the organization API', () => `${org()}/printers/${team.printerA.id}`],
    ['another printer of its organization', () => `${org()}/printers/${team.printerB.id}`],
    ['the queue', () => `${org()}/jobs`],
    ['the fleets', () => `${org()}/fleets`],
    ['the members', () => `${org()}/members`],
  ])('an agent credential cannot read %s', async (_what, path) => {
    const response = await agent.get(path());
    expect(response.status).toBe(403);
    expect(response.body.error.code).toBe('agent_not_allowed');
    expect(JSON.stringify(response.body)).not.toContain('SN-A2');
  });

  it('an agent credential cannot act on its own printer through the organization API', async () => {
    for (const path of [`/printers/${team.printerA.id}/actions/pause`, `/printers/${team.printerA.id}/bed/clear`])
      expect((await agent.post(`${org()}${path}`, { outcome: 'good' })).body.error.code).toBe('agent_not_allowed');
  });

  it("an agent credential cannot reach another organization's routes", async () => {
    const other = await createTeam(api, 'Other farm');
    const response = await agent.get(`/api/orgs/${other.orgId}/printers`);
    expect(response.status).toBe(403);
    expect(response.body.error.code).toBe('agent_not_allowed');
  });

  it("each refusal is in the audit log of the agent's organization", async () => {
    await agent.get(`${org()}/queue/readiness`);
    const denied = () =>
      api.app.get(DataSource).query(
        `SELECT actor_id FROM audit_entries WHERE org_id = $1 AND actor_type = 'agent' AND result = 'denied'
            AND details->>'route' = 'GET /api/orgs/:orgId/queue/readiness'`,
        [team.orgId],
      ) as Promise<{ actor_id: string }[]>;
    const rows = await waitFor(async () => ((await denied()).length ? denied() : null), 'the audit entry');
    expect(rows[0]!.actor_id).toBe(team.printerA.id);
  });

  it("the printer lists filter by the agent's own conditions, in SQL: its printer only", async () => {
    const ability = defineAbilityFor(principal);
    const listed = await api.app.get(PrintersService).list(ability, team.orgId, {});
    expect(listed.printers.map((printer) => printer.id)).toEqual([team.printerA.id]);
    expect(listed.total).toBe(1);
    const readiness = await api.app.get(ReadinessService).list(ability, team.orgId);
    expect(readiness.printers.map((printer) => printer.printerId)).toEqual([team.printerA.id]);
  });
});
