import { createHash } from 'node:crypto';
import {
  addMember,
  createTeam,
  issueAgentCredential,
  signUpUser,
  type Team,
  createEnrollmentToken,
} from '@farmhand/factories';
import { REDEEM_FAILURE_LIMITS } from '@farmhand/enrollment';
import { startApi, type ApiHarness } from '@farmhand/testing';
import { DataSource } from 'typeorm';
import { printerOfCredential, redeem, resetAddressLimits, startPairing } from './enrollment-test-helpers';

describe('enrollment tokens', () => {
  let api: ApiHarness;
  let team: Team;
  let database: DataSource;

  beforeAll(async () => {
    api = await startApi();
    team = await createTeam(api, 'Token Farm');
    database = api.app.get(DataSource);
  });
  afterAll(() => api.close());
  beforeEach(() => resetAddressLimits(api));

  const tokensPath = () => `/api/orgs/${team.orgId}/enrollment/tokens`;

  it('an admin creates a token bound to a fleet; an agent redeems it once and acts as that printer only', async () => {
    const created = await createEnrollmentToken(team.admin.client, team.orgId, {
      fleetId: team.fleetB,
      printerName: 'Voron',
      model: 'Voron 2.4',
      buildX: 350,
      buildY: 350,
      buildZ: 340,
      nozzleDiameter: 0.4,
      tags: ['Enclosure', 'enclosure'],
    });
    expect(created).toMatchObject({
      token: expect.stringMatching(/^fh_enr_[0-9a-z]{12}_[0-9A-Za-z]{43}$/),
      fleetId: team.fleetB,
      usesAllowed: 1,
      usesLeft: 1,
      status: 'usable',
      agentCommand: expect.stringContaining(`--token ${created.token}`),
    });
    const hoursLeft = (new Date(created.expiresAt).getTime() - Date.now()) / 3600_000;
    expect(hoursLeft).toBeGreaterThan(23);
    expect(hoursLeft).toBeLessThanOrEqual(24);

    const redeemed = await redeem(api.client(), created.token, { version: '0.1.0', hostname: 'voron-pi' });
    expect(redeemed.status).toBe(200);
    expect(redeemed.body).toEqual({
      printerId: expect.any(String),
      credential: expect.stringMatching(/^fh_agent_/),
      server: api.config.PUBLIC_URL.replace(/\/$/, ''),
    });
    expect(await printerOfCredential(api, redeemed.body.credential)).toBe(redeemed.body.printerId);
    const printer = await team.admin.client.get(`/api/orgs/${team.orgId}/printers/${redeemed.body.printerId}`);
    expect(printer.body).toMatchObject({
      name: 'Voron',
      fleetId: team.fleetB,
      model: 'Voron 2.4',
      tags: ['enclosure'],
    });
    // The credential is its printer and nothing else: the organization's API refuses it outright.
    const agent = api.client();
    agent.bearer = redeemed.body.credential;
    for (const path of [`/api/orgs/${team.orgId}/printers/${team.printerA.id}`, tokensPath()])
      expect((await agent.get(path)).body.error.code).toBe('agent_not_allowed');

    const replay = await redeem(api.client(), created.token);
    expect(replay.status).toBe(401);
    expect(replay.body.error.code).toBe('invalid_token');
  });

  it('two concurrent redeems of a single-use token succeed once', async () => {
    const { token } = await createEnrollmentToken(team.admin.client, team.orgId, {
      fleetId: team.fleetA,
      printerName: 'race',
    });
    const results = await Promise.all(Array.from({ length: 6 }, () => redeem(api.client(), token)));
    expect(results.filter((result) => result.status === 200)).toHaveLength(1);
    expect(results.filter((result) => result.status === 401)).toHaveLength(5);
    expect(await database.query(`SELECT id FROM printers WHERE name LIKE 'race%'`)).toHaveLength(1);
  });

  it('an N-use token enrolls N printers under unique names, even concurrently, then stops', async () => {
    const { token, id } = await createEnrollmentToken(team.owner.client, team.orgId, {
      fleetId: team.fleetA,
      uses: 3,
      printerName: 'Bench',
    });
    const results = await Promise.all(Array.from({ length: 4 }, () => redeem(api.client(), token)));
    expect(results.map((result) => result.status).sort()).toEqual([200, 200, 200, 401]);
    const names = (await database.query(`SELECT name FROM printers WHERE name LIKE 'Bench%' ORDER BY name`)).map(
      (row: { name: string }) => row.name,
    );
    expect(names).toEqual(['Bench', 'Bench-2', 'Bench-3']);
    const listed = await team.owner.client.get(`${tokensPath()}?status=all`);
    expect(listed.body.tokens.find((entry: { id: string }) => entry.id === id)).toMatchObject({
      usesLeft: 0,
      status: 'used',
    });
  });

  it('without a printer name, a redemption names the printer after the agent’s host', async () => {
    const { token } = await createEnrollmentToken(team.admin.client, team.orgId, { fleetId: team.fleetA, uses: 2 });
    const first = await redeem(api.client(), token, { version: '0.1.0', hostname: 'octopi-17' });
    const second = await redeem(api.client(), token, { version: '0.1.0', hostname: 'octopi-17' });
    const names = await database.query(`SELECT name FROM printers WHERE id = ANY($1) ORDER BY name`, [
      [first.body.printerId, second.body.printerId],
    ]);
    expect(names.map((row: { name: string }) => row.name)).toEqual(['octopi-17', 'octopi-17-2']);
  });

  it('rejects an expired or revoked token, with the same answer as an unknown one', async () => {
    const expired = await createEnrollmentToken(team.admin.client, team.orgId, { fleetId: team.fleetA });
    await database.query(`UPDATE enrollment_tokens SET expires_at = now() - interval '1 second' WHERE id = $1`, [
      expired.id,
    ]);
    const revoked = await createEnrollmentToken(team.admin.client, team.orgId, { fleetId: team.fleetA });
    expect((await team.admin.client.delete(`${tokensPath()}/${revoked.id}`)).status).toBe(204);
    const unknown = `fh_enr_${'a'.repeat(12)}_${'B'.repeat(43)}`;
    const forged = `${expired.token.slice(0, -43)}${'C'.repeat(43)}`;
    const answers = await Promise.all(
      [expired.token, revoked.token, unknown, forged, 'nonsense'].map((token) => redeem(api.client(), token)),
    );
    for (const answer of answers) {
      expect(answer.status).toBe(401);
      expect(answer.body).toEqual(answers[0]!.body);
    }
    const log = await team.owner.client.get(`/api/orgs/${team.orgId}/audit?action=enrollmentToken.`);
    expect(log.body.entries.map((entry: { action: string }) => entry.action)).toEqual(
      expect.arrayContaining(['enrollmentToken.created', 'enrollmentToken.revoked']),
    );
  });

  it('stores only a SHA-256 of the token and never lists it', async () => {
    const created = await createEnrollmentToken(team.admin.client, team.orgId, { fleetId: team.fleetA });
    const [row] = await database.query('SELECT * FROM enrollment_tokens WHERE id = $1', [created.id]);
    expect(row.token_hash).toBe(createHash('sha256').update(created.token).digest('hex'));
    expect(JSON.stringify(await database.query('SELECT * FROM enrollment_tokens'))).not.toContain(
      created.token.slice(-20),
    );
    const listed = await team.owner.client.get(`${tokensPath()}?status=all&limit=1000`);
    expect(listed.status).toBe(200);
    expect(JSON.stringify(listed.body)).not.toContain(created.token.slice(-20));
    expect(listed.body.tokens.find((entry: { id: string }) => entry.id === created.id).redacted).toBe(
      `fh_enr_${created.id}_…`,
    );
  });

  it('refuses tokens that never expire, unbounded uses, and fleets the caller does not manage', async () => {
    const post = (client = team.admin.client, body: Record<string, unknown>) => client.post(tokensPath(), body);
    expect((await post(undefined, { fleetId: team.fleetA, expiresInHours: 24 * 31 })).status).toBe(400);
    expect((await post(undefined, { fleetId: team.fleetA, uses: 1001 })).status).toBe(400);
    expect((await post(undefined, { fleetId: team.fleetA, uses: 0 })).status).toBe(400);
    expect((await post(undefined, { fleetId: team.fleetA, orgId: team.orgId })).status).toBe(400);

    const other = await signUpUser(api, { organizationName: 'Elsewhere' });
    const theirFleet = (await other.client.post(`/api/orgs/${other.orgId}/fleets`, { name: 'Theirs' })).body.id;
    const foreign = await post(undefined, { fleetId: theirFleet });
    expect(foreign.status).toBe(400);
    expect(foreign.body.error.code).toBe('unknown_fleet');

    const fleetAdmin = await addMember(api, team.owner.client, team.orgId, 'admin', [team.fleetA]);
    expect((await post(fleetAdmin.client, { fleetId: team.fleetB })).status).toBe(400);
    expect((await post(fleetAdmin.client, { fleetId: team.fleetA })).status).toBe(201);
    expect((await post(team.operator.client, { fleetId: team.fleetA })).status).toBe(403);
    expect((await post(team.viewer.client, { fleetId: team.fleetA })).status).toBe(403);
    expect((await post(other.client, { fleetId: team.fleetA })).status).toBe(404);

    // A fleet-limited admin lists and revokes tokens of its own fleets only.
    const inB = await createEnrollmentToken(team.admin.client, team.orgId, { fleetId: team.fleetB });
    const listed = await fleetAdmin.client.get(`${tokensPath()}?status=all&limit=1000`);
    expect(listed.body.tokens.every((entry: { fleetId: string }) => entry.fleetId === team.fleetA)).toBe(true);
    expect((await fleetAdmin.client.delete(`${tokensPath()}/${inB.id}`)).status).toBe(404);
    expect((await redeem(api.client(), inB.token)).status).toBe(200);
  });

  it('an agent credential or a device code is not an enrollment token', async () => {
    const credential = await issueAgentCredential(api, team.printerA);
    const pairing = await startPairing(api.client());
    for (const token of [credential, pairing.deviceCode]) expect((await redeem(api.client(), token)).status).toBe(401);
    expect((await api.client().post('/api/enrollment/redeem', { token: 'x' })).status).toBe(400);
  });

  it('spoofed X-Forwarded-For is ignored: redeem failures are counted against the real peer', async () => {
    const client = api.client();
    for (let attempt = 0; attempt < REDEEM_FAILURE_LIMITS.perAddress.points; attempt++) {
      client.extraHeaders = { 'x-forwarded-for': `198.51.100.${attempt}`, forwarded: `for=203.0.113.${attempt}` };
      const id = attempt.toString(32).padStart(12, '0');
      expect((await redeem(client, `fh_enr_${id}_${'B'.repeat(43)}`)).status).toBe(401);
    }
    client.extraHeaders = { 'x-forwarded-for': '192.0.2.77' };
    const limited = await redeem(client, `fh_enr_${'z'.repeat(12)}_${'B'.repeat(43)}`);
    expect(limited.status).toBe(429);
    expect(Number(limited.headers.get('retry-after'))).toBeGreaterThan(0);

    // Only failures are refused: a valid token from the same (real) address still enrolls, so one broken or hostile
    // agent cannot lock out the agents behind the same NAT; the audit entry names the real peer.
    const { token } = await createEnrollmentToken(team.admin.client, team.orgId, { fleetId: team.fleetA });
    const enrolled = await redeem(client, token);
    expect(enrolled.status).toBe(200);
    const [entry] = await database.query(
      `SELECT ip FROM audit_entries WHERE action = 'printer.enrolled' AND subject_id = $1`,
      [enrolled.body.printerId],
    );
    expect(entry.ip).toBe('127.0.0.1');
  });

  it('guesses at one token’s secret are limited by that token id, whatever the address says', async () => {
    const { token } = await createEnrollmentToken(team.admin.client, team.orgId, { fleetId: team.fleetA });
    const forged = `${token.slice(0, token.lastIndexOf('_') + 1)}${'C'.repeat(43)}`;
    const statuses: number[] = [];
    for (let attempt = 0; attempt <= REDEEM_FAILURE_LIMITS.perSecret.points; attempt++) {
      statuses.push((await redeem(api.client(), forged)).status);
    }
    expect(statuses.slice(0, -1).every((status) => status === 401)).toBe(true);
    expect(statuses.at(-1)).toBe(429);
    // The real token is not refused by its id's failure counter.
    expect((await redeem(api.client(), token)).status).toBe(200);
  });
});
