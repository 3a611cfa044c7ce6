import { randomUUID } from 'node:crypto';
import { FleetDirectory, type Fleet } from '@farmhand/accounts';
import { AuditService } from '@farmhand/audit';
import { APP_CONFIG, DomainEvents, DomainException, loadConfig } from '@farmhand/core';
import { EnrolledPrintersRepository, PrinterDirectory, type NewPrinter } from '@farmhand/printers';
import { memberPrincipal, newTestService, withAbility } from '@farmhand/testing/unit';
import { generateDeviceCode } from '../codes/device-code';
import { ClientAddressLimiter } from '../client-address.limiter';
import { PrinterCredentialsService } from '../credentials/printer-credentials.service';
import { PAIRING_LIMITS } from '../enrollment.constants';
import { PairingClaimLimiter } from './pairing-claim.limiter';
import { PairingsRepository, type PolledPairing } from './pairings.repository';
import { PairingsService } from './pairings.service';

const ORG = randomUUID();
const FLEET_A: Fleet = { id: randomUUID(), orgId: ORG, name: 'Fleet A' } as Fleet;
const FLEET_B: Fleet = { id: randomUUID(), orgId: ORG, name: 'Fleet B' } as Fleet;
const CONFIG = loadConfig({
  NODE_ENV: 'test',
  SECRET_KEY: 'unit-test-secret-key-that-is-long-enough-0123456789',
  PUBLIC_URL: 'https://farm.example.test',
});

/**
 * Pairing by device flow without Postgres or Redis: the poll's answers (pending, slow down, expired, denied, the
 * credential exactly once) and the claim's rules (the fleet the admin may enroll into, one answer for every wrong code,
 * a right code that hits a taken name is not a guess).
 */
describe('PairingsService', () => {
  let setup: ReturnType<typeof newTestService<typeof PairingsService>>;
  let service: PairingsService;
  /** The one pairing in the database, and the database's clock. */
  let pairing: Omit<PolledPairing, 'now'> | null;
  let now: number;
  let printers: NewPrinter[];

  beforeEach(() => {
    now = Date.parse('2026-05-01T12:00:00Z');
    pairing = null;
    printers = [];
    setup = newTestService(PairingsService, [[APP_CONFIG, CONFIG]]);
    service = setup.sut;
    const addresses = setup.mock(ClientAddressLimiter);
    addresses.begin.mockResolvedValue({ refused: false, retryAfterSeconds: 0, secretKey: null } as never);
    addresses.failed.mockImplementation((_attempt, failure) => {
      throw failure;
    });
    const claims = setup.mock(PairingClaimLimiter);
    claims.reserve.mockResolvedValue({ ticket: { successes: [] } });
    setup
      .mock(FleetDirectory)
      .findInOrg.mockImplementation(
        async (orgId, id) => [FLEET_A, FLEET_B].find((fleet) => fleet.orgId === orgId && fleet.id === id) ?? null,
      );

    const rows = setup.mock(PairingsRepository);
    rows.lockByDeviceCode.mockImplementation(async () => pairing && { ...pairing, now: new Date(now) });
    rows.recordPoll.mockImplementation(async () => {
      pairing!.lastPolledAt = new Date(now);
    });
    rows.setPollInterval.mockImplementation(async (_manager, _id, seconds) => {
      pairing!.pollIntervalSeconds = seconds;
    });
    setup
      .mock(PrinterDirectory)
      .placement.mockImplementation(async (printerId) => ({ id: printerId, orgId: ORG, fleetId: FLEET_A.id }) as never);
    rows.markRedeemed.mockImplementation(async () => {
      if (pairing?.status !== 'approved') return false;
      pairing.status = 'redeemed';
      return true;
    });
    rows.decide.mockImplementation(async (_manager, _hash, orgId, status) => {
      if (pairing?.status !== 'pending') return null;
      Object.assign(pairing, { status, orgId });
      return { id: pairing.id, agentVersion: pairing.agentVersion, agentHostname: pairing.agentHostname };
    });
    rows.attachPrinter.mockImplementation(async (_manager, _id, printerId) => {
      pairing!.printerId = printerId;
    });
    setup.mock(EnrolledPrintersRepository).insert.mockImplementation(async (_manager, printer) => {
      printers.push(printer);
      return { id: randomUUID(), ...printer } as never;
    });
    setup.mock(PrinterCredentialsService).issue.mockImplementation(async () => ({
      credentialId: randomUUID(),
      credential: `fh_agent_${randomUUID()}`,
    }));
  });

  function pendingPairing(overrides: Partial<Omit<PolledPairing, 'now'>> = {}) {
    pairing = {
      id: randomUUID(),
      status: 'pending',
      expiresAt: new Date(now + 15 * 60_000),
      lastPolledAt: null,
      pollIntervalSeconds: PAIRING_LIMITS.pollIntervalSeconds,
      orgId: null,
      printerId: null,
      agentVersion: '1.2.3',
      agentHostname: 'octopi-7',
      ...overrides,
    };
    return pairing;
  }
  const code = (error: unknown) => (error instanceof DomainException ? error.code : error);
  const poll = (deviceCode: string) => service.poll(deviceCode).catch(code);
  const later = (seconds: number) => (now += seconds * 1000);
  const admin = (fleetIds: string[] | null = null) => withAbility(memberPrincipal(ORG, 'admin', { fleetIds }));
  const claimInput = {
    userCode: 'ABCDE-FGHJK',
    fleetId: FLEET_A.id,
    name: '  Prusa 07 ',
    tags: ['Enclosure', 'enclosure'],
  };

  describe('the agent polling', () => {
    it('hears pending, slow_down when too fast, then gets its credential exactly once after a claim', async () => {
      const deviceCode = generateDeviceCode();
      pendingPairing();
      await expect(poll(deviceCode)).resolves.toBe('authorization_pending');
      later(1);
      await expect(poll(deviceCode)).resolves.toBe('slow_down');
      expect(pairing!.pollIntervalSeconds).toBe(PAIRING_LIMITS.pollIntervalSeconds + 5);

      const { principal, ability } = admin();
      const claimed = await service.claim(principal, ability, ORG, claimInput);
      later(PAIRING_LIMITS.pollIntervalSeconds + 5);
      const enrolled = await service.poll(deviceCode);
      expect(enrolled).toMatchObject({ printerId: claimed.printerId, server: 'https://farm.example.test' });
      expect(enrolled.credential).toMatch(/^fh_agent_/);
      expect(setup.mock(DomainEvents).emit).toHaveBeenCalledWith('printer.enrolled', {
        orgId: ORG,
        printerId: claimed.printerId,
        fleetId: FLEET_A.id,
      });

      later(60);
      await expect(poll(deviceCode)).resolves.toBe('invalid_grant');
      expect(setup.mock(PrinterCredentialsService).issue).toHaveBeenCalledTimes(1);
    });

    it('a pairing polled too fast slows down 5 s at a time, up to the maximum interval', async () => {
      const deviceCode = generateDeviceCode();
      pendingPairing({ lastPolledAt: new Date(now), pollIntervalSeconds: PAIRING_LIMITS.maxPollIntervalSeconds - 2 });
      await expect(poll(deviceCode)).resolves.toBe('slow_down');
      expect(pairing!.pollIntervalSeconds).toBe(PAIRING_LIMITS.maxPollIntervalSeconds);
      await expect(service.poll(deviceCode)).rejects.toMatchObject({
        retryAfterSeconds: PAIRING_LIMITS.maxPollIntervalSeconds,
      });
    });

    it('within the tolerance of its interval, a poll is on time', async () => {
      const deviceCode = generateDeviceCode();
      pendingPairing({ lastPolledAt: new Date(now) });
      later(PAIRING_LIMITS.pollIntervalSeconds - PAIRING_LIMITS.pollToleranceMs / 1000);
      await expect(poll(deviceCode)).resolves.toBe('authorization_pending');
    });

    it('an expired pairing answers expired_token even once approved; a denied one access_denied', async () => {
      const deviceCode = generateDeviceCode();
      pendingPairing({ status: 'approved', orgId: ORG, printerId: randomUUID(), expiresAt: new Date(now) });
      await expect(poll(deviceCode)).resolves.toBe('expired_token');
      pendingPairing({ status: 'denied', orgId: ORG });
      await expect(poll(deviceCode)).resolves.toBe('access_denied');
      expect(setup.mock(PrinterCredentialsService).issue).not.toHaveBeenCalled();
    });

    it('a malformed or unknown device code is an invalid grant, and a lost race for the redeem as well', async () => {
      await expect(poll('not a device code')).resolves.toBe('invalid_grant');
      expect(setup.mock(PairingsRepository).lockByDeviceCode).not.toHaveBeenCalled();
      await expect(poll(generateDeviceCode())).resolves.toBe('invalid_grant');

      pendingPairing({ status: 'approved', orgId: ORG, printerId: randomUUID() });
      setup.mock(PairingsRepository).markRedeemed.mockResolvedValue(false);
      await expect(poll(generateDeviceCode())).resolves.toBe('invalid_grant');
      expect(setup.mock(PrinterCredentialsService).issue).not.toHaveBeenCalled();
    });
  });

  describe('an admin claiming a code', () => {
    it('creates the printer in the chosen fleet, name trimmed and tags lowercased once each', async () => {
      pendingPairing();
      const { principal, ability } = admin();
      const claimed = await service.claim(principal, ability, ORG, claimInput);
      expect(claimed).toMatchObject({
        name: 'Prusa 07',
        fleetId: FLEET_A.id,
        agent: { version: '1.2.3', hostname: 'octopi-7' },
      });
      expect(printers).toEqual([
        expect.objectContaining({ orgId: ORG, fleetId: FLEET_A.id, name: 'Prusa 07', tags: ['enclosure'] }),
      ]);
      expect(pairing).toMatchObject({ status: 'approved', orgId: ORG, printerId: claimed.printerId });
      expect(setup.mock(PairingClaimLimiter).succeeded).toHaveBeenCalled();
    });

    it('a fleet-limited admin cannot enroll into another fleet: unknown_fleet, the pairing untouched', async () => {
      pendingPairing();
      const { principal, ability } = admin([FLEET_A.id]);
      await expect(
        service.claim(principal, ability, ORG, { ...claimInput, fleetId: FLEET_B.id }).catch(code),
      ).resolves.toBe('unknown_fleet');
      expect(pairing!.status).toBe('pending');
      expect(printers).toEqual([]);
    });

    it('any wrong code gets the same answer, is audited as a failure and counts as a guess', async () => {
      const { principal, ability } = admin();
      for (const userCode of ['ABCDE-FGHJK', 'not a code at all']) {
        await expect(service.claim(principal, ability, ORG, { ...claimInput, userCode }).catch(code)).resolves.toBe(
          'pairing_not_found',
        );
      }
      const audited = setup.mock(AuditService).record.mock.calls.map(([, entry]) => [entry.action, entry.result]);
      expect(audited).toEqual([
        ['pairing.claimFailed', 'failure'],
        ['pairing.claimFailed', 'failure'],
      ]);
      expect(setup.mock(PairingClaimLimiter).succeeded).not.toHaveBeenCalled();
    });

    it('a caller locked out after too many wrong codes is refused before any code is tried', async () => {
      pendingPairing();
      setup.mock(PairingClaimLimiter).reserve.mockResolvedValue({
        lockout: { scope: 'user', retryAfterSeconds: 600, firstRefusal: true },
      } as never);
      const { principal, ability } = admin();
      await expect(service.claim(principal, ability, ORG, claimInput)).rejects.toMatchObject({
        code: 'too_many_attempts',
        retryAfterSeconds: 600,
      });
      expect(pairing!.status).toBe('pending');
    });

    it('a right code whose printer name is taken is a conflict, not a guess', async () => {
      pendingPairing();
      setup
        .mock(EnrolledPrintersRepository)
        .insert.mockRejectedValue(
          Object.assign(new Error('duplicate'), { code: '23505', constraint: 'printers_org_name_unique' }),
        );
      const { principal, ability } = admin();
      await expect(service.claim(principal, ability, ORG, claimInput).catch(code)).resolves.toBe('printer_name_taken');
      expect(setup.mock(PairingClaimLimiter).succeeded).toHaveBeenCalled();
    });

    it('denying a code makes the agent hear access_denied', async () => {
      const deviceCode = generateDeviceCode();
      pendingPairing();
      const { principal } = admin();
      await expect(service.deny(principal, ORG, 'ABCDE-FGHJK')).resolves.toMatchObject({ denied: true });
      later(PAIRING_LIMITS.pollIntervalSeconds);
      await expect(poll(deviceCode)).resolves.toBe('access_denied');
    });
  });
});
