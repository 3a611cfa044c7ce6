import { Injectable } from '@nestjs/common';
import { sharedTable } from '@farmhand/core';
import { OrganizationsRepository } from './organizations.repository';

/** The read provider other libraries use for organizations: what an organization is called. */
@Injectable()
export class OrganizationDirectory {
  constructor(private readonly organizations: OrganizationsRepository) {}

  async nameOf(orgId: string): Promise<string | null> {
    return (await this.organizations.findById(orgId))?.name ?? null;
  }
}

/** `fleets` for the SQL of other libraries that must join it in one statement (the jobs statistics per fleet). Read-only. */
export const FLEETS_TABLE = sharedTable('fleets', ['id', 'org_id', 'name']);
