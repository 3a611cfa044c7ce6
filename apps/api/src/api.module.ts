import { Module, type DynamicModule } from '@nestjs/common';
import { AccountsModule } from '@farmhand/accounts';
import { AgentsModule } from '@farmhand/agents';
import { AuditModule } from '@farmhand/audit';
import { AuthzModule } from '@farmhand/authz';
import { ChatopsModule } from '@farmhand/chatops';
import { CoreModule, type AppConfig } from '@farmhand/core';
import { DashboardModule } from '@farmhand/dashboard';
import { DetectionModule } from '@farmhand/detection';
import { EnrollmentModule } from '@farmhand/enrollment';
import { FilesModule } from '@farmhand/files';
import { JobsModule } from '@farmhand/jobs';
import { MaintenanceModule } from '@farmhand/maintenance';
import { NotificationsModule } from '@farmhand/notifications';
import { PrintersModule } from '@farmhand/printers';
import { ReportsModule } from '@farmhand/reports';
import { SpoolsModule } from '@farmhand/spools';
import type { Logger } from 'pino';
import type { DataSource } from 'typeorm';
import { HealthController } from './health.controller';

/** The api role: HTTP API and socket.io gateways. A composition root: it only imports what it serves. */
@Module({})
export class ApiModule {
  static forRoot(config: AppConfig, logger: Logger, dataSource: DataSource): DynamicModule {
    return {
      module: ApiModule,
      imports: [
        CoreModule.forRoot(config, logger, dataSource),
        AuthzModule,
        AuditModule,
        AccountsModule,
        PrintersModule,
        EnrollmentModule,
        AgentsModule,
        DashboardModule,
        FilesModule,
        SpoolsModule,
        MaintenanceModule,
        JobsModule,
        NotificationsModule,
        DetectionModule,
        ReportsModule,
        ChatopsModule,
      ],
      controllers: [HealthController],
    };
  }
}
