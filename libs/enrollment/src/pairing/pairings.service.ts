import { Inject, Injectable } from '@nestjs/common';
import { FleetDirectory } from '@farmhand/accounts';
import { AuditService } from '@farmhand/audit';
import type { AgentPrincipal, AppAbility, Principal } from '@farmhand/authz';
import { APP_CONFIG, DomainEvents, RequestContext, isUniqueViolation, type AppConfig } from '@farmhand/core';
import { EnrolledPrintersRepository, PrinterDirectory } from '@farmhand/printers';
import type { AgentInfo, Enrolled, PairingStartResponse } from '@farmhand/protocol';
import { DataSource, type EntityManager } from 'typeorm';
import { hashDeviceCode, generateDeviceCode, isWellFormedDeviceCode } from '../codes/device-code';
import { USER_CODE_GUESS_LIMITS } from '../codes/guessing-odds';
import {
  USER_CODE_LIFETIME_SECONDS,
  formatUserCode,
  generateUserCode,
  hashUserCode,
  normalizeUserCode,
} from '../codes/user-code';
import { ClientAddressLimiter, secretCounterKey } from '../client-address.limiter';
import { PrinterCredentialsService } from '../credentials/printer-credentials.service';
import { PAIRING_LIMITS } from '../enrollment.constants';
import { EnrollmentErrors } from '../enrollment.exception';
import { normalizeServerUrl } from '../export/agent-command';
import { enrollableFleet } from '../printers/enrollable-fleets';
import type { ClaimPairingDto } from './dto/pairing.dto';
import { PairingClaimLimiter, type ClaimTicket } from './pairing-claim.limiter';
import { PairingsRepository, type ClaimedPairing } from './pairings.repository';

export interface ClaimedPrinter {
  pairingId: string;
  printerId: string;
  name: string;
  fleetId: string;
  agent: AgentInfo;
}

type PollOutcome =
  | { kind: 'invalid' | 'expired' | 'denied' | 'pending' }
  | { kind: 'slow_down'; intervalSeconds: number }
  | { kind: 'redeemed'; enrolled: Enrolled; orgId: string; printerId: string; fleetId: string };

/**
 * Pairing by device flow (after RFC 8628): the agent asks, an admin types the user code, the agent polls and gets its
 * credential once. Pending pairings belong to no organization and are never listed: typing the code is the only way
 * to reach one. Codes are stored as HMACs under SECRET_KEY.
 */
@Injectable()
export class PairingsService {
  private readonly serverUrl: string;

  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly dataSource: DataSource,
    private readonly pairings: PairingsRepository,
    private readonly printers: EnrolledPrintersRepository,
    private readonly directory: PrinterDirectory,
    private readonly fleets: FleetDirectory,
    private readonly credentials: PrinterCredentialsService,
    private readonly claimLimiter: PairingClaimLimiter,
    private readonly addressLimiter: ClientAddressLimiter,
    private readonly audit: AuditService,
    private readonly events: DomainEvents,
  ) {
    this.serverUrl = normalizeServerUrl(config.PUBLIC_URL);
  }

  async start(agent: AgentInfo): Promise<PairingStartResponse> {
    await this.addressLimiter.count(PAIRING_LIMITS.startsPerAddress);
    // A user code may collide with a pending one (2^40 codes); draw again.
    for (let attempt = 0; ; attempt++) {
      const deviceCode = generateDeviceCode();
      const userCode = generateUserCode();
      try {
        const created = await this.pairings.insertWithinCap(
          {
            deviceCodeHash: hashDeviceCode(deviceCode, this.config.SECRET_KEY),
            userCodeHash: hashUserCode(userCode, this.config.SECRET_KEY),
            lifetimeSeconds: USER_CODE_LIFETIME_SECONDS,
            pollIntervalSeconds: PAIRING_LIMITS.pollIntervalSeconds,
            agentVersion: agent.version,
            agentHostname: agent.hostname,
          },
          USER_CODE_GUESS_LIMITS.maxLiveCodes,
          PAIRING_LIMITS.retentionSeconds,
        );
        if (!created) throw EnrollmentErrors.pairingCapacity();
        const displayed = formatUserCode(userCode);
        const verificationUri = `${this.serverUrl}/enroll/pair`;
        return {
          deviceCode,
          userCode: displayed,
          verificationUri,
          verificationUriComplete: `${verificationUri}?code=${displayed}`,
          expiresIn: USER_CODE_LIFETIME_SECONDS,
          interval: PAIRING_LIMITS.pollIntervalSeconds,
        };
      } catch (error) {
        if (attempt < 3 && isUniqueViolation(error, 'enrollment_pairings_pending_user_code')) continue;
        throw error;
      }
    }
  }

  /** The agent's poll: 428 pending, 429 slow_down, 410 expired, 403 denied, or the credential exactly once. */
  async poll(deviceCode: string): Promise<Enrolled> {
    const wellFormed = isWellFormedDeviceCode(deviceCode);
    const attempt = await this.addressLimiter.begin(wellFormed ? secretCounterKey('device-code', deviceCode) : null);
    const outcome: PollOutcome = wellFormed
      ? await this.dataSource.transaction((manager) => this.pollLocked(manager, deviceCode))
      : { kind: 'invalid' };
    if (outcome.kind !== 'invalid') await this.addressLimiter.succeeded(attempt);
    switch (outcome.kind) {
      case 'invalid':
        return this.addressLimiter.failed(attempt, EnrollmentErrors.invalidGrant());
      case 'expired':
        throw EnrollmentErrors.expiredToken();
      case 'denied':
        throw EnrollmentErrors.accessDenied();
      case 'slow_down':
        throw EnrollmentErrors.slowDown(outcome.intervalSeconds);
      case 'pending':
        throw EnrollmentErrors.authorizationPending();
      case 'redeemed':
        this.events.emit('printer.enrolled', {
          orgId: outcome.orgId,
          printerId: outcome.printerId,
          fleetId: outcome.fleetId,
        });
        return outcome.enrolled;
    }
  }

  private async pollLocked(manager: EntityManager, deviceCode: string): Promise<PollOutcome> {
    const pairing = await this.pairings.lockByDeviceCode(manager, hashDeviceCode(deviceCode, this.config.SECRET_KEY));
    // A redeemed pairing answers like an unknown one: its device code is spent.
    if (!pairing || pairing.status === 'redeemed') return { kind: 'invalid' };
    if (pairing.expiresAt.getTime() <= pairing.now.getTime()) return { kind: 'expired' };
    if (pairing.status === 'denied') return { kind: 'denied' };
    const sinceLastPoll = pairing.lastPolledAt ? pairing.now.getTime() - pairing.lastPolledAt.getTime() : Infinity;
    if (sinceLastPoll < pairing.pollIntervalSeconds * 1000 - PAIRING_LIMITS.pollToleranceMs) {
      const intervalSeconds = Math.min(pairing.pollIntervalSeconds + 5, PAIRING_LIMITS.maxPollIntervalSeconds);
      await this.pairings.setPollInterval(manager, pairing.id, intervalSeconds);
      return { kind: 'slow_down', intervalSeconds };
    }
    await this.pairings.recordPoll(manager, pairing.id);
    if (pairing.status === 'pending') return { kind: 'pending' };
    const fleetId = pairing.printerId
      ? ((await this.directory.placement(pairing.printerId, manager))?.fleetId ?? null)
      : null;
    if (!pairing.orgId || !pairing.printerId || !fleetId) return { kind: 'invalid' };
    if (!(await this.pairings.markRedeemed(manager, pairing.id))) return { kind: 'invalid' };
    // The credential is created now, in this transaction, and exists in clear only in this answer.
    const issued = await this.credentials.issue(manager, { id: pairing.printerId, orgId: pairing.orgId });
    const principal: AgentPrincipal = {
      kind: 'agent',
      printerId: pairing.printerId,
      orgId: pairing.orgId,
      credentialId: issued.credentialId,
    };
    await this.audit.record(manager, {
      orgId: pairing.orgId,
      principal,
      action: 'printer.enrolled',
      subject: { type: 'Printer', id: pairing.printerId },
      details: { method: 'pairing', pairingId: pairing.id, agentVersion: pairing.agentVersion },
    });
    return {
      kind: 'redeemed',
      enrolled: { printerId: pairing.printerId, credential: issued.credential, server: this.serverUrl },
      orgId: pairing.orgId,
      printerId: pairing.printerId,
      fleetId,
    };
  }

  /** An admin typed a user code: creates the printer in the chosen fleet and approves the pairing. */
  async claim(
    principal: Principal,
    ability: AppAbility,
    orgId: string,
    input: ClaimPairingDto,
  ): Promise<ClaimedPrinter> {
    const fleet = await enrollableFleet(this.fleets, ability, orgId, input.fleetId);
    const ticket = await this.reserveAttempt(principal, orgId);
    const userCodeHash = this.userCodeHash(input.userCode);
    try {
      const claimed = await this.dataSource.transaction(async (manager) => {
        const pairing = userCodeHash ? await this.pairings.decide(manager, userCodeHash, orgId, 'approved') : null;
        if (!pairing) return null;
        const printer = await this.printers.insert(manager, {
          orgId,
          fleetId: fleet.id,
          name: input.name.trim(),
          model: input.model?.trim() ?? '',
          serial: input.serial?.trim() || null,
          nozzleDiameter: input.nozzleDiameter ?? null,
          buildX: input.buildX ?? null,
          buildY: input.buildY ?? null,
          buildZ: input.buildZ ?? null,
          material: input.material?.trim() || null,
          tags: [...new Set((input.tags ?? []).map((tag) => tag.toLowerCase()))],
        });
        await this.pairings.attachPrinter(manager, pairing.id, printer.id);
        await this.audit.record(manager, {
          orgId,
          principal,
          action: 'pairing.approved',
          subject: { type: 'Printer', id: printer.id },
          details: {
            pairingId: pairing.id,
            name: printer.name,
            fleetId: fleet.id,
            agentHostname: pairing.agentHostname,
          },
        });
        return { pairing, printer };
      });
      if (!claimed) return await this.failedClaim(principal, orgId);
      await this.claimLimiter.succeeded(ticket);
      return {
        pairingId: claimed.pairing.id,
        printerId: claimed.printer.id,
        name: claimed.printer.name,
        fleetId: fleet.id,
        agent: agentOf(claimed.pairing),
      };
    } catch (error) {
      // The code was right (the transaction got as far as the printer): not a guess.
      if (isUniqueViolation(error, 'printers_org_name_unique')) {
        await this.claimLimiter.succeeded(ticket);
        throw EnrollmentErrors.printerNameTaken();
      }
      if (isUniqueViolation(error, 'printers_org_serial_unique')) {
        await this.claimLimiter.succeeded(ticket);
        throw EnrollmentErrors.printerSerialTaken();
      }
      throw error;
    }
  }

  /** An admin refuses a pairing by typing its code; the agent's next poll answers access_denied. */
  async deny(principal: Principal, orgId: string, userCode: string): Promise<{ denied: true; agent: AgentInfo }> {
    const ticket = await this.reserveAttempt(principal, orgId);
    const userCodeHash = this.userCodeHash(userCode);
    const pairing = await this.dataSource.transaction(async (manager) => {
      const decided = userCodeHash ? await this.pairings.decide(manager, userCodeHash, orgId, 'denied') : null;
      if (decided) {
        await this.audit.record(manager, {
          orgId,
          principal,
          action: 'pairing.denied',
          subject: { type: 'Pairing', id: decided.id },
          details: { agentHostname: decided.agentHostname },
        });
      }
      return decided;
    });
    if (!pairing) return this.failedClaim(principal, orgId);
    await this.claimLimiter.succeeded(ticket);
    return { denied: true, agent: agentOf(pairing) };
  }

  private userCodeHash(typed: string): string | null {
    const code = normalizeUserCode(typed);
    return code === null ? null : hashUserCode(code, this.config.SECRET_KEY);
  }

  private async reserveAttempt(principal: Principal, orgId: string): Promise<ClaimTicket> {
    const address = RequestContext.current()?.clientIp ?? 'none';
    const reserved = await this.claimLimiter.reserve(principalKey(principal), orgId, address);
    if ('ticket' in reserved) return reserved.ticket;
    const { lockout } = reserved;
    if (lockout.firstRefusal) {
      await this.dataSource.transaction((manager) =>
        this.audit.record(manager, {
          orgId,
          principal,
          action: 'pairing.claimsLocked',
          subject: { type: 'Pairing' },
          result: 'denied',
          details: { scope: lockout.scope, retryAfterSeconds: lockout.retryAfterSeconds },
        }),
      );
    }
    throw EnrollmentErrors.claimsLocked(lockout.retryAfterSeconds);
  }

  /** Unknown, expired, used and malformed codes alike: one audit entry, one answer that says nothing more. */
  private async failedClaim(principal: Principal, orgId: string): Promise<never> {
    await this.dataSource.transaction((manager) =>
      this.audit.record(manager, {
        orgId,
        principal,
        action: 'pairing.claimFailed',
        subject: { type: 'Pairing' },
        result: 'failure',
      }),
    );
    throw EnrollmentErrors.pairingNotFound();
  }
}

function agentOf(pairing: ClaimedPairing): AgentInfo {
  return { version: pairing.agentVersion, hostname: pairing.agentHostname };
}

function principalKey(principal: Principal): string {
  switch (principal.kind) {
    case 'user':
      return `user:${principal.userId}`;
    case 'apiKey':
      return `key:${principal.keyId}`;
    case 'agent':
      return `agent:${principal.printerId}`;
    case 'system':
      return 'system';
  }
}
