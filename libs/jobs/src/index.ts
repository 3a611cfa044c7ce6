export { JobsModule } from './jobs.module';
export { JobAdmissionModule, JobAdmissionRegistry } from './job-admission';
export type { JobAdmission, JobAdmissionCheck } from './job-admission';
export { JobsService, toJobView, requirementsFromFile } from './jobs.service';
export type { JobView } from './jobs.service';
export { CopiesService } from './copies.service';
export { CopyActionsService } from './copy-actions.service';
export { ReadinessService } from './readiness.service';
export { SchedulerService, dispatchJobId } from './scheduler/scheduler.service';
export type { PassResult } from './scheduler/scheduler.service';
export { SchedulerRepository } from './scheduler/scheduler.repository';
export type { AssignedCopy } from './scheduler/scheduler.repository';
export { matchCopies, meetsRequirements } from './scheduler/matching';
export type { Assignment, QueuedJob, ReadyPrinter } from './scheduler/matching';
export { DispatchJobs, dispatchCommandId } from './jobs/dispatch.jobs';
export { PRINTER_LINK } from './printer-link';
export type { LivePrint, PrinterLink } from './printer-link';
export {
  ACTIVE_COPY_STATES,
  COPY_STATES,
  TERMINAL_COPY_STATES,
  canTransition,
  type CopyOutcome,
  type CopyState,
} from './copy-state';
export { PrintJob } from './entities/print-job.entity';
export { PrintCopy } from './entities/print-copy.entity';
export { PrintAttempt } from './entities/print-attempt.entity';
export { PrinterBed } from './entities/printer-bed.entity';
export type { JobsEventMap } from './jobs.events';
export {
  CopyDirectory,
  CopyDirectoryModule,
  PRINT_ATTEMPTS_TABLE,
  PRINT_COPIES_TABLE,
  PRINT_JOBS_TABLE,
} from './copy-directory';
export type { CopyFacts } from './copy-directory';
