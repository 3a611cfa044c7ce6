import { Body, Controller, Get, Param, ParseUUIDPipe, Put, Req } from '@nestjs/common';
import { ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { CheckPolicies, type AuthorizedRequest } from '@farmhand/authz';
import { ApiErrors } from '@farmhand/core';
import { NotificationSettingsDto } from '../dto/notification-preference.dto';
import { NotificationSettingsService } from './notification-settings.service';

const OrgId = () => Param('orgId', ParseUUIDPipe);

/** The organization's notification settings (the `bed.waiting` time): owners and whole-organization admins. */
@ApiTags('notifications')
@Controller('orgs/:orgId/notification-settings')
export class NotificationSettingsController {
  constructor(private readonly settings: NotificationSettingsService) {}

  @Get()
  @CheckPolicies(['read', 'NotificationChannel'])
  @ApiOkResponse({ type: NotificationSettingsDto })
  @ApiErrors()
  get(@OrgId() orgId: string): Promise<NotificationSettingsDto> {
    return this.settings.get(orgId);
  }

  @Put()
  @CheckPolicies(['update', 'NotificationChannel'])
  @ApiOkResponse({ type: NotificationSettingsDto })
  @ApiErrors({ 400: ['validation_failed'] })
  update(
    @OrgId() orgId: string,
    @Body() body: NotificationSettingsDto,
    @Req() request: AuthorizedRequest,
  ): Promise<NotificationSettingsDto> {
    return this.settings.update(request.principal!, orgId, body);
  }
}
