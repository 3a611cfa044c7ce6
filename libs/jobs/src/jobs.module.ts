import { Module } from '@nestjs/common';
import { AccountsModule } from '@farmhand/accounts';
import { AgentsModule } from '@farmhand/agents';
import { DashboardPublisherModule } from '@farmhand/dashboard';
import { FilesModule } from '@farmhand/files';
import { PrintersModule } from '@farmhand/printers';
import { MaintenanceDirectoryModule } from '@farmhand/maintenance';
import { SpoolUsageModule } from '@farmhand/spools';
import { AgentsPrinterLink } from './agents-printer-link';
import { CopiesRepository } from './copies.repository';
import { CopiesService } from './copies.service';
import { CopyAccess } from './copy-access';
import { CopyActionsService } from './copy-actions.service';
import { CopyTransitions } from './copy-transitions';
import { DispatchJobs } from './jobs/dispatch.jobs';
import { PrintEventJobs } from './jobs/print-event.jobs';
import { SchedulerJobs } from './jobs/scheduler.jobs';
import { JobsController, PrintQueueController } from './jobs.controller';
import { JobsListener } from './jobs.listener';
import { JobsRepository } from './jobs.repository';
import { JobAdmissionModule } from './job-admission';
import { JobsService } from './jobs.service';
import { PinnedJobsService } from './pinned-jobs.service';
import { PRINTER_LINK } from './printer-link';
import { QueueLiveListener } from './queue-live.listener';
import { ReadinessService } from './readiness.service';
import { SchedulerRepository } from './scheduler/scheduler.repository';
import { SchedulerService } from './scheduler/scheduler.service';
import { SlicerMoonrakerController, SlicerOctoPrintController } from './slicer/slicer.controllers';
import { SlicerUploadsService } from './slicer/slicer-uploads.service';
import { StatsRepository } from './stats/stats.repository';
import { StatsService } from './stats/stats.service';

/**
 * The print queue: jobs and copies, the scheduler, dispatch to agents, history. The api serves its routes and
 * reacts to agents' events; the worker runs its `scheduling` and `dispatch` queues.
 */
@Module({
  imports: [
    AccountsModule,
    PrintersModule,
    FilesModule,
    AgentsModule,
    DashboardPublisherModule,
    SpoolUsageModule,
    MaintenanceDirectoryModule,
    JobAdmissionModule,
  ],
  controllers: [JobsController, PrintQueueController, SlicerOctoPrintController, SlicerMoonrakerController],
  providers: [
    JobsRepository,
    CopiesRepository,
    SchedulerRepository,
    StatsRepository,
    JobsService,
    PinnedJobsService,
    SlicerUploadsService,
    CopyTransitions,
    CopyAccess,
    CopiesService,
    CopyActionsService,
    SchedulerService,
    StatsService,
    ReadinessService,
    JobsListener,
    QueueLiveListener,
    SchedulerJobs,
    DispatchJobs,
    PrintEventJobs,
    { provide: PRINTER_LINK, useClass: AgentsPrinterLink },
  ],
  exports: [SchedulerService, CopiesService, CopyActionsService, JobsService],
})
export class JobsModule {}
