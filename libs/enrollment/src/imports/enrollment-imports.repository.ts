import { Injectable } from '@nestjs/common';
import { Organization } from '@farmhand/accounts';
import { DataSource, type EntityManager } from 'typeorm';

@Injectable()
export class EnrollmentImportsRepository {
  constructor(private readonly dataSource: DataSource) {}

  /** Commits of one organization run one at a time (on every api instance), so their plans cannot interleave. */
  async lockOrganization(manager: EntityManager, orgId: string): Promise<void> {
    await manager.query('SELECT pg_advisory_xact_lock(hashtextextended($1, 0))', [
      `farmhand:enrollment-import:${orgId}`,
    ]);
  }

  async organizationName(orgId: string): Promise<string | null> {
    const organization = await this.dataSource.getRepository(Organization).findOneBy({ id: orgId });
    return organization?.name ?? null;
  }
}
