import { Body, Controller, Delete, Get, HttpCode, Param, ParseUUIDPipe, Patch, Post, Query, Req } from '@nestjs/common';
import { ApiCreatedResponse, ApiNoContentResponse, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { CheckPolicies, type AuthorizedRequest } from '@farmhand/authz';
import { ApiErrors } from '@farmhand/core';
import {
  CompletedMaintenanceDto,
  MaintenanceHistoryDto,
  MaintenanceOverviewDto,
  MaintenanceTaskDto,
} from './dto/maintenance-responses.dto';
import {
  CompleteMaintenanceTaskDto,
  CreateMaintenanceTaskDto,
  ListMaintenanceDto,
  MaintenanceHistoryQueryDto,
  UpdateMaintenanceTaskDto,
} from './dto/maintenance.dto';
import { MaintenanceService } from './maintenance.service';

const OrgId = () => Param('orgId', ParseUUIDPipe);
const TaskId = () => Param('taskId', ParseUUIDPipe);

/** Maintenance: members read, operators complete on printers they may change, owners and admins plan tasks. */
@ApiTags('maintenance')
@Controller('orgs/:orgId/maintenance')
export class MaintenanceController {
  constructor(private readonly maintenance: MaintenanceService) {}

  @Get()
  @CheckPolicies(['read', 'MaintenanceTask'], ['read', 'Printer'])
  @ApiOkResponse({ type: MaintenanceOverviewDto })
  @ApiErrors()
  overview(@OrgId() orgId: string, @Query() query: ListMaintenanceDto, @Req() request: AuthorizedRequest) {
    return this.maintenance.overview(request.ability!, orgId, query.printerId);
  }

  @Post('tasks')
  @CheckPolicies(['create', 'MaintenanceTask'])
  @ApiCreatedResponse({ type: MaintenanceTaskDto })
  @ApiErrors({
    400: ['maintenance_target_invalid'],
    404: ['printer_not_found'],
    409: ['maintenance_task_limit_reached'],
  })
  create(@OrgId() orgId: string, @Body() body: CreateMaintenanceTaskDto, @Req() request: AuthorizedRequest) {
    return this.maintenance.create(request.principal!, request.ability!, orgId, body);
  }

  @Patch('tasks/:taskId')
  @CheckPolicies(['update', 'MaintenanceTask'])
  @ApiOkResponse({ type: MaintenanceTaskDto })
  @ApiErrors({ 404: ['maintenance_task_not_found'] })
  update(
    @OrgId() orgId: string,
    @TaskId() taskId: string,
    @Body() body: UpdateMaintenanceTaskDto,
    @Req() request: AuthorizedRequest,
  ) {
    return this.maintenance.update(request.principal!, orgId, taskId, body);
  }

  @Delete('tasks/:taskId')
  @CheckPolicies(['delete', 'MaintenanceTask'])
  @HttpCode(204)
  @ApiNoContentResponse({ description: 'Archived: no longer due anywhere; its history stays' })
  @ApiErrors({ 404: ['maintenance_task_not_found'] })
  async archive(@OrgId() orgId: string, @TaskId() taskId: string, @Req() request: AuthorizedRequest) {
    await this.maintenance.archive(request.principal!, orgId, taskId);
  }

  @Post('tasks/:taskId/complete')
  @CheckPolicies(['complete', 'MaintenanceTask'])
  @ApiCreatedResponse({ type: CompletedMaintenanceDto })
  @ApiErrors({
    400: ['maintenance_not_for_printer', 'maintenance_checklist_mismatch'],
    404: ['maintenance_task_not_found', 'printer_not_found'],
  })
  complete(
    @OrgId() orgId: string,
    @TaskId() taskId: string,
    @Body() body: CompleteMaintenanceTaskDto,
    @Req() request: AuthorizedRequest,
  ) {
    return this.maintenance.complete(request.principal!, request.ability!, orgId, taskId, body);
  }

  @Get('printers/:printerId/history')
  @CheckPolicies(['read', 'MaintenanceTask'], ['read', 'Printer'])
  @ApiOkResponse({ type: MaintenanceHistoryDto })
  @ApiErrors({ 404: ['printer_not_found'] })
  history(
    @OrgId() orgId: string,
    @Param('printerId', ParseUUIDPipe) printerId: string,
    @Query() query: MaintenanceHistoryQueryDto,
    @Req() request: AuthorizedRequest,
  ) {
    return this.maintenance.history(request.ability!, orgId, printerId, query.limit);
  }
}
