import { Module } from '@nestjs/common';
import { AccountsModule } from '@farmhand/accounts';
import { JobAdmissionModule } from '@farmhand/jobs';
import { ReportsJobs } from './jobs/reports.jobs';
import { ReportExportsService } from './report-exports.service';
import { ReportQueriesRepository } from './report-queries.repository';
import { ReportsController } from './reports.controller';
import { ReportsListener } from './reports.listener';
import { ReportsRepository } from './reports.repository';
import { RollupsRepository } from './rollups.repository';
import { ReportsService } from './reports.service';
import { QuotasController } from './quotas/quotas.controller';
import { QuotasService } from './quotas/quotas.service';

/**
 * Reports in every role that imports it: the routes (api), the listener that records state intervals and asks for
 * rollups (wherever the events are emitted), the rollup job (worker).
 */
@Module({
  imports: [AccountsModule, JobAdmissionModule],
  controllers: [ReportsController, QuotasController],
  providers: [
    ReportsRepository,
    RollupsRepository,
    ReportQueriesRepository,
    ReportsService,
    ReportExportsService,
    ReportsListener,
    ReportsJobs,
    QuotasService,
  ],
  exports: [ReportsService, ReportsJobs],
})
export class ReportsModule {}
