import { Inject, Injectable } from '@nestjs/common';
import { FleetDirectory } from '@farmhand/accounts';
import { AuditService } from '@farmhand/audit';
import { accessibleWhere, subject, type AgentPrincipal, type AppAbility, type Principal } from '@farmhand/authz';
import { APP_CONFIG, DomainEvents, isUniqueViolation, type AppConfig } from '@farmhand/core';
import type { AgentInfo, Enrolled } from '@farmhand/protocol';
import { EnrolledPrintersRepository, type Printer } from '@farmhand/printers';
import { DataSource, type EntityManager } from 'typeorm';
import { issueEnrollmentToken, parseSecretToken, verifySecretToken } from '../codes/secret-token';
import { ClientAddressLimiter, secretCounterKey, type SecretAttempt } from '../client-address.limiter';
import { PrinterCredentialsRepository } from '../credentials/printer-credentials.repository';
import { PrinterCredentialsService } from '../credentials/printer-credentials.service';
import type { EnrollmentToken, PrinterTemplate } from '../entities/enrollment-token.entity';
import { ENROLLMENT_TOKEN_LIMITS } from '../enrollment.constants';
import { EnrollmentErrors } from '../enrollment.exception';
import { agentEnrollCommand, normalizeServerUrl } from '../export/agent-command';
import { enrollableFleet } from '../printers/enrollable-fleets';
import type { CreateEnrollmentTokenDto, ListEnrollmentTokensDto } from './dto/enrollment-token.dto';
import {
  EnrollmentTokensRepository,
  TOKEN_CONDITION_COLUMNS,
  type ConsumedToken,
} from './enrollment-tokens.repository';

/** A token as admins list it: never the secret, which exists only in the answer that created it. */
export interface EnrollmentTokenView {
  id: string;
  /** `fh_enr_<id>_…`: enough to recognise the token, nothing to redeem it with. */
  redacted: string;
  source: EnrollmentToken['source'];
  fleetId: string;
  printerId: string | null;
  printerName: string | null;
  template: PrinterTemplate;
  usesAllowed: number;
  usesLeft: number;
  expiresAt: Date;
  revokedAt: Date | null;
  lastUsedAt: Date | null;
  createdAt: Date;
  status: 'usable' | 'used' | 'expired' | 'revoked';
}

const NAME_RETRIES = 5;

/** Admin enrollment tokens (like pre-authorized keys) and their redemption by agents. */
@Injectable()
export class EnrollmentTokensService {
  private readonly serverUrl: string;

  constructor(
    @Inject(APP_CONFIG) config: AppConfig,
    private readonly dataSource: DataSource,
    private readonly tokens: EnrollmentTokensRepository,
    private readonly printers: EnrolledPrintersRepository,
    private readonly fleets: FleetDirectory,
    private readonly credentials: PrinterCredentialsService,
    private readonly credentialRows: PrinterCredentialsRepository,
    private readonly addressLimiter: ClientAddressLimiter,
    private readonly audit: AuditService,
    private readonly events: DomainEvents,
  ) {
    this.serverUrl = normalizeServerUrl(config.PUBLIC_URL);
  }

  /** The token is in this answer and nowhere else, ever. */
  async create(principal: Principal, ability: AppAbility, orgId: string, input: CreateEnrollmentTokenDto) {
    const fleet = await enrollableFleet(this.fleets, ability, orgId, input.fleetId);
    const issued = issueEnrollmentToken();
    const hours = input.expiresInHours ?? ENROLLMENT_TOKEN_LIMITS.defaultLifetimeHours;
    const { fleetId: _fleet, uses, expiresInHours: _hours, printerName, ...template } = input;
    const row = await this.dataSource.transaction(async (manager) => {
      const created = await this.tokens.insert(manager, {
        id: issued.id,
        orgId,
        fleetId: fleet.id,
        printerId: null,
        tokenHash: issued.hash,
        source: 'admin',
        printerName: printerName?.trim() || null,
        template,
        octoprintUrl: null,
        uses: uses ?? 1,
        expiresAt: new Date(Date.now() + hours * 3600 * 1000),
      });
      await this.audit.record(manager, {
        orgId,
        principal,
        action: 'enrollmentToken.created',
        subject: { type: 'EnrollmentToken', id: issued.id },
        details: { fleetId: fleet.id, uses: created.usesAllowed, expiresAt: created.expiresAt.toISOString() },
      });
      return created;
    });
    return {
      ...view(row),
      token: issued.token,
      agentCommand: agentEnrollCommand(issued.token, { serverUrl: this.serverUrl }),
    };
  }

  async list(ability: AppAbility, orgId: string, query: ListEnrollmentTokensDto) {
    const [rows, total] = await this.tokens.list({
      orgId,
      readable: accessibleWhere(ability, 'read', 'EnrollmentToken', TOKEN_CONDITION_COLUMNS),
      source: query.source,
      usableOnly: query.status === 'usable',
      limit: query.limit ?? 200,
      offset: query.offset ?? 0,
    });
    return { tokens: rows.map(view), total };
  }

  async revoke(principal: Principal, ability: AppAbility, orgId: string, tokenId: string): Promise<void> {
    const token = await this.tokens.findInOrg(orgId, tokenId);
    if (!token || ability.cannot('delete', subject('EnrollmentToken', { orgId, fleetId: token.fleetId })))
      throw EnrollmentErrors.tokenNotFound();
    await this.dataSource.transaction(async (manager) => {
      await this.tokens.revoke(manager, tokenId);
      await this.audit.record(manager, {
        orgId,
        principal,
        action: 'enrollmentToken.revoked',
        subject: { type: 'EnrollmentToken', id: tokenId },
        details: { fleetId: token.fleetId },
      });
    });
  }

  /**
   * An agent presents a token: one use is consumed and the printer created (or, for a CSV token, the pre-created one
   * bound) together with its credential, in one transaction. Every failure looks the same and counts against the
   * client address.
   */
  async redeem(token: string, agent: AgentInfo): Promise<Enrolled> {
    const parsed = parseSecretToken(token, 'enrollment');
    // Counted per token id (the part before the secret), so guesses at one token's secret are limited by themselves.
    const limit = await this.addressLimiter.begin(parsed ? secretCounterKey('token', parsed.id) : null);
    const storedHash = parsed ? await this.tokens.findHash(parsed.id) : null;
    if (!parsed || !storedHash || !verifySecretToken(token, storedHash)) return this.failedRedeem(limit);
    for (let attempt = 1; ; attempt++) {
      try {
        const result = await this.dataSource.transaction((manager) =>
          this.redeemLocked(manager, parsed.id, storedHash, agent),
        );
        if (!result) return this.failedRedeem(limit);
        await this.addressLimiter.succeeded(limit);
        if (result.revokedCredentialIds.length > 0) {
          this.events.emit('printerCredential.revoked', {
            orgId: result.printer.orgId,
            printerId: result.printer.id,
            credentialIds: result.revokedCredentialIds,
          });
        }
        this.events.emit('printer.enrolled', {
          orgId: result.printer.orgId,
          printerId: result.printer.id,
          fleetId: result.printer.fleetId,
        });
        return result.enrolled;
      } catch (error) {
        // Another redemption took the same printer name a moment ago; everything rolled back, the use included.
        if (attempt < NAME_RETRIES && isUniqueViolation(error, 'printers_org_name_unique')) continue;
        throw error;
      }
    }
  }

  private async redeemLocked(manager: EntityManager, tokenId: string, tokenHash: string, agent: AgentInfo) {
    const consumed = await this.tokens.consumeUse(manager, tokenId, tokenHash);
    if (!consumed) return null;
    let printer: Printer | null;
    let revokedCredentialIds: string[] = [];
    if (consumed.printerId) {
      printer = await this.printers.findForUpdate(manager, consumed.orgId, consumed.printerId);
      if (!printer) return null;
      // One credential per printer: enrolling again replaces the previous one.
      revokedCredentialIds = await this.credentialRows.revokeAll(manager, printer.id);
    } else {
      printer = await this.createPrinter(manager, consumed, agent);
    }
    const issued = await this.credentials.issue(manager, printer);
    const principal: AgentPrincipal = {
      kind: 'agent',
      printerId: printer.id,
      orgId: printer.orgId,
      credentialId: issued.credentialId,
    };
    await this.audit.record(manager, {
      orgId: printer.orgId,
      principal,
      action: 'printer.enrolled',
      subject: { type: 'Printer', id: printer.id },
      details: {
        method: consumed.printerId ? 'import' : 'enrollment',
        // Audit details drop keys that sound secret; the redacted form names the token without revealing it.
        via: `fh_enr_${consumed.id}_…`,
        fleetId: printer.fleetId,
        agentVersion: agent.version,
        agentHostname: agent.hostname,
        replacedCredentials: revokedCredentialIds.length,
      },
    });
    const enrolled: Enrolled = { printerId: printer.id, credential: issued.credential, server: this.serverUrl };
    if (consumed.octoprintUrl) enrolled.octoprintUrl = consumed.octoprintUrl;
    return { enrolled, printer, revokedCredentialIds };
  }

  private async createPrinter(manager: EntityManager, token: ConsumedToken, agent: AgentInfo): Promise<Printer> {
    const base = (token.printerName ?? sanitizeHostname(agent.hostname)).slice(0, 90);
    const taken = new Set(await this.printers.namesLike(manager, token.orgId, base));
    let name = base;
    for (let suffix = 2; taken.has(name); suffix++) name = `${base}-${suffix}`;
    const template = token.template;
    return this.printers.insert(manager, {
      orgId: token.orgId,
      fleetId: token.fleetId,
      name,
      model: template.model ?? '',
      serial: null,
      nozzleDiameter: template.nozzleDiameter ?? null,
      buildX: template.buildX ?? null,
      buildY: template.buildY ?? null,
      buildZ: template.buildZ ?? null,
      material: template.material ?? null,
      tags: [...new Set((template.tags ?? []).map((tag) => tag.toLowerCase()))],
    });
  }

  private failedRedeem(limit: SecretAttempt): never {
    return this.addressLimiter.failed(limit, EnrollmentErrors.invalidToken());
  }
}

function view(token: EnrollmentToken): EnrollmentTokenView {
  const now = Date.now();
  const status = token.revokedAt
    ? 'revoked'
    : token.usesLeft === 0
      ? 'used'
      : token.expiresAt.getTime() <= now
        ? 'expired'
        : 'usable';
  return {
    id: token.id,
    redacted: `fh_enr_${token.id}_…`,
    source: token.source,
    fleetId: token.fleetId,
    printerId: token.printerId,
    printerName: token.printerName,
    template: token.template,
    usesAllowed: token.usesAllowed,
    usesLeft: token.usesLeft,
    expiresAt: token.expiresAt,
    revokedAt: token.revokedAt,
    lastUsedAt: token.lastUsedAt,
    createdAt: token.createdAt,
    status,
  };
}

/** A host name as a printer name: printable, trimmed, never empty. */
function sanitizeHostname(hostname: string): string {
  const cleaned = hostname.replace(/[\p{C}]/gu, '').trim();
  return cleaned === '' ? 'printer' : cleaned;
}
