import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';

@Injectable()
export class EnrollmentImportsRepository {
  /** Commits of one organization run one at a time (on every api instance), so their plans cannot interleave. */
  async lockOrganization(manager: EntityManager, orgId: string): Promise<void> {
    await manager.query('SELECT pg_advisory_xact_lock(hashtextextended($1, 0))', [
      `farmhand:enrollment-import:${orgId}`,
    ]);
  }
}
