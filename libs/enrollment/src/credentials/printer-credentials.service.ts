import { Injectable } from '@nestjs/common';
import { AuditService } from '@farmhand/audit';
import { ForbiddenError, subject, type AgentPrincipal, type AppAbility, type Principal } from '@farmhand/authz';
import { DomainEvents } from '@farmhand/core';
import { PrintersService } from '@farmhand/printers';
import { DataSource, type EntityManager } from 'typeorm';
import { issueAgentCredential, parseSecretToken, verifySecretToken } from '../codes/secret-token';
import { PrinterCredentialsRepository } from './printer-credentials.repository';

/** How long a rotated credential keeps working, so an agent can pick up its new one without a gap. */
export const CREDENTIAL_ROTATION_GRACE_SECONDS = 15 * 60;

@Injectable()
export class PrinterCredentialsService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly credentials: PrinterCredentialsRepository,
    private readonly printers: PrintersService,
    private readonly audit: AuditService,
    private readonly events: DomainEvents,
  ) {}

  /** Issues a new credential inside the caller's transaction. The token is returned once and never stored. */
  async issue(
    manager: EntityManager,
    printer: { id: string; orgId: string },
  ): Promise<{ credentialId: string; credential: string }> {
    const issued = issueAgentCredential();
    await this.credentials.insert(manager, {
      id: issued.id,
      orgId: printer.orgId,
      printerId: printer.id,
      secretHash: issued.hash,
    });
    return { credentialId: issued.id, credential: issued.token };
  }

  /** A credential acts as its own printer and nothing else. */
  async authenticate(token: string): Promise<AgentPrincipal | null> {
    const parsed = parseSecretToken(token, 'agent');
    if (!parsed) return null;
    const credential = await this.credentials.findUsable(parsed.id);
    if (!credential || !verifySecretToken(token, credential.secretHash)) return null;
    if (!credential.lastUsedAt || Date.now() - credential.lastUsedAt.getTime() > 60_000) {
      void this.credentials.touch(credential.id).catch(() => undefined);
    }
    return { kind: 'agent', printerId: credential.printerId, orgId: credential.orgId, credentialId: credential.id };
  }

  async list(ability: AppAbility, orgId: string, printerId: string) {
    await this.printers.get(ability, orgId, printerId);
    return this.credentials.listUsable(printerId);
  }

  /** A new credential; the old ones keep working for the grace window, then stop. */
  async rotate(principal: Principal, ability: AppAbility, orgId: string, printerId: string) {
    const printer = await this.printers.get(ability, orgId, printerId);
    ForbiddenError.from(ability).throwUnlessCan('rotate', subject('Printer', { ...printer }));
    const graceUntil = new Date(Date.now() + CREDENTIAL_ROTATION_GRACE_SECONDS * 1000);
    return this.dataSource.transaction(async (manager) => {
      const expiring = await this.credentials.expireCurrent(manager, printerId, graceUntil);
      const issued = await this.issue(manager, printer);
      await this.audit.record(manager, {
        orgId,
        principal,
        action: 'printerCredential.rotated',
        subject: { type: 'Printer', id: printerId },
        details: {
          newCredentialId: issued.credentialId,
          expiringCredentialIds: expiring,
          graceUntil: graceUntil.toISOString(),
        },
      });
      return { ...issued, previousValidUntil: graceUntil };
    });
  }

  /** Every credential of the printer stops now; live agent connections using them are closed. */
  async revoke(
    principal: Principal,
    ability: AppAbility,
    orgId: string,
    printerId: string,
  ): Promise<{ revoked: number }> {
    const printer = await this.printers.get(ability, orgId, printerId);
    ForbiddenError.from(ability).throwUnlessCan('revoke', subject('Printer', { ...printer }));
    const revoked = await this.dataSource.transaction(async (manager) => {
      const ids = await this.credentials.revokeAll(manager, printerId);
      await this.audit.record(manager, {
        orgId,
        principal,
        action: 'printerCredential.revoked',
        subject: { type: 'Printer', id: printerId },
        details: { credentialIds: ids },
      });
      return ids;
    });
    this.events.emit('printerCredential.revoked', { orgId, printerId, credentialIds: revoked });
    return { revoked: revoked.length };
  }
}
