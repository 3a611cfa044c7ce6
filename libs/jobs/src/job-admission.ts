import { Injectable, Module } from '@nestjs/common';
import type { EntityManager } from 'typeorm';

/** A job about to be inserted, as admission checks see it: who queues it, its tags, what one copy needs. */
export interface JobAdmission {
  orgId: string;
  /** The user id of whoever queues it (null for an API key). */
  memberId: string | null;
  tags: string[];
  copies: number;
  /** The file's estimates for one copy (null when the slicer wrote none). */
  estimatedSeconds: number | null;
  filamentGrams: number | null;
}

/** Throws (a DomainException) when the job must not be queued; runs inside the transaction that inserts it. */
export type JobAdmissionCheck = (manager: EntityManager, job: JobAdmission) => Promise<void>;

/**
 * Domains above jobs (reports' quotas) register checks here at boot, the way jobs registers with files'
 * FileUsageRegistry: jobs stays free of any dependency on them, and every path that queues a job runs them.
 */
@Injectable()
export class JobAdmissionRegistry {
  private readonly checks: JobAdmissionCheck[] = [];

  register(check: JobAdmissionCheck): void {
    this.checks.push(check);
  }

  async admit(manager: EntityManager, job: JobAdmission): Promise<void> {
    for (const check of this.checks) await check(manager, job);
  }
}

/** The one registry instance, imported by JobsModule and by the modules that register checks. */
@Module({ providers: [JobAdmissionRegistry], exports: [JobAdmissionRegistry] })
export class JobAdmissionModule {}
