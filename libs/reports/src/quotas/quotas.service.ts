import { Injectable, type OnModuleInit } from '@nestjs/common';
import { MemberDirectory } from '@farmhand/accounts';
import { AuditService } from '@farmhand/audit';
import { subject, type AppAbility, type Principal } from '@farmhand/authz';
import { DomainException } from '@farmhand/core';
import { GCODE_FILES_TABLE } from '@farmhand/files';
import {
  JobAdmissionRegistry,
  PRINT_ATTEMPTS_TABLE,
  PRINT_COPIES_TABLE,
  PRINT_JOBS_TABLE,
  TERMINAL_COPY_STATES,
  type JobAdmission,
} from '@farmhand/jobs';
import { DataSource, type EntityManager } from 'typeorm';
import { QUOTA_TAG, type CreateQuotaDto, type QuotaDto, type UpdateQuotaDto } from './quota.dto';
import { Quota } from './quota.entity';

const round = (value: number) => Math.round(value * 1000) / 1000;
const UNIT = { print_hours: 'print hours', filament_grams: 'g of filament' } as const;

/** The start of the calendar month (UTC) that `now` is in: quotas count per UTC month. */
export function periodStart(now = new Date()): Date {
  return new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), 1));
}

/**
 * Per-member and per-tag quotas: admins set them; they are checked, under an advisory lock per organization and
 * quota, in the transaction that queues a job (the JobAdmissionRegistry of libs/jobs).
 */
@Injectable()
export class QuotasService implements OnModuleInit {
  constructor(
    private readonly dataSource: DataSource,
    private readonly audit: AuditService,
    private readonly admission: JobAdmissionRegistry,
    private readonly members: MemberDirectory,
  ) {}

  onModuleInit(): void {
    this.admission.register((manager, job) => this.admit(manager, job));
  }

  async list(ability: AppAbility, orgId: string): Promise<QuotaDto[]> {
    this.assertMay(ability, 'read', orgId);
    const quotas = await this.dataSource
      .getRepository(Quota)
      .find({ where: { orgId }, order: { scope: 'ASC', target: 'ASC', metric: 'ASC' } });
    const views: QuotaDto[] = [];
    for (const quota of quotas) views.push(this.view(quota, await this.used(this.dataSource.manager, quota)));
    return views;
  }

  async create(principal: Principal, ability: AppAbility, orgId: string, input: CreateQuotaDto): Promise<QuotaDto> {
    this.assertMay(ability, 'create', orgId);
    const target = await this.target(orgId, input);
    return this.dataSource.transaction(async (manager) => {
      const repository = manager.getRepository(Quota);
      const taken = await repository.findOne({ where: { orgId, scope: input.scope, target, metric: input.metric } });
      if (taken)
        throw DomainException.conflict('quota_exists', 'this target already has a quota for this metric', 'target');
      const quota = await repository.save(
        repository.create({
          orgId,
          scope: input.scope,
          target,
          metric: input.metric,
          limit: input.limit,
          period: 'month',
        }),
      );
      await this.audit.record(manager, {
        orgId,
        principal,
        action: 'quota.created',
        subject: { type: 'Quota', id: quota.id },
        details: { scope: quota.scope, target, metric: quota.metric, limit: quota.limit },
      });
      return this.view(quota, await this.used(manager, quota));
    });
  }

  async update(
    principal: Principal,
    ability: AppAbility,
    orgId: string,
    quotaId: string,
    input: UpdateQuotaDto,
  ): Promise<QuotaDto> {
    this.assertMay(ability, 'update', orgId);
    return this.dataSource.transaction(async (manager) => {
      const quota = await this.find(manager, orgId, quotaId);
      const before = quota.limit;
      quota.limit = input.limit;
      await manager.getRepository(Quota).update({ id: quota.id }, { limit: input.limit });
      await this.audit.record(manager, {
        orgId,
        principal,
        action: 'quota.updated',
        subject: { type: 'Quota', id: quota.id },
        details: { before: { limit: before }, after: { limit: input.limit } },
      });
      return this.view(quota, await this.used(manager, quota));
    });
  }

  async delete(principal: Principal, ability: AppAbility, orgId: string, quotaId: string): Promise<void> {
    this.assertMay(ability, 'delete', orgId);
    await this.dataSource.transaction(async (manager) => {
      const quota = await this.find(manager, orgId, quotaId);
      await manager.getRepository(Quota).delete({ id: quota.id });
      await this.audit.record(manager, {
        orgId,
        principal,
        action: 'quota.deleted',
        subject: { type: 'Quota', id: quota.id },
        details: { scope: quota.scope, target: quota.target, metric: quota.metric, limit: quota.limit },
      });
    });
  }

  /** Refuses the job (409 `quota_exceeded`) when a quota it falls under cannot hold its estimate. */
  private async admit(manager: EntityManager, job: JobAdmission): Promise<void> {
    const quotas: Quota[] = await manager
      .getRepository(Quota)
      .createQueryBuilder('q')
      .where('q.org_id = :orgId', { orgId: job.orgId })
      .andWhere(`((q.scope = 'member' AND q.target = :member) OR (q.scope = 'tag' AND q.target = ANY(:tags)))`, {
        member: job.memberId ?? '',
        tags: job.tags,
      })
      .orderBy('q.id')
      .getMany();
    for (const quota of quotas) {
      // One queuing at a time per quota: the usage read below counts every job committed before this one.
      await manager.query(`SELECT pg_advisory_xact_lock(hashtextextended($1, 0))`, [`quota:${job.orgId}:${quota.id}`]);
      const perCopy = quota.metric === 'print_hours' ? (job.estimatedSeconds ?? 0) / 3600 : (job.filamentGrams ?? 0);
      const requested = round(perCopy * job.copies);
      const used = await this.used(manager, quota);
      if (used + requested > quota.limit + 1e-9) {
        const who = quota.scope === 'member' ? 'this member' : `tag "${quota.target}"`;
        throw DomainException.conflict(
          'quota_exceeded',
          `The monthly quota of ${who} is ${quota.limit} ${UNIT[quota.metric]}: ${round(used)} used or queued, ` +
            `this job needs ${requested}`,
        );
      }
    }
  }

  /** Hours or grams this period: attempts that ended since the month began plus the estimates of unfinished copies. */
  private async used(manager: EntityManager, quota: Quota): Promise<number> {
    const match = quota.scope === 'member' ? `j.created_by::text = $2` : `$2 = ANY(j.tags)`;
    const hours = quota.metric === 'print_hours';
    const [ended]: { value: number | null }[] = await manager.query(
      `SELECT SUM(${hours ? 'EXTRACT(EPOCH FROM a.ended_at - a.started_at) / 3600' : 'COALESCE(a.filament_grams, 0)'})::float8 AS value
         FROM ${PRINT_ATTEMPTS_TABLE.name} a
         JOIN ${PRINT_JOBS_TABLE.name} j ON j.id = a.job_id
        WHERE a.org_id = $1 AND j.org_id = $1 AND ${match}
          AND a.ended_at >= $3 AND a.started_at IS NOT NULL`,
      [quota.orgId, quota.target, periodStart()],
    );
    const field = hours
      ? `(f.metadata->>'estimatedTimeSeconds')::float8 / 3600`
      : `(f.metadata->>'filamentWeightGrams')::float8`;
    const [queued]: { value: number | null }[] = await manager.query(
      `SELECT SUM(COALESCE(${field}, 0))::float8 AS value
         FROM ${PRINT_COPIES_TABLE.name} c
         JOIN ${PRINT_JOBS_TABLE.name} j ON j.id = c.job_id
         JOIN ${GCODE_FILES_TABLE.name} f ON f.id = j.file_id
        WHERE j.org_id = $1 AND ${match} AND j.cancelled_at IS NULL AND c.state <> ALL($3)`,
      [quota.orgId, quota.target, [...TERMINAL_COPY_STATES]],
    );
    return round(Number(ended?.value ?? 0) + Number(queued?.value ?? 0));
  }

  private async target(orgId: string, input: CreateQuotaDto): Promise<string> {
    if (input.scope === 'tag') {
      const tag = input.target.toLowerCase();
      if (!QUOTA_TAG.test(tag))
        throw DomainException.invalid(
          'validation_failed',
          'target must be a tag: 1-40 letters, digits or _ . : -',
          'target',
        );
      return tag;
    }
    const member = await this.members.findByUser(orgId, input.target);
    if (!member)
      throw DomainException.invalid('unknown_member', 'target names no member of this organization', 'target');
    return input.target;
  }

  private async find(manager: EntityManager, orgId: string, quotaId: string): Promise<Quota> {
    const quota = await manager.getRepository(Quota).findOne({ where: { orgId, id: quotaId } });
    if (!quota) throw DomainException.notFound('quota_not_found', 'no such quota in this organization');
    return quota;
  }

  private assertMay(ability: AppAbility, action: 'read' | 'create' | 'update' | 'delete', orgId: string): void {
    if (ability.cannot(action, subject('Quota', { orgId })))
      throw DomainException.forbidden('forbidden', `you may not ${action} quotas of this organization`);
  }

  private view(quota: Quota, used: number): QuotaDto {
    return {
      id: quota.id,
      scope: quota.scope,
      target: quota.target,
      metric: quota.metric,
      limit: quota.limit,
      period: quota.period,
      used,
      periodStart: periodStart().toISOString(),
    };
  }
}
