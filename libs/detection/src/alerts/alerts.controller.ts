import { Controller, Get, HttpCode, Param, ParseUUIDPipe, Post, Query, Req } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import { CheckPolicies, type AuthorizedRequest } from '@farmhand/authz';
import type { AlertView } from './alert-view';
import { ListAlertsDto } from './alerts.dto';
import { AlertsService } from './alerts.service';

@ApiTags('detection')
@Controller('orgs/:orgId/alerts')
export class AlertsController {
  constructor(private readonly alerts: AlertsService) {}

  /** Newest first, only alerts of printers the caller may read. */
  @Get()
  @CheckPolicies(['read', 'Alert'])
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
  confirm(
    @Param('orgId', ParseUUIDPipe) orgId: string,
    @Param('alertId', ParseUUIDPipe) alertId: string,
    @Req() request: AuthorizedRequest,
  ): Promise<AlertView> {
    return this.alerts.resolve(request.principal!, orgId, alertId, 'confirmed');
  }
}
