import { Injectable } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';
import { AuditEntry } from './entities/audit-entry.entity';

export interface AuditQuery {
  orgId: string;
  actorType?: string;
  actorId?: string;
  action?: string;
  subjectType?: string;
  subjectId?: string;
  result?: string;
  from?: Date;
  to?: Date;
  /** id of the last entry of the previous page (entries come newest first). */
  before?: string;
  limit: number;
}

@Injectable()
export class AuditRepository {
  constructor(private readonly dataSource: DataSource) {}

  async insert(manager: EntityManager, entry: Omit<AuditEntry, 'id' | 'createdAt'>): Promise<void> {
    await manager.getRepository(AuditEntry).insert(entry as never);
  }

  async list(query: AuditQuery): Promise<AuditEntry[]> {
    const builder = this.dataSource
      .getRepository(AuditEntry)
      .createQueryBuilder('entry')
      .where('entry.orgId = :orgId', { orgId: query.orgId })
      .orderBy('entry.id', 'DESC')
      .limit(query.limit);
    if (query.actorType) builder.andWhere('entry.actorType = :actorType', { actorType: query.actorType });
    if (query.actorId) builder.andWhere('entry.actorId = :actorId', { actorId: query.actorId });
    if (query.action)
      builder.andWhere('entry.action LIKE :action', { action: `${query.action.replace(/[%_\\]/g, '\\$&')}%` });
    if (query.subjectType) builder.andWhere('entry.subjectType = :subjectType', { subjectType: query.subjectType });
    if (query.subjectId) builder.andWhere('entry.subjectId = :subjectId', { subjectId: query.subjectId });
    if (query.result) builder.andWhere('entry.result = :result', { result: query.result });
    if (query.from) builder.andWhere('entry.createdAt >= :from', { from: query.from });
    if (query.to) builder.andWhere('entry.createdAt < :to', { to: query.to });
    if (query.before) builder.andWhere('entry.id < :before', { before: query.before });
    return builder.getMany();
  }

  async deleteOlderThan(cutoff: Date): Promise<number> {
    const result = await this.dataSource
      .getRepository(AuditEntry)
      .createQueryBuilder()
      .delete()
      .where('created_at < :cutoff', { cutoff })
      .execute();
    return result.affected ?? 0;
  }
}
