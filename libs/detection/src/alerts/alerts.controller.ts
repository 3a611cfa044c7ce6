import { Controller, Get, HttpCode, Param, ParseUUIDPipe, Post, Query, Req } from '@nestjs/common';
import { ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { COMMAND_ERRORS } from '@farmhand/agents';
import { CheckPolicies, type AuthorizedRequest } from '@farmhand/authz';
import { ApiErrors, mergeErrors, type DeclaredErrors } from '@farmhand/core';
import { AlertDto, AlertListDto } from '../dto/detection-responses.dto';
import type { AlertView } from './alert-view';
import { ListAlertsDto } from './alerts.dto';
import { AlertsService } from './alerts.service';

const RESOLVE_ERRORS: DeclaredErrors = { 404: ['alert_not_found'], 409: ['alert_already_resolved'] };
/** Confirming cancels the print through the printer control path: its errors too. */
const CONFIRM_ERRORS = mergeErrors(COMMAND_ERRORS, RESOLVE_ERRORS);

@ApiTags('detection')
@Controller('orgs/:orgId/alerts')
export class AlertsController {
  constructor(private readonly alerts: AlertsService) {}

  /** Newest first, only alerts of printers the caller may read. */
  @Get()
  @CheckPolicies(['read', 'Alert'])
  @ApiOkResponse({ type: AlertListDto })
  @ApiErrors()
  list(
    @Param('orgId', ParseUUIDPipe) orgId: string,
    @Query() query: ListAlertsDto,
    @Req() request: AuthorizedRequest,
  ): Promise<{ items: AlertView[] }> {
    return this.alerts.list(request.principal!, orgId, query);
  }

  @Post(':alertId/acknowledge')
  @HttpCode(200)
  @CheckPolicies(['update', 'Alert'])
  @ApiOkResponse({ type: AlertDto })
  @ApiErrors(RESOLVE_ERRORS)
  acknowledge(
    @Param('orgId', ParseUUIDPipe) orgId: string,
    @Param('alertId', ParseUUIDPipe) alertId: string,
    @Req() request: AuthorizedRequest,
  ): Promise<AlertView> {
    return this.alerts.resolve(request.principal!, orgId, alertId, 'acknowledged');
  }

  @Post(':alertId/false-alarm')
  @HttpCode(200)
  @CheckPolicies(['update', 'Alert'])
  @ApiOkResponse({ type: AlertDto })
  @ApiErrors(RESOLVE_ERRORS)
  falseAlarm(
    @Param('orgId', ParseUUIDPipe) orgId: string,
    @Param('alertId', ParseUUIDPipe) alertId: string,
    @Req() request: AuthorizedRequest,
  ): Promise<AlertView> {
    return this.alerts.resolve(request.principal!, orgId, alertId, 'false_alarm');
  }

  /** The failure is real: cancels the print (as the caller, through the printer control path) and closes the alert. */
  @Post(':alertId/confirm')
  @HttpCode(200)
  @CheckPolicies(['update', 'Alert'], ['cancel', 'Printer'])
  @ApiOkResponse({ type: AlertDto, description: 'Closed; the print was cancelled if it still ran' })
  @ApiErrors(CONFIRM_ERRORS)
  confirm(
    @Param('orgId', ParseUUIDPipe) orgId: string,
    @Param('alertId', ParseUUIDPipe) alertId: string,
    @Req() request: AuthorizedRequest,
  ): Promise<AlertView> {
    return this.alerts.resolve(request.principal!, orgId, alertId, 'confirmed');
  }
}
