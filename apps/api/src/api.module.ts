import { Module, type DynamicModule } from '@nestjs/common';
import { AccountsModule } from '@farmhand/accounts';
import { AuditModule } from '@farmhand/audit';
import { AuthzModule } from '@farmhand/authz';
import { CoreModule, type AppConfig } from '@farmhand/core';
import { EnrollmentModule } from '@farmhand/enrollment';
import { PrintersModule } from '@farmhand/printers';
import type { Logger } from 'pino';
import type { DataSource } from 'typeorm';
import { HealthController } from './health.controller';
import { MetricsController } from './metrics.controller';

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
      ],
      controllers: [HealthController, MetricsController],
    };
  }
}
