import { Injectable } from '@nestjs/common';
import { AuditService } from '@farmhand/audit';
import { accessibleWhere, ForbiddenError, subject, type AppAbility, type Principal } from '@farmhand/authz';
import { DomainException, isUniqueViolation } from '@farmhand/core';
import { DataSource } from 'typeorm';
import { FLEET_CONDITION_COLUMNS, FleetsRepository } from './fleets.repository';

@Injectable()
export class FleetsService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly fleets: FleetsRepository,
    private readonly audit: AuditService,
  ) {}

  list(ability: AppAbility, orgId: string) {
    return this.fleets.list(orgId, accessibleWhere(ability, 'read', 'Fleet', FLEET_CONDITION_COLUMNS));
  }

  async get(ability: AppAbility, orgId: string, fleetId: string) {
    const fleet = await this.fleets.findInOrg(orgId, fleetId);
    if (!fleet || ability.cannot('read', subject('Fleet', { ...fleet })))
      throw DomainException.notFound('fleet_not_found', 'Fleet not found');
    return fleet;
  }

  async create(principal: Principal, orgId: string, input: { name: string; description?: string }) {
    try {
      return await this.dataSource.transaction(async (manager) => {
        const fleet = await this.fleets.create(manager, {
          orgId,
          name: input.name.trim(),
          description: input.description?.trim() ?? '',
        });
        await this.audit.record(manager, {
          orgId,
          principal,
          action: 'fleet.created',
          subject: { type: 'Fleet', id: fleet.id },
          details: { name: fleet.name },
        });
        return fleet;
      });
    } catch (error) {
      if (isUniqueViolation(error, 'fleets_org_name_unique'))
        throw DomainException.conflict('fleet_name_taken', 'A fleet with this name already exists', 'name');
      throw error;
    }
  }

  async update(
    principal: Principal,
    ability: AppAbility,
    orgId: string,
    fleetId: string,
    changes: { name?: string; description?: string },
  ) {
    const fleet = await this.get(ability, orgId, fleetId);
    ForbiddenError.from(ability).throwUnlessCan('update', subject('Fleet', { ...fleet }));
    try {
      await this.dataSource.transaction(async (manager) => {
        await this.fleets.update(manager, fleetId, {
          name: changes.name?.trim(),
          description: changes.description?.trim(),
        });
        await this.audit.record(manager, {
          orgId,
          principal,
          action: 'fleet.updated',
          subject: { type: 'Fleet', id: fleetId },
          details: { ...changes },
        });
      });
    } catch (error) {
      if (isUniqueViolation(error, 'fleets_org_name_unique'))
        throw DomainException.conflict('fleet_name_taken', 'A fleet with this name already exists', 'name');
      throw error;
    }
    return this.get(ability, orgId, fleetId);
  }

  async delete(principal: Principal, ability: AppAbility, orgId: string, fleetId: string): Promise<void> {
    const fleet = await this.get(ability, orgId, fleetId);
    ForbiddenError.from(ability).throwUnlessCan('delete', subject('Fleet', { ...fleet }));
    try {
      await this.dataSource.transaction(async (manager) => {
        await this.fleets.delete(manager, fleetId);
        await this.audit.record(manager, {
          orgId,
          principal,
          action: 'fleet.deleted',
          subject: { type: 'Fleet', id: fleetId },
          details: { name: fleet.name },
        });
      });
    } catch (error) {
      if ((error as { driverError?: { code?: string } }).driverError?.code === '23503') {
        throw DomainException.conflict('fleet_not_empty', 'Move or remove the printers of this fleet first');
      }
      throw error;
    }
  }
}
