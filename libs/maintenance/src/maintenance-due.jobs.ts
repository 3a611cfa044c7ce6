import { Injectable } from '@nestjs/common';
import { DomainEvents, OnJob } from '@farmhand/core';
import { MaintenanceRepository } from './maintenance.repository';
import { DUE_SHARE } from './maintenance.service';
import './maintenance.events';

/** How often the worker looks for tasks that became due (a job scheduler in apps/worker). */
export const MAINTENANCE_DUE_EVERY_MS = 5 * 60_000;

/**
 * Due and overdue are computed when read, so no transition happens to hook: this periodic pass records each pair
 * that crossed 90 % or 100 % (maintenance_due_notices) and emits `maintenance.due` for the newly recorded ones.
 * libs/notifications turns the domain event into webhooks, channels and personal notifications.
 */
@Injectable()
export class MaintenanceDueJobs {
  constructor(
    private readonly repository: MaintenanceRepository,
    private readonly events: DomainEvents,
  ) {}

  @OnJob('maintenance.dueSweep')
  async sweep() {
    const told = await this.repository.recordDueNotices(DUE_SHARE);
    for (const row of told)
      this.events.emit('maintenance.due', {
        orgId: row.orgId,
        taskId: row.taskId,
        taskName: row.taskName,
        printerId: row.printerId,
        printerName: row.printerName,
        fleetId: row.fleetId,
        level: row.level,
        intervalKind: row.intervalKind,
        used: Math.round(row.used * 100) / 100,
        limit: row.intervalValue,
      });
    return { told: told.length };
  }
}
