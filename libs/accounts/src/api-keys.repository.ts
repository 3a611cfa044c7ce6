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

  /** Revokes every live key a user created in an organization (they left it); returns the keys revoked. */
  async revokeCreatedBy(
    manager: EntityManager,
    orgId: string,
    userId: string,
  ): Promise<Array<{ id: string; name: string }>> {
    const [rows]: [Array<{ id: string; name: string }>, number] = await manager.query(
      `UPDATE api_keys SET revoked_at = now()
        WHERE org_id = $1 AND created_by = $2 AND revoked_at IS NULL RETURNING id, name`,
      [orgId, userId],
    );
    return rows;
  }

  async touch(id: string): Promise<void> {
    await this.dataSource.getRepository(ApiKey).update({ id }, { lastUsedAt: new Date() });
  }
}
