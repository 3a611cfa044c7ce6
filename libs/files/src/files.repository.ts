import { Injectable } from '@nestjs/common';
import { DataSource, IsNull, type EntityManager } from 'typeorm';
import { GcodeFile } from './entities/gcode-file.entity';

export interface FileListQuery {
  orgId: string;
  search?: string;
  limit: number;
  offset: number;
}

/** Advisory lock namespace for one content hash: an upload and a blob deletion of the same bytes never interleave. */
const CONTENT_LOCK_NAMESPACE = 0x6663; // 'fc'

@Injectable()
export class FilesRepository {
  constructor(private readonly dataSource: DataSource) {}

  list(query: FileListQuery): Promise<[GcodeFile[], number]> {
    const builder = this.dataSource
      .getRepository(GcodeFile)
      .createQueryBuilder('file')
      .where('file.orgId = :orgId', { orgId: query.orgId })
      .andWhere('file.deletedAt IS NULL')
      .orderBy('file.createdAt', 'DESC')
      .addOrderBy('file.id', 'DESC')
      .take(query.limit)
      .skip(query.offset);
    if (query.search)
      builder.andWhere('file.name ILIKE :search', { search: `%${query.search.replace(/[%_\\]/g, '\\$&')}%` });
    return builder.getManyAndCount();
  }

  /** A live (not deleted) file of the organization. */
  findLive(orgId: string, id: string, manager: EntityManager = this.dataSource.manager): Promise<GcodeFile | null> {
    return manager.getRepository(GcodeFile).findOneBy({ orgId, id, deletedAt: IsNull() });
  }

  /** Any file of the organization, deleted or not (print history keeps naming deleted files). */
  findAny(orgId: string, id: string): Promise<GcodeFile | null> {
    return this.dataSource.getRepository(GcodeFile).findOneBy({ orgId, id });
  }

  findLiveBySha(orgId: string, sha256: string, manager: EntityManager = this.dataSource.manager) {
    return manager.getRepository(GcodeFile).findOneBy({ orgId, sha256, deletedAt: IsNull() });
  }

  /** Locks a live file's row for the rest of the transaction; null when it is gone. */
  lockLive(manager: EntityManager, orgId: string, id: string): Promise<GcodeFile | null> {
    return manager
      .getRepository(GcodeFile)
      .createQueryBuilder('file')
      .setLock('pessimistic_write')
      .where('file.id = :id AND file.orgId = :orgId AND file.deletedAt IS NULL', { id, orgId })
      .getOne();
  }

  async lockContent(manager: EntityManager, sha256: string): Promise<void> {
    await manager.query('SELECT pg_advisory_xact_lock($1, hashtext($2))', [CONTENT_LOCK_NAMESPACE, sha256]);
  }

  async insert(manager: EntityManager, file: Omit<GcodeFile, 'id' | 'createdAt' | 'deletedAt'>): Promise<GcodeFile> {
    const repository = manager.getRepository(GcodeFile);
    return repository.save(repository.create({ ...file, deletedAt: null }));
  }

  async markDeleted(manager: EntityManager, id: string): Promise<void> {
    await manager.getRepository(GcodeFile).update({ id }, { deletedAt: () => 'now()' } as never);
  }

  /** Whether any live file row, in any organization, still needs these bytes (as G-code or as a thumbnail). */
  async isContentReferenced(manager: EntityManager, sha256: string): Promise<boolean> {
    const rows: unknown[] = await manager.query(
      `SELECT 1 FROM gcode_files
        WHERE deleted_at IS NULL AND (sha256 = $1 OR thumbnails @> jsonb_build_array(jsonb_build_object('sha256', $1::text)))
        LIMIT 1`,
      [sha256],
    );
    return rows.length > 0;
  }
}
