import { randomBytes } from 'node:crypto';
import { addMember, createTeam, signUpUser, type Team } from '@farmhand/factories';
import {
  REDEEM_FAILURE_LIMITS,
  USER_CODE_GUESS_LIMITS,
  generateUserCode,
  formatUserCode,
  userCodeGuessingOdds,
} from '@farmhand/enrollment';
import { startApi, type ApiHarness } from '@farmhand/testing';
import { DataSource } from 'typeorm';
import {
  printerOfCredential,
  claim,
  poll,
  resetAddressLimits,
  resetClaimLimits,
  rewindPolls,
  startPairing,
  type StartedPairing,
} from './enrollment-test-helpers';

describe('pairing (device flow)', () => {
  let api: ApiHarness;
  let team: Team;
  let database: DataSource;

  beforeAll(async () => {
    api = await startApi();
    team = await createTeam(api, 'Pairing Farm');
    database = api.app.get(DataSource);
  });
  afterAll(() => api.close());
  beforeEach(async () => {
    await resetAddressLimits(api);
    await resetClaimLimits(api);
  });

  const anonymous = () => api.client();
  let counter = 0;
  const claimBody = (pairing: StartedPairing, extra: Record<string, unknown> = {}) => ({
    userCode: pairing.userCode,
    name: `paired-${++counter}`,
    fleetId: team.fleetA,
    ...extra,
  });

  it('pairs a printer: the agent gets its credential once, and it acts as that printer only', async () => {
    const pairing = await startPairing(anonymous());
    expect(pairing).toEqual({
      deviceCode: expect.stringMatching(/^[A-Za-z0-9_-]{43}$/),
      userCode: expect.stringMatching(/^[0-9A-HJKMNP-TV-Z]{5}-[0-9A-HJKMNP-TV-Z]{5}$/),
      verificationUri: `${api.config.PUBLIC_URL.replace(/\/$/, '')}/enroll/pair`,
      verificationUriComplete: `${api.config.PUBLIC_URL.replace(/\/$/, '')}/enroll/pair?code=${pairing.userCode}`,
      expiresIn: 600,
      interval: 5,
    });

    const pending = await poll(anonymous(), pairing.deviceCode);
    expect(pending.status).toBe(428);
    expect(pending.body.error.code).toBe('authorization_pending');

    // Typed sloppily: lowercase, no dash, spaces.
    const typed = ` ${pairing.userCode.replace('-', '').toLowerCase()} `;
    const claimed = await claim(team.admin.client, team.orgId, {
      userCode: typed,
      name: 'Paired MK4',
      fleetId: team.fleetB,
      model: 'Prusa MK4',
      buildX: 250,
      buildY: 210,
      buildZ: 220,
      nozzleDiameter: 0.4,
      tags: ['Enclosure'],
    });
    expect(claimed.status).toBe(201);
    expect(claimed.body).toMatchObject({ name: 'Paired MK4', fleetId: team.fleetB, agent: { hostname: 'octopi' } });

    await rewindPolls(api, 10);
    const delivered = await poll(anonymous(), pairing.deviceCode);
    expect(delivered.status).toBe(200);
    expect(delivered.body).toEqual({
      printerId: claimed.body.printerId,
      credential: expect.stringMatching(/^fh_agent_[0-9a-z]{12}_[0-9A-Za-z]{43}$/),
      server: api.config.PUBLIC_URL.replace(/\/$/, ''),
    });

    expect(await printerOfCredential(api, delivered.body.credential)).toBe(claimed.body.printerId);
    const own = await team.owner.client.get(`/api/orgs/${team.orgId}/printers/${claimed.body.printerId}`);
    expect(own.body).toMatchObject({ name: 'Paired MK4', model: 'Prusa MK4', tags: ['enclosure'], buildX: 250 });

    // The pairing row never held the credential, and holds no code in clear.
    const rows = JSON.stringify(await database.query('SELECT * FROM enrollment_pairings'));
    expect(rows).not.toContain(delivered.body.credential.slice(-20));
    expect(rows).not.toContain(pairing.deviceCode);
    expect(rows).not.toContain(pairing.userCode.replace('-', ''));

    const log = await team.owner.client.get(`/api/orgs/${team.orgId}/audit?limit=20`);
    const actions = log.body.entries.map((entry: { action: string }) => entry.action);
    expect(actions).toEqual(expect.arrayContaining(['pairing.approved', 'printer.enrolled']));
  });

  it('rejects enrollment code replay: a redeemed device code and a claimed user code are spent', async () => {
    const pairing = await startPairing(anonymous());
    expect((await claim(team.admin.client, team.orgId, claimBody(pairing))).status).toBe(201);
    const delivered = await poll(anonymous(), pairing.deviceCode);
    expect(delivered.status).toBe(200);

    await rewindPolls(api, 10);
    const replayed = await poll(anonymous(), pairing.deviceCode);
    expect(replayed.status).toBe(400);
    expect(replayed.body).toEqual({ error: { code: 'invalid_grant', message: expect.any(String) } });

    // The same user code typed again (even by its own org's owner) answers exactly like a wrong code.
    const again = await claim(team.owner.client, team.orgId, claimBody(pairing));
    const wrong = await claim(team.owner.client, team.orgId, claimBody(pairing, { userCode: 'ZZZZZ-ZZZZZ' }));
    expect(again.status).toBe(404);
    expect(again.body).toEqual(wrong.body);
  });

  it('answers slow_down to an agent polling faster than the interval, and raises the interval', async () => {
    const pairing = await startPairing(anonymous());
    expect((await poll(anonymous(), pairing.deviceCode)).status).toBe(428);
    const tooFast = await poll(anonymous(), pairing.deviceCode);
    expect(tooFast.status).toBe(429);
    expect(tooFast.body.error.code).toBe('slow_down');
    expect(tooFast.headers.get('retry-after')).toBe('10');
    // After 5 s the old interval is not enough any more; after 10 s it is.
    await rewindPolls(api, 5);
    expect((await poll(anonymous(), pairing.deviceCode)).body.error.code).toBe('slow_down');
    await rewindPolls(api, 16);
    expect((await poll(anonymous(), pairing.deviceCode)).status).toBe(428);
  });

  it('rejects an expired code: the claim answers like a wrong code and the agent gets expired_token', async () => {
    const pairing = await startPairing(anonymous());
    await database.query(
      `UPDATE enrollment_pairings SET expires_at = now() - interval '1 second' WHERE status = 'pending'`,
    );
    const claimed = await claim(team.admin.client, team.orgId, claimBody(pairing));
    expect(claimed.status).toBe(404);
    expect(claimed.body.error.code).toBe('pairing_not_found');
    const polled = await poll(anonymous(), pairing.deviceCode);
    expect(polled.status).toBe(410);
    expect(polled.body.error.code).toBe('expired_token');
  });

  it('an admin can refuse a pairing by typing its code; the agent gets access_denied', async () => {
    const pairing = await startPairing(anonymous());
    const denied = await team.admin.client.post(`/api/orgs/${team.orgId}/enrollment/pairings/deny`, {
      userCode: pairing.userCode,
    });
    expect(denied.status).toBe(200);
    const polled = await poll(anonymous(), pairing.deviceCode);
    expect(polled.status).toBe(403);
    expect(polled.body.error.code).toBe('access_denied');
    expect((await claim(team.admin.client, team.orgId, claimBody(pairing))).status).toBe(404);
  });

  it('two concurrent polls of an approved pairing deliver the credential once', async () => {
    const pairing = await startPairing(anonymous());
    const claimed = await claim(team.admin.client, team.orgId, claimBody(pairing));
    const polls = await Promise.all(Array.from({ length: 6 }, () => poll(anonymous(), pairing.deviceCode)));
    const delivered = polls.filter((response) => response.status === 200);
    expect(delivered).toHaveLength(1);
    expect(polls.every((response) => response.status === 200 || response.status >= 400)).toBe(true);
    const credentials = await database.query('SELECT id FROM printer_credentials WHERE printer_id = $1', [
      claimed.body.printerId,
    ]);
    expect(credentials).toHaveLength(1);
  });

  it('two admins typing one code at once: exactly one claim succeeds, one printer exists', async () => {
    const pairing = await startPairing(anonymous());
    const [first, second] = await Promise.all([
      claim(team.admin.client, team.orgId, claimBody(pairing, { name: 'race-one' })),
      claim(team.owner.client, team.orgId, claimBody(pairing, { name: 'race-two' })),
    ]);
    expect([first.status, second.status].sort()).toEqual([201, 404]);
    const printers = await database.query(`SELECT id FROM printers WHERE name IN ('race-one', 'race-two')`);
    expect(printers).toHaveLength(1);
  });

  it('pending pairings are never listed to anyone: a code is reached only by typing it', async () => {
    const pairing = await startPairing(anonymous());
    const canonical = pairing.userCode.replace('-', '');
    const callers = [team.owner, team.admin, team.operator, team.viewer, team.fleetOperator];
    const paths = [
      `/api/orgs/${team.orgId}/enrollment/pairings`,
      `/api/orgs/${team.orgId}/enrollment/tokens`,
      `/api/orgs/${team.orgId}/enrollment/tokens?status=all`,
      `/api/orgs/${team.orgId}/printers`,
      `/api/orgs/${team.orgId}/audit?limit=200`,
      `/api/enrollment/pairings`,
    ];
    for (const caller of callers) {
      for (const path of paths) {
        const response = await caller.client.get(path);
        const text = JSON.stringify(response.body ?? '');
        expect(text).not.toContain(pairing.userCode);
        expect(text).not.toContain(canonical);
        expect(text).not.toContain(pairing.deviceCode);
      }
      // There is no listing route at all.
      expect((await caller.client.get(`/api/orgs/${team.orgId}/enrollment/pairings`)).status).toBe(404);
    }
    // Claiming "whatever is pending" is not a thing: an empty or wildcard code is a wrong code.
    for (const userCode of ['', '*', '%', '.*']) {
      const response = await claim(team.owner.client, team.orgId, claimBody(pairing, { userCode }));
      expect(response.status).toBe(404);
    }
    expect((await poll(anonymous(), pairing.deviceCode)).status).toBe(428);
  });

  it('a claim into a fleet of another organization or outside the caller’s fleets fails and spends nothing', async () => {
    const pairing = await startPairing(anonymous());
    const other = await signUpUser(api, { organizationName: 'Other Org' });
    const otherFleet = (await other.client.post(`/api/orgs/${other.orgId}/fleets`, { name: 'Theirs' })).body.id;
    const fleetAdmin = await addMember(api, team.owner.client, team.orgId, 'admin', [team.fleetA]);

    const foreign = await claim(team.admin.client, team.orgId, claimBody(pairing, { fleetId: otherFleet }));
    expect(foreign.status).toBe(400);
    expect(foreign.body.error).toMatchObject({ code: 'unknown_fleet', field: 'fleetId' });
    const outside = await claim(fleetAdmin.client, team.orgId, claimBody(pairing, { fleetId: team.fleetB }));
    expect(outside.status).toBe(400);
    expect((await claim(team.operator.client, team.orgId, claimBody(pairing))).status).toBe(403);
    expect((await claim(team.viewer.client, team.orgId, claimBody(pairing))).status).toBe(403);
    // None of the refusals spent the code: whoever holds it can still claim it into a fleet they manage.
    const inside = await claim(fleetAdmin.client, team.orgId, claimBody(pairing, { fleetId: team.fleetA }));
    expect(inside.status).toBe(201);
  });

  it('a taken printer name answers 409 and leaves the code pending for a second try', async () => {
    const pairing = await startPairing(anonymous());
    const taken = await claim(team.admin.client, team.orgId, claimBody(pairing, { name: team.printerA.name }));
    expect(taken.status).toBe(409);
    expect(taken.body.error).toMatchObject({ code: 'printer_name_taken', field: 'name' });
    expect((await poll(anonymous(), pairing.deviceCode)).status).toBe(428);
    expect((await claim(team.admin.client, team.orgId, claimBody(pairing))).status).toBe(201);
  });

  it('guessing codes reaches the lockout long before a live code is likely to be hit', async () => {
    const farm = await createTeam(api, 'Guessed Farm');
    const [admin2, admin3, admin4] = await Promise.all(
      [0, 1, 2].map(() => addMember(api, farm.owner.client, farm.orgId, 'admin')),
    );
    const live = await startPairing(anonymous());
    const guess = (client: typeof farm.owner.client) =>
      claim(client, farm.orgId, { userCode: formatUserCode(generateUserCode()), name: 'x', fleetId: farm.fleetA });

    // One account: every wrong code answers 404 until the per-user budget is spent, then 429.
    let failures = 0;
    let lockedAt: Awaited<ReturnType<typeof guess>> | undefined;
    for (let attempt = 0; attempt < 20 && !lockedAt; attempt++) {
      const response = await guess(farm.owner.client);
      if (response.status === 404) {
        expect(response.body).toEqual({ error: { code: 'pairing_not_found', message: expect.any(String) } });
        failures++;
      } else lockedAt = response;
    }
    expect(failures).toBe(USER_CODE_GUESS_LIMITS.perUser.failures);
    expect(lockedAt!.status).toBe(429);
    expect(lockedAt!.body.error.code).toBe('too_many_attempts');
    const retryAfter = Number(lockedAt!.headers.get('retry-after'));
    expect(retryAfter).toBeGreaterThan(0);
    expect(retryAfter).toBeLessThanOrEqual(USER_CODE_GUESS_LIMITS.perUser.windowSeconds);
    // Locked means locked: even the live code is refused to this account now.
    expect(
      (await claim(farm.owner.client, farm.orgId, { userCode: live.userCode, name: 'x', fleetId: farm.fleetA })).status,
    ).toBe(429);

    // What that budget buys an attacker within one code's lifetime, with the server's cap of live codes: the
    // observed failures over the (at most) two windows a 10-minute code can meet, against 2^50 codes.
    const perAccount = userCodeGuessingOdds(USER_CODE_GUESS_LIMITS.perUser);
    expect(perAccount.attempts).toBe(failures * 2);
    expect(perAccount.upperBound).toBeCloseTo((failures * 2 * USER_CODE_GUESS_LIMITS.maxLiveCodes) / 2 ** 50, 25);
    expect(perAccount.upperBound).toBeLessThan(1e-8);

    // The organization's budget: three more admins spend theirs, then a fourth is refused on its first try.
    for (const member of [farm.admin, admin2, admin3]) {
      for (let attempt = 0; attempt < USER_CODE_GUESS_LIMITS.perUser.failures; attempt++) {
        expect((await guess(member.client)).status).toBe(404);
      }
    }
    const fresh = await guess(admin4.client);
    expect(fresh.status).toBe(429);
    expect(userCodeGuessingOdds(USER_CODE_GUESS_LIMITS.perOrganization).upperBound).toBeLessThan(1e-7);
    // Server-wide, with any number of accounts: still below one in a million (docs/security.md).
    expect(userCodeGuessingOdds().upperBound).toBeLessThan(1e-6);

    // Another organization is not locked out by this one's guessing, and the live code is still there for it.
    const claimed = await claim(team.admin.client, team.orgId, claimBody(live));
    expect(claimed.status).toBe(201);

    const log = await farm.owner.client.get(`/api/orgs/${farm.orgId}/audit?limit=100`);
    const entries = log.body.entries as Array<{ action: string; result: string; details: { scope?: string } }>;
    expect(entries.filter((entry) => entry.action === 'pairing.claimFailed')).toHaveLength(20);
    expect(
      entries.filter((entry) => entry.action === 'pairing.claimsLocked').map((entry) => entry.details.scope),
    ).toEqual(expect.arrayContaining(['user', 'organization']));
  });

  it('bad polls from one address never block a valid agent behind the same address', async () => {
    const waiting = await startPairing(anonymous());
    const unknown = () => randomBytes(32).toString('base64url');
    const statuses: number[] = [];
    for (let attempt = 0; attempt <= REDEEM_FAILURE_LIMITS.perAddress.points; attempt++) {
      statuses.push((await poll(anonymous(), unknown())).status);
    }
    expect(statuses.filter((status) => status === 400)).toHaveLength(REDEEM_FAILURE_LIMITS.perAddress.points);
    expect(statuses.at(-1)).toBe(429);
    // The agent whose code is real still gets its own answers from the same address.
    expect((await poll(anonymous(), waiting.deviceCode)).status).toBe(428);
    expect((await claim(team.admin.client, team.orgId, claimBody(waiting))).status).toBe(201);
    await rewindPolls(api, 10);
    expect((await poll(anonymous(), waiting.deviceCode)).status).toBe(200);
  });

  it('one stale device code polled over and over is refused by its own counter, not the address’s', async () => {
    const stale = randomBytes(32).toString('base64url');
    const statuses: number[] = [];
    for (let attempt = 0; attempt <= REDEEM_FAILURE_LIMITS.perSecret.points; attempt++) {
      statuses.push((await poll(anonymous(), stale)).status);
    }
    expect(statuses.slice(0, -1).every((status) => status === 400)).toBe(true);
    expect(statuses.at(-1)).toBe(429);
    // Another unknown code from the same address is still just unknown.
    expect((await poll(anonymous(), randomBytes(32).toString('base64url'))).status).toBe(400);
  });

  it('answers invalid_grant to a malformed or unknown device code', async () => {
    for (const deviceCode of ['short', 'x'.repeat(43), 'A'.repeat(43)]) {
      const response = await poll(anonymous(), deviceCode);
      expect(response.status).toBe(400);
      expect(response.body.error.code).toBe('invalid_grant');
    }
  });

  it('caps live pending pairings server-wide', async () => {
    const cap = USER_CODE_GUESS_LIMITS.maxLiveCodes;
    await database.query(`DELETE FROM enrollment_pairings WHERE status = 'pending'`);
    await database.query(
      `INSERT INTO enrollment_pairings (device_code_hash, user_code_hash, expires_at, agent_version, agent_hostname)
       SELECT md5('d' || n) || md5('e' || n), md5('u' || n) || md5('v' || n), now() + interval '5 minutes', '0', 'filler'
         FROM generate_series(1, $1::int) AS n`,
      [cap - 1],
    );
    await startPairing(anonymous());
    const refused = await anonymous().post('/api/enrollment/pairings', { agent: { version: '0.1.0', hostname: 'x' } });
    expect(refused.status).toBe(429);
    expect(refused.body.error.code).toBe('pairing_capacity');
    expect(Number(refused.headers.get('retry-after'))).toBeGreaterThan(0);
    await database.query(`DELETE FROM enrollment_pairings WHERE agent_hostname = 'filler'`);
    await startPairing(anonymous());
  });

  it('validates the agent’s request', async () => {
    expect((await anonymous().post('/api/enrollment/pairings', {})).status).toBe(400);
    const extra = await anonymous().post('/api/enrollment/pairings', {
      agent: { version: '1', hostname: 'h' },
      orgId: team.orgId,
    });
    expect(extra.status).toBe(400);
    expect((await anonymous().post('/api/enrollment/pairings/poll', { deviceCode: 42 })).status).toBe(400);
  });
});
