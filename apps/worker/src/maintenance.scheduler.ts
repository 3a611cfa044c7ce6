import { Inject, Injectable, type OnApplicationBootstrap } from '@nestjs/common';
import { APP_CONFIG, JobQueue, type AppConfig } from '@farmhand/core';
import { STAGING_MAX_IDLE_MINUTES } from '@farmhand/files';
import { MAINTENANCE_DUE_EVERY_MS } from '@farmhand/maintenance';
import { REPORTS_REFRESH_EVERY_MS, REPORTS_RECENT_DAYS } from '@farmhand/reports';

/**
 * Periodic upkeep as BullMQ job schedulers: idempotent upserts, so every worker instance may declare them and
 * each job still runs once per period.
 */
@Injectable()
export class MaintenanceScheduler implements OnApplicationBootstrap {
  constructor(
    private readonly jobs: JobQueue,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    await this.jobs.queueFor('audit.prune').upsertJobScheduler(
      'audit-prune-daily',
      { every: 24 * 3600 * 1000 },
      {
        name: 'audit.prune',
        data: { orgId: null, olderThanDays: this.config.AUDIT_RETENTION_DAYS },
      },
    );
    await this.jobs.queueFor('sessions.prune').upsertJobScheduler(
      'sessions-prune-hourly',
      { every: 3600 * 1000 },
      {
        name: 'sessions.prune',
        data: { orgId: null },
      },
    );
    await this.jobs.queueFor('frames.prune').upsertJobScheduler(
      'frames-prune-hourly',
      { every: 3600 * 1000 },
      {
        name: 'frames.prune',
        data: { orgId: null, olderThanDays: this.config.FRAME_RETENTION_DAYS },
      },
    );
    // Staged uploads live under DATA_DIR, which the api instances and workers share (as the stored files do).
    await this.jobs.queueFor('files.staging.prune').upsertJobScheduler(
      'files-staging-prune-hourly',
      { every: 3600 * 1000 },
      {
        name: 'files.staging.prune',
        data: { orgId: null, olderThanMinutes: STAGING_MAX_IDLE_MINUTES },
      },
    );
    // Report rollups: a print's end rebuilds its day at once; this pass catches what an event missed (a worker down).
    await this.jobs.queueFor('reports.refresh').upsertJobScheduler(
      'reports-refresh',
      { every: REPORTS_REFRESH_EVERY_MS },
      {
        name: 'reports.refresh',
        data: { orgId: null, recentDays: REPORTS_RECENT_DAYS },
        opts: { attempts: 1 },
      },
    );
    // Maintenance due/overdue is computed when read: this pass tells each newly crossed (task, printer) once.
    await this.jobs.queueFor('maintenance.dueSweep').upsertJobScheduler(
      'maintenance-due-sweep',
      { every: MAINTENANCE_DUE_EVERY_MS },
      {
        name: 'maintenance.dueSweep',
        data: { orgId: null },
        opts: { attempts: 1 },
      },
    );
  }
}
