import { Injectable } from '@nestjs/common';
import { DataSource, IsNull, type EntityManager } from 'typeorm';
import { ApiKey } from './entities/api-key.entity';

@Injectable()
export class ApiKeysRepository {
  constructor(private readonly dataSource: DataSource) {}

  async create(
    manager: EntityManager,
    key: Omit<ApiKey, 'createdAt' | 'lastUsedAt' | 'revokedAt' | 'organization'>,
  ): Promise<ApiKey> {
    const repository = manager.getRepository(ApiKey);
    await repository.insert(repository.create({ ...key, lastUsedAt: null, revokedAt: null }));
    return repository.findOneByOrFail({ id: key.id });
  }

  findLiveWithSecret(id: string): Promise<ApiKey | null> {
    return this.dataSource
      .getRepository(ApiKey)
      .createQueryBuilder('key')
      .addSelect('key.secretHash')
      .where('key.id = :id', { id })
      .andWhere('key.revokedAt IS NULL')
      .andWhere('(key.expiresAt IS NULL OR key.expiresAt > now())')
      .getOne();
  }

  list(orgId: string): Promise<ApiKey[]> {
    return this.dataSource.getRepository(ApiKey).find({ where: { orgId }, order: { createdAt: 'DESC' } });
  }

  async revoke(manager: EntityManager, orgId: string, id: string): Promise<boolean> {
    const result = await manager
      .getRepository(ApiKey)
      .update({ id, orgId, revokedAt: IsNull() }, { revokedAt: new Date() });
    return (result.affected ?? 0) === 1;
  }

  async touch(id: string): Promise<void> {
    await this.dataSource.getRepository(ApiKey).update({ id }, { lastUsedAt: new Date() });
  }
}
