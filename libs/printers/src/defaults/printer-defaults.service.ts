import { Injectable } from '@nestjs/common';
import { FleetDirectory } from '@farmhand/accounts';
import { AuditService } from '@farmhand/audit';
import type { Principal } from '@farmhand/authz';
import { DomainException } from '@farmhand/core';
import { DataSource } from 'typeorm';
import type { UpdatePrinterDefaultsDto } from '../dto/printer-defaults.dto';
import {
  DEFAULT_FIELDS,
  noDefaults,
  PrinterDefaultsRepository,
  type DefaultFields,
} from './printer-defaults.repository';

const fieldsOf = (row: DefaultFields): DefaultFields => {
  const fields = noDefaults();
  for (const field of DEFAULT_FIELDS) (fields as Record<string, unknown>)[field] = row[field];
  return fields;
};

/**
 * Defaults for new printers, per organization and per fleet: read by every member, changed by owners and admins
 * (`update Organization`), audited. Enrollment applies them (EnrolledPrintersRepository) unless it sets its own.
 */
@Injectable()
export class PrinterDefaultsService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly defaults: PrinterDefaultsRepository,
    private readonly fleets: FleetDirectory,
    private readonly audit: AuditService,
  ) {}

  async get(orgId: string) {
    const rows = await this.defaults.listForOrg(orgId);
    const organization = rows.find((row) => row.fleetId === null);
    return {
      organization: organization ? fieldsOf(organization) : noDefaults(),
      fleets: rows.filter((row) => row.fleetId !== null).map((row) => ({ fleetId: row.fleetId!, ...fieldsOf(row) })),
    };
  }

  async update(principal: Principal, orgId: string, fleetId: string | null, input: UpdatePrinterDefaultsDto) {
    if (fleetId && !(await this.fleets.findInOrg(orgId, fleetId)))
      throw DomainException.notFound('fleet_not_found', 'Fleet not found');
    const changes: Partial<DefaultFields> = {};
    for (const field of DEFAULT_FIELDS)
      if (input[field] !== undefined) (changes as Record<string, unknown>)[field] = input[field];
    if (typeof changes.material === 'string') changes.material = changes.material.trim();
    // A body setting nothing (every field absent or null) is refused rather than stored as an empty level: each
    // change names at least one default it sets.
    if (!DEFAULT_FIELDS.some((field) => changes[field] !== undefined && changes[field] !== null))
      throw DomainException.invalid(
        'defaults_empty',
        'Set at least one default: material, autoPause, sensitivity, frameIntervalSeconds or bedClearGate',
        'material',
      );
    await this.dataSource.transaction(async (manager) => {
      await this.defaults.upsert(manager, orgId, fleetId, changes);
      await this.audit.record(manager, {
        orgId,
        principal,
        action: 'printerDefaults.updated',
        subject: { type: 'Organization', id: orgId },
        details: { fleetId, changes },
      });
    });
    return this.get(orgId);
  }
}
