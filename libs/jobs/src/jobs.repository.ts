import { Injectable } from '@nestjs/common';
import type { ConditionColumns, SqlCondition } from '@farmhand/authz';
import { DataSource, IsNull, type EntityManager } from 'typeorm';
import { COPY_STATES, TERMINAL_COPY_STATES, type CopyState } from './copy-state';
import { PrintAttempt } from './entities/print-attempt.entity';
import { PrintJob } from './entities/print-job.entity';

export type CopyCounts = Record<CopyState, number>;

/** The `Job` subject's condition fields as columns of the list query (alias `job`). */
export const JOB_CONDITION_COLUMNS: ConditionColumns = {
  orgId: { column: 'job.org_id', type: 'uuid' },
  fleetIds: { column: 'job.fleet_ids', type: 'uuid[]' },
};

export interface JobListQuery {
  orgId: string;
  /** The jobs the caller may read, from their ability (`accessibleWhere`). */
  readable: SqlCondition;
  status: 'active' | 'finished' | 'all';
  limit: number;
  offset: number;
}

const NOT_TERMINAL = `('${COPY_STATES.filter((state) => !(TERMINAL_COPY_STATES as readonly string[]).includes(state)).join("', '")}')`;

export function emptyCounts(): CopyCounts {
  return Object.fromEntries(COPY_STATES.map((state) => [state, 0])) as CopyCounts;
}

@Injectable()
export class JobsRepository {
  constructor(private readonly dataSource: DataSource) {}

  find(orgId: string, jobId: string, manager: EntityManager = this.dataSource.manager): Promise<PrintJob | null> {
    return manager.getRepository(PrintJob).findOneBy({ orgId, id: jobId, deletedAt: IsNull() });
  }

  /** Where the job may print (deleted jobs too: their copies stay in history); null for no such job. */
  async fleetIdsOf(jobId: string, manager: EntityManager = this.dataSource.manager): Promise<string[] | null> {
    const rows: { fleet_ids: string[] }[] = await manager.query(`SELECT fleet_ids FROM print_jobs WHERE id = $1`, [
      jobId,
    ]);
    return rows[0]?.fleet_ids ?? null;
  }

  lock(manager: EntityManager, orgId: string, jobId: string): Promise<PrintJob | null> {
    return manager
      .getRepository(PrintJob)
      .createQueryBuilder('job')
      .setLock('pessimistic_write')
      .where('job.id = :jobId AND job.orgId = :orgId AND job.deletedAt IS NULL', { jobId, orgId })
      .getOne();
  }

  /** Active: some copy is not finished. Queue order for active jobs, newest first otherwise. Deleted jobs never. */
  async list(query: JobListQuery): Promise<[PrintJob[], number]> {
    const builder = this.dataSource
      .getRepository(PrintJob)
      .createQueryBuilder('job')
      .where('job.orgId = :orgId AND job.deletedAt IS NULL', { orgId: query.orgId })
      .andWhere(query.readable.sql, query.readable.parameters)
      .take(query.limit)
      .skip(query.offset);
    const unfinished = `EXISTS (SELECT 1 FROM print_copies c WHERE c.job_id = job.id AND c.state IN ${NOT_TERMINAL})`;
    if (query.status === 'active') {
      builder.andWhere(unfinished).orderBy('job.priority', 'DESC').addOrderBy('job.position', 'ASC');
    } else {
      if (query.status === 'finished') builder.andWhere(`NOT ${unfinished}`);
      builder.orderBy('job.createdAt', 'DESC');
    }
    return builder.addOrderBy('job.id', 'ASC').getManyAndCount();
  }

  async countsByJob(jobIds: string[]): Promise<Map<string, CopyCounts>> {
    const counts = new Map<string, CopyCounts>(jobIds.map((id) => [id, emptyCounts()]));
    if (!jobIds.length) return counts;
    const rows: { job_id: string; state: CopyState; count: number }[] = await this.dataSource.query(
      `SELECT job_id, state, count(*)::int AS count FROM print_copies WHERE job_id = ANY($1) GROUP BY job_id, state`,
      [jobIds],
    );
    for (const row of rows) counts.get(row.job_id)![row.state] = row.count;
    return counts;
  }

  async insert(
    manager: EntityManager,
    job: Omit<PrintJob, 'id' | 'createdAt' | 'updatedAt' | 'deletedAt'>,
  ): Promise<PrintJob> {
    const repository = manager.getRepository(PrintJob);
    const saved = await repository.save(repository.create(job));
    await manager.query(
      `INSERT INTO print_copies (org_id, job_id, number) SELECT $1, $2, n FROM generate_series(1, $3) AS n`,
      [job.orgId, saved.id, job.copies],
    );
    return saved;
  }

  async update(manager: EntityManager, jobId: string, changes: Partial<PrintJob>): Promise<void> {
    await manager.getRepository(PrintJob).update({ id: jobId }, changes as never);
  }

  /** The position between `neighbour` and the next job on the given side within its priority. */
  async positionBeside(manager: EntityManager, neighbour: PrintJob, side: 'before' | 'after'): Promise<number> {
    const rows: { position: number }[] = await manager.query(
      side === 'before'
        ? `SELECT position FROM print_jobs WHERE org_id = $1 AND priority = $2 AND position < $3 AND id <> $4
            ORDER BY position DESC LIMIT 1`
        : `SELECT position FROM print_jobs WHERE org_id = $1 AND priority = $2 AND position > $3 AND id <> $4
            ORDER BY position ASC LIMIT 1`,
      [neighbour.orgId, neighbour.priority, neighbour.position, neighbour.id],
    );
    const other = rows[0]?.position;
    if (other === undefined) return side === 'before' ? neighbour.position - 1_000 : neighbour.position + 1_000;
    return (neighbour.position + other) / 2;
  }

  attemptsOfJob(orgId: string, jobId: string): Promise<PrintAttempt[]> {
    return this.dataSource
      .getRepository(PrintAttempt)
      .find({ where: { orgId, jobId }, order: { assignedAt: 'ASC', attempt: 'ASC' } });
  }

  /** Why a file may not be deleted: jobs that still have copies to print. */
  async unfinishedJobsUsingFile(manager: EntityManager, orgId: string, fileId: string): Promise<number> {
    const rows: { count: number }[] = await manager.query(
      `SELECT count(DISTINCT j.id)::int AS count FROM print_jobs j JOIN print_copies c ON c.job_id = j.id
        WHERE j.org_id = $1 AND j.file_id = $2 AND c.state IN ${NOT_TERMINAL}`,
      [orgId, fileId],
    );
    return rows[0]?.count ?? 0;
  }
}
