import { Module, type DynamicModule } from '@nestjs/common';
import { AccountsModule } from '@farmhand/accounts';
import { AuditModule } from '@farmhand/audit';
import { AuthzModule } from '@farmhand/authz';
import { ChatopsWorkerModule } from '@farmhand/chatops';
import { CoreModule, type AppConfig } from '@farmhand/core';
import { DetectionModule } from '@farmhand/detection';
import { JobsModule } from '@farmhand/jobs';
import { NotificationsModule } from '@farmhand/notifications';
import { ReportsModule } from '@farmhand/reports';
import type { Logger } from 'pino';
import type { DataSource } from 'typeorm';
import { MaintenanceScheduler } from './maintenance.scheduler';
import { NotificationReleaseScheduler } from './notification-release.scheduler';
import { SchedulingTick } from './scheduling.scheduler';
import { WebhookMaintenanceScheduler } from './webhook-maintenance.scheduler';

/** The worker role: BullMQ consumers. It serves no HTTP; it imports the domains whose jobs it runs. */
@Module({})
export class WorkerModule {
  static forRoot(config: AppConfig, logger: Logger, dataSource: DataSource): DynamicModule {
    return {
      module: WorkerModule,
      imports: [
        CoreModule.forRoot(config, logger, dataSource),
        AuthzModule,
        AuditModule,
        AccountsModule,
        JobsModule,
        NotificationsModule,
        DetectionModule,
        ReportsModule,
        ChatopsWorkerModule,
      ],
      providers: [MaintenanceScheduler, SchedulingTick, WebhookMaintenanceScheduler, NotificationReleaseScheduler],
    };
  }
}
