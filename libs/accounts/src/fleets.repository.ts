import { Injectable } from '@nestjs/common';
import type { ConditionColumns, SqlCondition } from '@farmhand/authz';
import { DataSource, In, type EntityManager } from 'typeorm';
import { Fleet } from './entities/fleet.entity';

/** The `Fleet` subject's condition fields as columns of `list` (alias `fleet`). */
export const FLEET_CONDITION_COLUMNS: ConditionColumns = {
  id: { column: 'fleet.id', type: 'uuid' },
  orgId: { column: 'fleet.org_id', type: 'uuid' },
};

@Injectable()
export class FleetsRepository {
  constructor(private readonly dataSource: DataSource) {}

  /** Lists fleets of an organization, only those `readable` (from the caller's ability) in SQL. */
  list(orgId: string, readable: SqlCondition): Promise<Fleet[]> {
    return this.dataSource
      .getRepository(Fleet)
      .createQueryBuilder('fleet')
      .where('fleet.orgId = :orgId', { orgId })
      .andWhere(readable.sql, readable.parameters)
      .orderBy('fleet.name', 'ASC')
      .getMany();
  }

  findInOrg(orgId: string, id: string): Promise<Fleet | null> {
    return this.dataSource.getRepository(Fleet).findOneBy({ orgId, id });
  }

  /** How many of `ids` are fleets of the organization. */
  countInOrg(orgId: string, ids: string[]): Promise<number> {
    if (!ids.length) return Promise.resolve(0);
    return this.dataSource.getRepository(Fleet).countBy({ orgId, id: In(ids) });
  }

  async create(manager: EntityManager, fleet: Pick<Fleet, 'orgId' | 'name' | 'description'>): Promise<Fleet> {
    const repository = manager.getRepository(Fleet);
    return repository.save(repository.create(fleet));
  }

  async update(
    manager: EntityManager,
    id: string,
    changes: Partial<Pick<Fleet, 'name' | 'description'>>,
  ): Promise<void> {
    await manager.getRepository(Fleet).update({ id }, changes);
  }

  async delete(manager: EntityManager, id: string): Promise<void> {
    await manager.getRepository(Fleet).delete({ id });
  }
}
