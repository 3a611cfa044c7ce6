import { Injectable } from '@nestjs/common';
import { DataSource, In, type EntityManager } from 'typeorm';
import { Fleet } from './entities/fleet.entity';

@Injectable()
export class FleetsRepository {
  constructor(private readonly dataSource: DataSource) {}

  /** Lists fleets of an organization, limited in SQL to `fleetIds` when the caller is fleet-limited. */
  list(orgId: string, fleetIds: string[] | null): Promise<Fleet[]> {
    const builder = this.dataSource
      .getRepository(Fleet)
      .createQueryBuilder('fleet')
      .where('fleet.orgId = :orgId', { orgId })
      .orderBy('fleet.name', 'ASC');
    if (fleetIds) builder.andWhere('fleet.id = ANY(:fleetIds)', { fleetIds });
    return builder.getMany();
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
