import { Injectable, type OnModuleInit } from '@nestjs/common';
import { FleetDirectory } from '@farmhand/accounts';
import { AuditService } from '@farmhand/audit';
import {
  accessibleWhere,
  actorOf,
  ForbiddenError,
  subject,
  type ApiKeyPrincipal,
  type AppAbility,
  type Principal,
} from '@farmhand/authz';
import { DomainEvents, DomainException } from '@farmhand/core';
import { FilesService, FileUsageRegistry, formatOfMetadata, type GcodeFile } from '@farmhand/files';
import { DataSource, type EntityManager } from 'typeorm';
import { CopiesRepository } from './copies.repository';
import { CopyAccess } from './copy-access';
import { isActive } from './copy-state';
import { JobAdmissionRegistry } from './job-admission';
import type { CreateJobDto, ReorderJobDto, RequirementsDto, UpdateJobDto } from './dto/job.dto';
import type { PrintJob } from './entities/print-job.entity';
import { emptyCounts, JOB_CONDITION_COLUMNS, JobsRepository, type CopyCounts } from './jobs.repository';

type Requirements = Pick<
  PrintJob,
  'material' | 'nozzleDiameter' | 'minBuildX' | 'minBuildY' | 'minBuildZ' | 'printerModel' | 'anyPrinterKind'
>;

export interface JobView {
  id: string;
  fileId: string;
  name: string;
  copies: number;
  priority: number;
  position: number;
  requirements: Requirements & {
    fleetIds: string[];
    requiredTags: string[];
    earliestStartAt: Date | null;
    fileFormat: PrintJob['fileFormat'];
    pinnedPrinterId: string | null;
  };
  bambu: { plate: number | null; amsMapping: number[] | null };
  notes: string;
  /** Free labels for reports and quotas (a project, a class, a customer); unlike requiredTags they match nothing. */
  tags: string[];
  held: boolean;
  cancelledAt: Date | null;
  createdBy: string | null;
  createdByLabel: string;
  createdAt: Date;
  updatedAt: Date;
  counts: CopyCounts;
  /** Derived: cancelled, finished (every copy done/failed/cancelled), held, printing (some copy on a printer), queued. */
  status: 'queued' | 'held' | 'printing' | 'finished' | 'cancelled';
}

function statusOf(job: PrintJob, counts: CopyCounts): JobView['status'] {
  if (job.cancelledAt) return 'cancelled';
  const open = counts.queued + counts.assigned + counts.uploading + counts.printing + counts.awaiting_bed_clear;
  if (open === 0) return 'finished';
  if (counts.assigned + counts.uploading + counts.printing + counts.awaiting_bed_clear > 0) return 'printing';
  return job.held ? 'held' : 'queued';
}

export function toJobView(job: PrintJob, counts: CopyCounts = emptyCounts()): JobView {
  return {
    id: job.id,
    fileId: job.fileId,
    name: job.name,
    copies: job.copies,
    priority: job.priority,
    position: job.position,
    requirements: {
      material: job.material,
      nozzleDiameter: job.nozzleDiameter,
      minBuildX: job.minBuildX,
      minBuildY: job.minBuildY,
      minBuildZ: job.minBuildZ,
      fleetIds: job.fleetIds,
      requiredTags: job.requiredTags,
      earliestStartAt: job.earliestStartAt,
      fileFormat: job.fileFormat,
      printerModel: job.printerModel,
      anyPrinterKind: job.anyPrinterKind,
      pinnedPrinterId: job.pinnedPrinterId,
    },
    bambu: { plate: job.plate, amsMapping: job.amsMapping },
    notes: job.notes,
    tags: job.tags,
    held: job.held,
    cancelledAt: job.cancelledAt,
    createdBy: job.createdBy,
    createdByLabel: job.createdByLabel,
    createdAt: job.createdAt,
    updatedAt: job.updatedAt,
    counts,
    status: statusOf(job, counts),
  };
}

/** Rounded up to a tenth of a millimetre, so a 249.96 mm part never squeezes onto a 249.9 mm bed. */
const span = (min: number, max: number) => Math.ceil((max - min) * 10 - 1e-9) / 10;

/** What the file's slicer comments and moves say the print needs: the default for every unset requirement. */
export function requirementsFromFile(file: Pick<GcodeFile, 'metadata'>): Requirements {
  const { material, nozzleDiameterMm, extent, printerModel } = file.metadata;
  return {
    printerModel: printerModel ? printerModel.slice(0, 100) : null,
    anyPrinterKind: false,
    material: material ?? null,
    nozzleDiameter: nozzleDiameterMm ?? null,
    minBuildX: extent ? span(extent.min.x, extent.max.x) : null,
    minBuildY: extent ? span(extent.min.y, extent.max.y) : null,
    minBuildZ: extent ? Math.ceil(extent.max.z * 10 - 1e-9) / 10 : null,
  };
}

function mergeRequirements(base: Requirements, given: RequirementsDto | undefined): Requirements {
  const merged = { ...base };
  if (!given) return merged;
  for (const key of Object.keys(base) as (keyof Requirements)[]) {
    if (given[key] !== undefined) (merged as Record<string, unknown>)[key] = given[key];
  }
  if (typeof merged.material === 'string') merged.material = merged.material.trim();
  return merged;
}

@Injectable()
export class JobsService implements OnModuleInit {
  constructor(
    private readonly dataSource: DataSource,
    private readonly jobs: JobsRepository,
    private readonly copies: CopiesRepository,
    private readonly copyAccess: CopyAccess,
    private readonly files: FilesService,
    private readonly fileUsage: FileUsageRegistry,
    private readonly fleets: FleetDirectory,
    private readonly audit: AuditService,
    private readonly events: DomainEvents,
    private readonly admission: JobAdmissionRegistry,
  ) {}

  onModuleInit(): void {
    this.fileUsage.register(async (manager, orgId, fileId) => {
      const count = await this.jobs.unfinishedJobsUsingFile(manager, orgId, fileId);
      return count ? `${count} unfinished job(s) print it; cancel them first` : null;
    });
  }

  async create(principal: Principal, ability: AppAbility, orgId: string, input: CreateJobDto): Promise<JobView> {
    const job = await this.insertJob(principal, ability, 'create', orgId, input);
    return this.view(ability, orgId, job.id);
  }

  /**
   * One copy of a file a slicer has just uploaded with an upload-only key (`upload` on File and Job, no `read`):
   * the job may print on the key's fleets, every fleet for a key without fleet limits.
   */
  async queueSlicerUpload(
    principal: ApiKeyPrincipal,
    ability: AppAbility,
    orgId: string,
    fileId: string,
  ): Promise<{ id: string }> {
    const job = await this.insertJob(principal, ability, 'upload', orgId, {
      fileId,
      copies: 1,
      fleetIds: principal.fleetIds ?? [],
    });
    return { id: job.id };
  }

  /** Checks the file and the fleets for `action` (`create`: the queue's API; `upload`: a slicer), then inserts. */
  private async insertJob(
    principal: Principal,
    ability: AppAbility,
    action: 'create' | 'upload',
    orgId: string,
    input: CreateJobDto,
  ): Promise<PrintJob> {
    const file = await this.files.findLive(orgId, input.fileId);
    if (!file || ability.cannot(action === 'create' ? 'read' : 'upload', subject('File', { ...file })))
      throw DomainException.invalid('unknown_file', 'fileId names no file of this organization', 'fileId');
    const fleetIds = [...new Set(input.fleetIds ?? [])];
    await this.assertFleets(ability, action, orgId, fleetIds);
    const actor = actorOf(principal);
    const requirements = mergeRequirements(requirementsFromFile(file), input.requirements);
    const tags = normalizeTags(input.tags);
    const job = await this.dataSource.transaction(async (manager) => {
      // Quotas and other admission checks: in this transaction, so a check and the insert it allows are one step.
      await this.admission.admit(manager, {
        orgId,
        memberId: principal.kind === 'user' ? principal.userId : null,
        tags,
        copies: input.copies,
        estimatedSeconds: file.metadata.estimatedTimeSeconds ?? null,
        filamentGrams: file.metadata.filamentWeightGrams ?? null,
      });
      const created = await this.jobs.insert(manager, {
        orgId,
        fileId: file.id,
        name: file.name,
        copies: input.copies,
        priority: input.priority ?? 0,
        position: Date.now(),
        ...requirements,
        fleetIds,
        requiredTags: normalizeTags(input.requiredTags),
        earliestStartAt: input.earliestStartAt ? new Date(input.earliestStartAt) : null,
        fileFormat: formatOfMetadata(file.metadata),
        pinnedPrinterId: null,
        plate: input.bambu?.plate ?? null,
        amsMapping: input.bambu?.amsMapping ?? null,
        notes: input.notes ?? '',
        tags,
        held: input.held ?? false,
        cancelledAt: null,
        createdBy: actor.id,
        createdByLabel: actor.label.slice(0, 320),
      });
      await this.audit.record(manager, {
        orgId,
        principal,
        action: 'printJob.created',
        subject: { type: 'Job', id: created.id },
        details: { fileId: file.id, name: file.name, copies: input.copies, priority: created.priority },
      });
      return created;
    });
    this.events.emit('printJob.created', { orgId, jobId: job.id, copies: job.copies });
    return job;
  }

  /** The jobs the caller may read, filtered in SQL by the ability's own conditions. */
  async list(
    ability: AppAbility,
    orgId: string,
    query: { status?: 'active' | 'finished' | 'all'; limit?: number; offset?: number },
  ) {
    const [jobs, total] = await this.jobs.list({
      orgId,
      readable: accessibleWhere(ability, 'read', 'Job', JOB_CONDITION_COLUMNS),
      status: query.status ?? 'active',
      limit: query.limit ?? 100,
      offset: query.offset ?? 0,
    });
    const counts = await this.jobs.countsByJob(jobs.map((job) => job.id));
    return { jobs: jobs.map((job) => toJobView(job, counts.get(job.id))), total };
  }

  async get(ability: AppAbility, orgId: string, jobId: string): Promise<PrintJob> {
    const job = await this.jobs.find(orgId, jobId);
    if (!job || ability.cannot('read', subject('Job', { ...job })))
      throw DomainException.notFound('job_not_found', 'Job not found');
    return job;
  }

  async view(ability: AppAbility, orgId: string, jobId: string): Promise<JobView> {
    const job = await this.get(ability, orgId, jobId);
    return toJobView(job, (await this.jobs.countsByJob([job.id])).get(job.id));
  }

  /** The job with every copy and every attempt (its history: printers, durations, outcomes, failures). */
  async detail(ability: AppAbility, orgId: string, jobId: string) {
    const job = await this.view(ability, orgId, jobId);
    const [copies, attempts] = await Promise.all([
      this.copies.listForJob(orgId, jobId),
      this.jobs.attemptsOfJob(orgId, jobId),
    ]);
    return {
      ...job,
      copyList: copies,
      attempts: attempts.map((attempt) => ({
        ...attempt,
        durationSeconds:
          attempt.startedAt && attempt.endedAt
            ? Math.round((attempt.endedAt.getTime() - attempt.startedAt.getTime()) / 1000)
            : null,
      })),
    };
  }

  async update(
    principal: Principal,
    ability: AppAbility,
    orgId: string,
    jobId: string,
    input: UpdateJobDto,
  ): Promise<JobView> {
    await this.change(principal, ability, orgId, jobId, 'updated', async (_manager, job) => {
      // Retargeting: the new fleets must be within the caller's reach, as the old ones were (checked by change()).
      if (input.fleetIds) await this.assertFleets(ability, 'update', orgId, [...new Set(input.fleetIds)]);
      const changes: Partial<PrintJob> = {};
      if (input.priority !== undefined) changes.priority = input.priority;
      if (input.notes !== undefined) changes.notes = input.notes;
      if (input.tags) changes.tags = normalizeTags(input.tags);
      if (input.requirements) Object.assign(changes, mergeRequirements(job, input.requirements));
      if (input.fleetIds) changes.fleetIds = [...new Set(input.fleetIds)];
      if (input.requiredTags) changes.requiredTags = normalizeTags(input.requiredTags);
      if (input.bambu?.plate !== undefined) changes.plate = input.bambu.plate;
      if (input.bambu?.amsMapping !== undefined) changes.amsMapping = input.bambu.amsMapping;
      if (input.earliestStartAt !== undefined)
        changes.earliestStartAt = input.earliestStartAt ? new Date(input.earliestStartAt) : null;
      return { changes, details: { fields: Object.keys(input) } };
    });
    return this.view(ability, orgId, jobId);
  }

  async reorder(
    principal: Principal,
    ability: AppAbility,
    orgId: string,
    jobId: string,
    input: ReorderJobDto,
  ): Promise<JobView> {
    const given = [input.beforeJobId, input.afterJobId].filter(Boolean).length;
    if (given > 1 || (given === 0 && input.priority === undefined))
      throw DomainException.invalid(
        'invalid_reorder',
        'Give beforeJobId or afterJobId (the job takes its place), or a priority',
        'beforeJobId',
      );
    const neighbourId = input.beforeJobId ?? input.afterJobId;
    if (neighbourId === jobId) throw DomainException.invalid('invalid_reorder', 'A job cannot move beside itself');
    await this.change(principal, ability, orgId, jobId, 'reordered', async (manager, job) => {
      if (!neighbourId) return { changes: { priority: input.priority }, details: { priority: input.priority } };
      const neighbour = await this.jobs.find(orgId, neighbourId, manager);
      if (!neighbour || ability.cannot('read', subject('Job', { ...neighbour })))
        throw DomainException.invalid('unknown_job', 'The job to move beside does not exist', 'beforeJobId');
      const side = input.beforeJobId ? 'before' : 'after';
      const position = await this.jobs.positionBeside(manager, neighbour, side);
      return {
        changes: { priority: neighbour.priority, position },
        details: { [side]: neighbour.id, from: { priority: job.priority, position: job.position } },
      };
    });
    return this.view(ability, orgId, jobId);
  }

  async setHeld(principal: Principal, ability: AppAbility, orgId: string, jobId: string, held: boolean) {
    await this.change(principal, ability, orgId, jobId, held ? 'held' : 'released', async () => ({
      changes: { held },
      details: {},
    }));
    return this.view(ability, orgId, jobId);
  }

  /** Cancels the job and its queued copies; the caller then stops the copies already on printers. */
  async cancel(principal: Principal, ability: AppAbility, orgId: string, jobId: string): Promise<void> {
    const job = await this.get(ability, orgId, jobId);
    ForbiddenError.from(ability).throwUnlessCan('update', subject('Job', { ...job }));
    await this.dataSource.transaction(async (manager) => {
      const locked = await this.jobs.lock(manager, orgId, jobId);
      if (!locked) throw DomainException.notFound('job_not_found', 'Job not found');
      if (locked.cancelledAt)
        throw new DomainException('conflict', 'job_already_cancelled', 'The job is already cancelled', 'state', {
          state: 'cancelled',
        });
      // Its copies on printers are cancelled there next: every one must be within the caller's reach too.
      for (const copy of await this.copies.lockRunningOfJob(manager, orgId, jobId))
        if (!(await this.copyAccess.allows(ability, copy, manager)))
          throw DomainException.forbidden(
            'copy_out_of_reach',
            `Copy ${copy.number} is on a printer outside your fleets`,
          );
      await this.jobs.update(manager, jobId, { cancelledAt: new Date() });
      const cancelled = await this.copies.cancelQueuedOfJob(manager, jobId);
      await this.audit.record(manager, {
        orgId,
        principal,
        action: 'printJob.cancelled',
        subject: { type: 'Job', id: jobId },
        details: { queuedCopiesCancelled: cancelled.length },
      });
    });
    this.events.emit('printJob.cancelled', { orgId, jobId });
  }

  /**
   * Deletes a job that has nothing on a printer: refused (409 naming the state) while a copy is assigned,
   * uploading, printing or waiting for its plate to be cleared. Queued copies are cancelled. Soft: the row stays
   * with `deleted_at`, so its copies and attempts (printer history, utilization) keep their job.
   */
  async delete(principal: Principal, ability: AppAbility, orgId: string, jobId: string): Promise<void> {
    const job = await this.get(ability, orgId, jobId);
    ForbiddenError.from(ability).throwUnlessCan('delete', subject('Job', { ...job }));
    await this.dataSource.transaction(async (manager) => {
      const locked = await this.jobs.lock(manager, orgId, jobId);
      if (!locked) throw DomainException.notFound('job_not_found', 'Job not found');
      // Locked copies: a scheduler pass either assigned one first (then it is active here) or skips them all.
      const copies = await this.copies.lockAllOfJob(manager, orgId, jobId);
      const active = copies.find((copy) => isActive(copy.state));
      if (active)
        throw new DomainException(
          'conflict',
          'job_has_active_copy',
          `Copy ${active.number} is ${active.state}: cancel it, or wait until its plate is cleared`,
          'state',
          { state: active.state },
        );
      const cancelled = await this.copies.cancelQueuedOfJob(manager, jobId, 'job_deleted');
      await this.jobs.update(manager, jobId, { deletedAt: new Date() });
      await this.audit.record(manager, {
        orgId,
        principal,
        action: 'printJob.deleted',
        subject: { type: 'Job', id: jobId },
        details: { name: locked.name, copies: locked.copies, queuedCopiesCancelled: cancelled.length },
      });
    });
    this.events.emit('printJob.deleted', { orgId, jobId });
  }

  private async change(
    principal: Principal,
    ability: AppAbility,
    orgId: string,
    jobId: string,
    verb: string,
    decide: (
      manager: EntityManager,
      job: PrintJob,
    ) => Promise<{ changes: Partial<PrintJob>; details: Record<string, unknown> }>,
  ): Promise<void> {
    const job = await this.get(ability, orgId, jobId);
    ForbiddenError.from(ability).throwUnlessCan('update', subject('Job', { ...job }));
    await this.dataSource.transaction(async (manager) => {
      const locked = await this.jobs.lock(manager, orgId, jobId);
      if (!locked) throw DomainException.notFound('job_not_found', 'Job not found');
      if (locked.cancelledAt)
        throw new DomainException('conflict', 'job_cancelled', 'A cancelled job cannot change', 'state', {
          state: 'cancelled',
        });
      const { changes, details } = await decide(manager, locked);
      await this.jobs.update(manager, jobId, changes);
      await this.audit.record(manager, {
        orgId,
        principal,
        action: `printJob.${verb}`,
        subject: { type: 'Job', id: jobId },
        details,
      });
    });
    this.events.emit('printJob.updated', { orgId, jobId, change: verb });
  }

  /**
   * The fleets a job may print on, as the caller gives them: each must be a fleet of the organization within the
   * caller's reach (another is unknown to them), and a fleet-limited caller must name some (no list = every fleet).
   */
  private async assertFleets(
    ability: AppAbility,
    action: 'create' | 'update' | 'upload',
    orgId: string,
    fleetIds: string[],
  ) {
    const outOfReach = (ids: string[]) => ability.cannot(action, subject('Job', { orgId, fleetIds: ids }));
    if (fleetIds.length) {
      const known = (await this.fleets.countInOrg(orgId, fleetIds)) === fleetIds.length;
      if (!known || fleetIds.some((id) => outOfReach([id])))
        throw DomainException.invalid(
          'unknown_fleet',
          'fleetIds names a fleet that is not of this organization',
          'fleetIds',
        );
    }
    if (outOfReach(fleetIds))
      throw DomainException.invalid(
        'fleets_required',
        'You may queue jobs only for your own fleets: name them in fleetIds',
        'fleetIds',
      );
  }
}

function normalizeTags(tags: string[] | undefined): string[] {
  return [...new Set((tags ?? []).map((tag) => tag.toLowerCase()))];
}
