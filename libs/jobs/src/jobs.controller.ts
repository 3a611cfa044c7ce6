import { Body, Controller, Delete, Get, HttpCode, Param, ParseUUIDPipe, Patch, Post, Query, Req } from '@nestjs/common';
import { ApiCreatedResponse, ApiNoContentResponse, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { CheckPolicies, type AuthorizedRequest } from '@farmhand/authz';
import { ApiErrors } from '@farmhand/core';
import { CopyActionsService } from './copy-actions.service';
import {
  ConfirmBedClearDto,
  CreateJobDto,
  HistoryQueryDto,
  ListJobsDto,
  PrintOnPrintersDto,
  ReorderJobDto,
  UpdateJobDto,
  UtilizationQueryDto,
} from './dto/job.dto';
import {
  BedClearedDto,
  JobDetailDto,
  JobDto,
  JobListDto,
  PrintCopyDto,
  PrinterHistoryDto,
  PrintOnPrintersResultDto,
  ReadinessDto,
  UtilizationDto,
} from './dto/job-responses.dto';
import { JobsService } from './jobs.service';
import { PinnedJobsService } from './pinned-jobs.service';
import { ReadinessService } from './readiness.service';
import { StatsService } from './stats/stats.service';

@ApiTags('jobs')
@Controller('orgs/:orgId/jobs')
export class JobsController {
  constructor(
    private readonly jobs: JobsService,
    private readonly copies: CopyActionsService,
    private readonly pinned: PinnedJobsService,
  ) {}

  @Post()
  @CheckPolicies(['create', 'Job'])
  @ApiCreatedResponse({ type: JobDto })
  @ApiErrors({ 400: ['fleets_required', 'unknown_file', 'unknown_fleet'] })
  create(@Param('orgId', ParseUUIDPipe) orgId: string, @Body() body: CreateJobDto, @Req() request: AuthorizedRequest) {
    return this.jobs.create(request.principal!, request.ability!, orgId, body);
  }

  /**
   * "Print this file on the selected printers": one job of one copy pinned to each printer, which the scheduler
   * starts there only (when the printer is ready, as for any job). Needs `create Job` and `start` on every printer.
   */
  @Post('on-printers')
  @CheckPolicies(['create', 'Job'], ['start', 'Printer'])
  @ApiCreatedResponse({ type: PrintOnPrintersResultDto })
  @ApiErrors({ 400: ['unknown_file'], 403: ['printer_out_of_reach'] })
  printOnPrinters(
    @Param('orgId', ParseUUIDPipe) orgId: string,
    @Body() body: PrintOnPrintersDto,
    @Req() request: AuthorizedRequest,
  ) {
    return this.pinned.printOnPrinters(request.principal!, request.ability!, orgId, body);
  }

  /** `status=active` (default, in queue order), `finished` or `all` (newest first). */
  @Get()
  @CheckPolicies(['read', 'Job'])
  @ApiOkResponse({ type: JobListDto })
  @ApiErrors()
  list(@Param('orgId', ParseUUIDPipe) orgId: string, @Query() query: ListJobsDto, @Req() request: AuthorizedRequest) {
    return this.jobs.list(request.ability!, orgId, query);
  }

  /** The job, its copies and their attempts (printers, durations, outcomes, failure reasons). */
  @Get(':jobId')
  @CheckPolicies(['read', 'Job'])
  @ApiOkResponse({ type: JobDetailDto })
  @ApiErrors({ 404: ['job_not_found'] })
  get(
    @Param('orgId', ParseUUIDPipe) orgId: string,
    @Param('jobId', ParseUUIDPipe) jobId: string,
    @Req() request: AuthorizedRequest,
  ) {
    return this.jobs.detail(request.ability!, orgId, jobId);
  }

  @Patch(':jobId')
  @CheckPolicies(['update', 'Job'])
  @ApiOkResponse({ type: JobDto })
  @ApiErrors({ 400: ['fleets_required', 'unknown_fleet'], 404: ['job_not_found'], 409: ['job_cancelled'] })
  update(
    @Param('orgId', ParseUUIDPipe) orgId: string,
    @Param('jobId', ParseUUIDPipe) jobId: string,
    @Body() body: UpdateJobDto,
    @Req() request: AuthorizedRequest,
  ) {
    return this.jobs.update(request.principal!, request.ability!, orgId, jobId, body);
  }

  @Post(':jobId/reorder')
  @CheckPolicies(['update', 'Job'])
  @HttpCode(200)
  @ApiOkResponse({ type: JobDto })
  @ApiErrors({ 400: ['invalid_reorder', 'unknown_job'], 404: ['job_not_found'], 409: ['job_cancelled'] })
  reorder(
    @Param('orgId', ParseUUIDPipe) orgId: string,
    @Param('jobId', ParseUUIDPipe) jobId: string,
    @Body() body: ReorderJobDto,
    @Req() request: AuthorizedRequest,
  ) {
    return this.jobs.reorder(request.principal!, request.ability!, orgId, jobId, body);
  }

  @Post(':jobId/hold')
  @CheckPolicies(['update', 'Job'])
  @HttpCode(200)
  @ApiOkResponse({ type: JobDto })
  @ApiErrors({ 404: ['job_not_found'], 409: ['job_cancelled'] })
  hold(
    @Param('orgId', ParseUUIDPipe) orgId: string,
    @Param('jobId', ParseUUIDPipe) jobId: string,
    @Req() request: AuthorizedRequest,
  ) {
    return this.jobs.setHeld(request.principal!, request.ability!, orgId, jobId, true);
  }

  @Post(':jobId/release')
  @CheckPolicies(['update', 'Job'])
  @HttpCode(200)
  @ApiOkResponse({ type: JobDto })
  @ApiErrors({ 404: ['job_not_found'], 409: ['job_cancelled'] })
  release(
    @Param('orgId', ParseUUIDPipe) orgId: string,
    @Param('jobId', ParseUUIDPipe) jobId: string,
    @Req() request: AuthorizedRequest,
  ) {
    return this.jobs.setHeld(request.principal!, request.ability!, orgId, jobId, false);
  }

  /** Queued copies are cancelled; copies on printers are cancelled there too. */
  @Post(':jobId/cancel')
  @CheckPolicies(['update', 'Job'])
  @HttpCode(200)
  @ApiOkResponse({ type: JobDto })
  @ApiErrors({ 403: ['copy_out_of_reach'], 404: ['job_not_found'], 409: ['job_already_cancelled'] })
  async cancel(
    @Param('orgId', ParseUUIDPipe) orgId: string,
    @Param('jobId', ParseUUIDPipe) jobId: string,
    @Req() request: AuthorizedRequest,
  ) {
    await this.jobs.cancel(request.principal!, request.ability!, orgId, jobId);
    await this.copies.cancelRunningOfJob(request.principal!, orgId, jobId);
    return this.jobs.view(request.ability!, orgId, jobId);
  }

  /** Only without a copy on a printer (409 naming its state); queued copies are cancelled; history stays. */
  @Delete(':jobId')
  @CheckPolicies(['delete', 'Job'])
  @HttpCode(204)
  @ApiNoContentResponse()
  @ApiErrors({ 404: ['job_not_found'], 409: ['job_has_active_copy'] })
  async remove(
    @Param('orgId', ParseUUIDPipe) orgId: string,
    @Param('jobId', ParseUUIDPipe) jobId: string,
    @Req() request: AuthorizedRequest,
  ): Promise<void> {
    await this.jobs.delete(request.principal!, request.ability!, orgId, jobId);
  }
}

@ApiTags('jobs')
@Controller('orgs/:orgId')
export class PrintQueueController {
  constructor(
    private readonly copies: CopyActionsService,
    private readonly readiness: ReadinessService,
    private readonly stats: StatsService,
  ) {}

  @Post('copies/:copyId/requeue')
  @CheckPolicies(['update', 'Job'])
  @HttpCode(200)
  @ApiOkResponse({ type: PrintCopyDto })
  @ApiErrors({ 404: ['copy_not_found'], 409: ['invalid_copy_state', 'job_closed'] })
  requeue(
    @Param('orgId', ParseUUIDPipe) orgId: string,
    @Param('copyId', ParseUUIDPipe) copyId: string,
    @Req() request: AuthorizedRequest,
  ) {
    return this.copies.requeue(request.principal!, request.ability!, orgId, copyId);
  }

  @Post('copies/:copyId/cancel')
  @CheckPolicies(['update', 'Job'])
  @HttpCode(200)
  @ApiOkResponse({ type: PrintCopyDto })
  @ApiErrors({ 404: ['copy_not_found'], 409: ['invalid_copy_state'] })
  cancelCopy(
    @Param('orgId', ParseUUIDPipe) orgId: string,
    @Param('copyId', ParseUUIDPipe) copyId: string,
    @Req() request: AuthorizedRequest,
  ) {
    return this.copies.cancel(request.principal!, request.ability!, orgId, copyId);
  }

  /** The plate is clear: with the finished print's verdict (good / bad, a bad one optionally requeued). */
  @Post('printers/:printerId/bed/clear')
  @CheckPolicies(['update', 'Job'])
  @HttpCode(200)
  @ApiOkResponse({ type: BedClearedDto })
  @ApiErrors({
    400: ['outcome_required', 'requeue_needs_bad'],
    404: ['printer_not_found'],
    409: ['bed_already_clear', 'invalid_copy_state'],
  })
  clearBed(
    @Param('orgId', ParseUUIDPipe) orgId: string,
    @Param('printerId', ParseUUIDPipe) printerId: string,
    @Body() body: ConfirmBedClearDto,
    @Req() request: AuthorizedRequest,
  ) {
    return this.copies.confirmBedClear(request.principal!, request.ability!, orgId, printerId, body);
  }

  @Get('printers/:printerId/history')
  @CheckPolicies(['read', 'Printer'], ['read', 'Job'])
  @ApiOkResponse({ type: PrinterHistoryDto })
  @ApiErrors({ 400: ['invalid_range'], 404: ['printer_not_found'] })
  history(
    @Param('orgId', ParseUUIDPipe) orgId: string,
    @Param('printerId', ParseUUIDPipe) printerId: string,
    @Query() query: HistoryQueryDto,
    @Req() request: AuthorizedRequest,
  ) {
    return this.stats.printerHistory(request.ability!, orgId, printerId, query);
  }

  /** Which printers could take a print now, and why the others cannot (offline, busy, plate to clear). */
  @Get('queue/readiness')
  @CheckPolicies(['read', 'Printer'])
  @ApiOkResponse({ type: ReadinessDto })
  @ApiErrors()
  readinessOf(@Param('orgId', ParseUUIDPipe) orgId: string, @Req() request: AuthorizedRequest) {
    return this.readiness.list(request.ability!, orgId);
  }

  @Get('stats/utilization')
  @CheckPolicies(['read', 'Job'])
  @ApiOkResponse({ type: UtilizationDto })
  @ApiErrors({ 400: ['invalid_range'], 404: ['fleet_not_found'] })
  utilization(
    @Param('orgId', ParseUUIDPipe) orgId: string,
    @Query() query: UtilizationQueryDto,
    @Req() request: AuthorizedRequest,
  ) {
    return this.stats.utilization(request.ability!, orgId, query);
  }
}
