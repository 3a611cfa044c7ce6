import { Injectable } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';
import { SavedView } from './entities/saved-view.entity';

/** One person's saved views; every query is scoped to the organization and the user. */
@Injectable()
export class SavedViewsRepository {
  constructor(private readonly dataSource: DataSource) {}

  list(orgId: string, userId: string): Promise<SavedView[]> {
    return this.dataSource
      .getRepository(SavedView)
      .find({ where: { orgId, userId }, order: { name: 'ASC', id: 'ASC' } });
  }

  /** Serializes one person's saves for the rest of the transaction, so the cap and the names hold under races. */
  async lockOwner(manager: EntityManager, orgId: string, userId: string): Promise<void> {
    await manager.query(`SELECT pg_advisory_xact_lock(hashtext('dashboard_saved_views'), hashtext($1))`, [
      `${orgId}:${userId}`,
    ]);
  }

  count(manager: EntityManager, orgId: string, userId: string): Promise<number> {
    return manager.getRepository(SavedView).countBy({ orgId, userId });
  }

  findByName(manager: EntityManager, orgId: string, userId: string, name: string): Promise<SavedView | null> {
    return manager.getRepository(SavedView).findOneBy({ orgId, userId, name });
  }

  find(manager: EntityManager, orgId: string, userId: string, id: string): Promise<SavedView | null> {
    return manager.getRepository(SavedView).findOneBy({ orgId, userId, id });
  }

  async insert(manager: EntityManager, row: Pick<SavedView, 'orgId' | 'userId' | 'name' | 'query'>) {
    const repository = manager.getRepository(SavedView);
    const result = await repository.insert(repository.create(row));
    return repository.findOneByOrFail({ id: result.identifiers[0]!.id as string });
  }

  async update(manager: EntityManager, id: string, changes: Pick<SavedView, 'name' | 'query'>): Promise<SavedView> {
    const repository = manager.getRepository(SavedView);
    await repository.update({ id }, changes);
    return repository.findOneByOrFail({ id });
  }

  async delete(manager: EntityManager, orgId: string, userId: string, id: string): Promise<boolean> {
    const result = await manager.getRepository(SavedView).delete({ orgId, userId, id });
    return (result.affected ?? 0) === 1;
  }
}
