import { Injectable } from '@nestjs/common';
import { FleetDirectory } from '@farmhand/accounts';
import { AuditService } from '@farmhand/audit';
import { accessibleWhere, ForbiddenError, subject, type AppAbility, type Principal } from '@farmhand/authz';
import { DomainEvents, DomainException, isUniqueViolation } from '@farmhand/core';
import { DataSource } from 'typeorm';
import type { UpdatePrinterDto } from './dto/printer.dto';
import { detectionSettingsOf, type Printer } from './entities/printer.entity';
import { PRINTER_CONDITION_COLUMNS, PrintersRepository, type PrinterListQuery } from './printers.repository';

@Injectable()
export class PrintersService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly printers: PrintersRepository,
    private readonly fleets: FleetDirectory,
    private readonly audit: AuditService,
    private readonly events: DomainEvents,
  ) {}

  /** The printers the caller may read: the ability's own conditions, as SQL (an agent lists its printer only). */
  async list(
    ability: AppAbility,
    orgId: string,
    filters: Omit<PrinterListQuery, 'orgId' | 'readable' | 'limit' | 'offset'> & { limit?: number; offset?: number },
  ) {
    const [printers, total] = await this.printers.list({
      ...filters,
      orgId,
      readable: accessibleWhere(ability, 'read', 'Printer', PRINTER_CONDITION_COLUMNS),
      limit: filters.limit ?? 200,
      offset: filters.offset ?? 0,
    });
    return { printers, total };
  }

  /**
   * Where a printer is (its organization and fleet), without an access check: for other domains building the
   * subject of their own check (a print copy on this printer). null when it is not a printer of the organization.
   */
  async placementOf(orgId: string, printerId: string): Promise<{ orgId: string; fleetId: string } | null> {
    const printer = await this.printers.findInOrg(orgId, printerId);
    return printer ? { orgId: printer.orgId, fleetId: printer.fleetId } : null;
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
    const updated = await this.get(ability, orgId, printerId);
    // Sensitivity and the region of interest are read by the inference role with every frame; the interval is the
    // agent's, so it is sent to the agent now rather than at its next connection.
    if (detection) {
      this.events.emit('printer.detectionChanged', {
        orgId,
        printerId,
        frameIntervalSeconds: detectionSettingsOf(updated).frameIntervalSeconds,
      });
    }
    return updated;
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
