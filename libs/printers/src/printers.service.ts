import { Injectable } from '@nestjs/common';
import { FleetsRepository } from '@farmhand/accounts';
import { AuditService } from '@farmhand/audit';
import { ForbiddenError, subject, type AppAbility, type Principal, fleetScopeOf } from '@farmhand/authz';
import { DomainException, isUniqueViolation } from '@farmhand/core';
import { DataSource } from 'typeorm';
import type { UpdatePrinterDto } from './dto/printer.dto';
import type { Printer } from './entities/printer.entity';
import { PrintersRepository, type PrinterListQuery } from './printers.repository';

@Injectable()
export class PrintersService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly printers: PrintersRepository,
    private readonly fleets: FleetsRepository,
    private readonly audit: AuditService,
  ) {}

  async list(
    principal: Principal,
    orgId: string,
    filters: Omit<PrinterListQuery, 'orgId' | 'fleetScope' | 'limit' | 'offset'> & { limit?: number; offset?: number },
  ) {
    const [printers, total] = await this.printers.list({
      ...filters,
      orgId,
      fleetScope: fleetScopeOf(principal),
      limit: filters.limit ?? 200,
      offset: filters.offset ?? 0,
    });
    return { printers, total };
  }

  /** A printer the caller may not read does not exist for them. */
  async get(ability: AppAbility, orgId: string, printerId: string): Promise<Printer> {
    const printer = await this.printers.findInOrg(orgId, printerId);
    if (!printer || ability.cannot('read', subject('Printer', { ...printer }))) {
      throw DomainException.notFound('printer_not_found', 'Printer not found');
    }
    return printer;
  }

  async update(
    principal: Principal,
    ability: AppAbility,
    orgId: string,
    printerId: string,
    changes: UpdatePrinterDto,
  ): Promise<Printer> {
    const printer = await this.get(ability, orgId, printerId);
    ForbiddenError.from(ability).throwUnlessCan('update', subject('Printer', { ...printer }));
    if (changes.fleetId && changes.fleetId !== printer.fleetId) {
      if (!(await this.fleets.findInOrg(orgId, changes.fleetId)))
        throw DomainException.invalid('unknown_fleet', 'fleetId names no fleet of this organization', 'fleetId');
      // Moving a printer must not take it out of the caller's own reach, nor into a fleet they cannot manage.
      ForbiddenError.from(ability).throwUnlessCan(
        'update',
        subject('Printer', { ...printer, fleetId: changes.fleetId }),
      );
    }
    const { detection, ...rest } = changes;
    const next: Partial<Printer> = { ...rest };
    if (detection) next.detection = { ...printer.detection, ...detection };
    if (changes.tags) next.tags = [...new Set(changes.tags.map((tag) => tag.toLowerCase()))];
    try {
      await this.dataSource.transaction(async (manager) => {
        await this.printers.update(manager, printerId, next);
        await this.audit.record(manager, {
          orgId,
          principal,
          action: 'printer.updated',
          subject: { type: 'Printer', id: printerId },
          details: { changes: Object.keys(changes) },
        });
      });
    } catch (error) {
      if (isUniqueViolation(error, 'printers_org_name_unique'))
        throw DomainException.conflict('printer_name_taken', 'A printer with this name already exists', 'name');
      throw error;
    }
    return this.get(ability, orgId, printerId);
  }

  async delete(principal: Principal, ability: AppAbility, orgId: string, printerId: string): Promise<void> {
    const printer = await this.get(ability, orgId, printerId);
    ForbiddenError.from(ability).throwUnlessCan('delete', subject('Printer', { ...printer }));
    await this.dataSource.transaction(async (manager) => {
      await this.printers.delete(manager, printerId);
      await this.audit.record(manager, {
        orgId,
        principal,
        action: 'printer.deleted',
        subject: { type: 'Printer', id: printerId },
        details: { name: printer.name },
      });
    });
  }
}
