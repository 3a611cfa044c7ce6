import { createServer, type Server } from 'node:http';
import { randomBytes } from 'node:crypto';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createFleet, signUpUser, type SignedUpUser, createEnrollmentToken } from '@farmhand/factories';
import { startApi, type ApiHarness, type HttpClient } from '@farmhand/testing';
import { DataSource } from 'typeorm';
import { AGENT, claim, poll, redeem, rewindPolls, startPairing } from './enrollment-test-helpers';
import { UnixSocketClient } from './unix-socket-client';

/**
 * The 2021 incident, replayed: Farmhand's ancestor linked printers to whoever shared their public IP address; when a
 * load balancer stopped passing client addresses, everyone shared one, and strangers linked and controlled 73 users'
 * printers. Here two unrelated organizations enroll printers, by pairing code and by token, while every request
 * arrives from one address (or none), and neither can see, list, claim, link or control the other's printers.
 */
interface Variant {
  name: string;
  trustProxy?: boolean;
  headers?: Record<string, string>;
  unixSocket?: boolean;
  /** The address the audit log must show: proof of which case the server saw. */
  auditedIp: string | null;
}

const VARIANTS: Variant[] = [
  { name: 'every request comes from one IP address', auditedIp: '127.0.0.1' },
  {
    name: 'every request claims the same LAN in X-Forwarded-For and Forwarded (untrusted: ignored)',
    headers: { 'x-forwarded-for': '192.168.1.23', forwarded: 'for=192.168.1.23', 'x-real-ip': '192.168.1.23' },
    auditedIp: '127.0.0.1',
  },
  {
    name: 'a trusted proxy forwards one and the same client address for everyone',
    trustProxy: true,
    headers: { 'x-forwarded-for': '203.0.113.50' },
    auditedIp: '203.0.113.50',
  },
  { name: 'no request carries a client IP address at all', unixSocket: true, auditedIp: null },
];

describe('the 2021 replay: two unrelated organizations enrolling from one network', () => {
  let direct: ApiHarness;
  let proxied: ApiHarness;
  let socketServer: Server;
  const socketPath = join(tmpdir(), `farmhand-replay-${randomBytes(4).toString('hex')}.sock`);

  beforeAll(async () => {
    direct = await startApi();
    proxied = await startApi({ TRUST_PROXY: '127.0.0.1/32' });
    socketServer = createServer(direct.app.getHttpAdapter().getInstance());
    await new Promise<void>((resolve) => socketServer.listen(socketPath, resolve));
  });
  afterAll(async () => {
    await new Promise<void>((resolve) => socketServer.close(() => resolve()));
    await Promise.all([direct.close(), proxied.close()]);
  });

  /** The api as the variant's network presents it: every client (users and agents) shares the same origin. */
  function network(variant: Variant): ApiHarness {
    const api = variant.trustProxy ? proxied : direct;
    const client = (): HttpClient => {
      const made = variant.unixSocket ? (new UnixSocketClient(socketPath) as unknown as HttpClient) : api.client();
      made.extraHeaders = { ...variant.headers };
      return made;
    };
    return { ...api, client };
  }

  interface Tenant {
    name: string;
    owner: SignedUpUser;
    orgId: string;
    fleetId: string;
  }

  async function tenant(api: ApiHarness, name: string): Promise<Tenant> {
    const owner = await signUpUser(api, { organizationName: name });
    const fleetId = await createFleet(owner.client, owner.orgId!, `${name} fleet`);
    return { name, owner, orgId: owner.orgId!, fleetId };
  }

  it.each(VARIANTS)('$name', async (variant) => {
    const api = network(variant);
    const database = api.app.get(DataSource);
    const alice = await tenant(api, `Alice ${variant.name.slice(0, 10)}`);
    const bob = await tenant(api, `Bob ${variant.name.slice(0, 10)}`);

    // Both agents ask to pair at the same time, from the same network.
    const aliceAgent = api.client();
    const bobAgent = api.client();
    const alicePairing = await startPairing(aliceAgent, { ...AGENT, hostname: 'alice-pi' });
    const bobPairing = await startPairing(bobAgent, { ...AGENT, hostname: 'bob-pi' });

    // Bob looks for "printers on his network": nothing anywhere lists a pending pairing, or Alice's anything.
    for (const path of [
      `/api/orgs/${bob.orgId}/printers`,
      `/api/orgs/${bob.orgId}/enrollment/tokens?status=all`,
      `/api/orgs/${bob.orgId}/enrollment/pairings`,
      `/api/orgs/${bob.orgId}/audit`,
      `/api/enrollment/pairings`,
    ]) {
      const text = JSON.stringify((await bob.owner.client.get(path)).body ?? '');
      for (const secret of [alicePairing.userCode, alicePairing.userCode.replace('-', ''), alicePairing.deviceCode]) {
        expect(text).not.toContain(secret);
      }
      expect(text).not.toContain('alice-pi');
    }
    for (const path of [`/api/orgs/${alice.orgId}/printers`, `/api/orgs/${alice.orgId}/enrollment/tokens`]) {
      expect((await bob.owner.client.get(path)).status).toBe(404);
    }
    // Claiming "the device on my network" is not a thing: without Alice's code, Bob gets nothing.
    for (const userCode of ['', 'nearby', '*', nearMiss(bobPairing.userCode)]) {
      const response = await claim(bob.owner.client, bob.orgId, { userCode, name: 'stolen', fleetId: bob.fleetId });
      expect(response.status).toBe(404);
    }
    // Nor can he claim into Alice's organization, code or not.
    expect(
      (
        await claim(bob.owner.client, alice.orgId, {
          userCode: alicePairing.userCode,
          name: 'stolen',
          fleetId: alice.fleetId,
        })
      ).status,
    ).toBe(404);
    expect((await poll(aliceAgent, alicePairing.deviceCode)).status).toBe(428);

    // Each admin types the code their own agent printed.
    const aliceClaim = await claim(alice.owner.client, alice.orgId, {
      userCode: alicePairing.userCode,
      name: 'Alice MK4',
      fleetId: alice.fleetId,
    });
    const bobClaim = await claim(bob.owner.client, bob.orgId, {
      userCode: bobPairing.userCode,
      name: 'Bob MK4',
      fleetId: bob.fleetId,
    });
    expect([aliceClaim.status, bobClaim.status]).toEqual([201, 201]);
    await rewindPolls(api, 10);
    const aliceEnrolled = await poll(aliceAgent, alicePairing.deviceCode);
    const bobEnrolled = await poll(bobAgent, bobPairing.deviceCode);
    expect(aliceEnrolled.body.printerId).toBe(aliceClaim.body.printerId);
    expect(bobEnrolled.body.printerId).toBe(bobClaim.body.printerId);

    // Tokens: each admin makes one; each agent redeems its own.
    const aliceToken = await createEnrollmentToken(alice.owner.client, alice.orgId, {
      fleetId: alice.fleetId,
      printerName: 'Alice XL',
      uses: 2,
    });
    const bobToken = await createEnrollmentToken(bob.owner.client, bob.orgId, {
      fleetId: bob.fleetId,
      printerName: 'Bob XL',
    });
    const aliceRedeemed = await redeem(api.client(), aliceToken.token);
    const bobRedeemed = await redeem(api.client(), bobToken.token);
    expect([aliceRedeemed.status, bobRedeemed.status]).toEqual([200, 200]);

    // A token works only for whoever holds it, and then the printer lands in the token's organization: Bob, handed
    // Alice's token, enrolls a printer into Alice's farm that he can neither see nor reach.
    const bobWithAliceToken = await redeem(bobAgent, aliceToken.token, { ...AGENT, hostname: 'bob-pi-2' });
    expect(bobWithAliceToken.status).toBe(200);

    const printersOf = async (who: Tenant) =>
      (
        (await who.owner.client.get(`/api/orgs/${who.orgId}/printers`)).body.printers as Array<{
          id: string;
          name: string;
        }>
      ).map((printer) => printer.id);
    const alicePrinters = [
      aliceEnrolled.body.printerId,
      aliceRedeemed.body.printerId,
      bobWithAliceToken.body.printerId,
    ];
    const bobPrinters = [bobEnrolled.body.printerId, bobRedeemed.body.printerId];
    expect((await printersOf(alice)).sort()).toEqual([...alicePrinters].sort());
    expect((await printersOf(bob)).sort()).toEqual([...bobPrinters].sort());
    const [{ orgs }] = await database.query(
      'SELECT array_agg(DISTINCT org_id::text) AS orgs FROM printers WHERE id = ANY($1)',
      [alicePrinters],
    );
    expect(orgs).toEqual([alice.orgId]);

    // Neither can see or control the other's printers, as a member or through an agent credential.
    for (const [intruder, victim, printerId] of [
      [bob, alice, aliceEnrolled.body.printerId],
      [alice, bob, bobEnrolled.body.printerId],
    ] as const) {
      const base = `/api/orgs/${victim.orgId}/printers/${printerId}`;
      expect((await intruder.owner.client.get(base)).status).toBe(404);
      expect((await intruder.owner.client.patch(base, { name: 'mine now' })).status).toBe(404);
      expect((await intruder.owner.client.post(`${base}/credentials/rotate`)).status).toBe(404);
      expect((await intruder.owner.client.post(`${base}/credentials/revoke`)).status).toBe(404);
      expect((await intruder.owner.client.get(`/api/orgs/${intruder.orgId}/printers/${printerId}`)).status).toBe(404);
    }
    // An agent credential is its printer and nothing else: no organization's API answers it.
    const bobsAgent = api.client();
    bobsAgent.bearer = bobEnrolled.body.credential;
    expect((await bobsAgent.get(`/api/orgs/${alice.orgId}/printers/${aliceEnrolled.body.printerId}`)).status).toBe(403);
    expect((await bobsAgent.get(`/api/orgs/${bob.orgId}/printers/${bobRedeemed.body.printerId}`)).status).toBe(403);
    // The printer Bob enrolled with Alice's token acts as itself, inside Alice's farm, and nothing else.
    const strayAgent = api.client();
    strayAgent.bearer = bobWithAliceToken.body.credential;
    expect((await strayAgent.get(`/api/orgs/${bob.orgId}/printers`)).status).toBe(403);
    expect((await strayAgent.get(`/api/orgs/${alice.orgId}/printers/${aliceEnrolled.body.printerId}`)).status).toBe(
      403,
    );

    // The server saw the network the variant describes; the address went to the audit log and nowhere else.
    const audited = await database.query(
      `SELECT DISTINCT ip FROM audit_entries WHERE action = 'printer.enrolled' AND subject_id = ANY($1)`,
      [[...alicePrinters, ...bobPrinters]],
    );
    expect(audited).toEqual([{ ip: variant.auditedIp }]);
  });
});

/** A code one character away from `code` (never `code` itself). */
function nearMiss(code: string): string {
  return code.slice(0, -1) + (code.endsWith('0') ? '1' : '0');
}
