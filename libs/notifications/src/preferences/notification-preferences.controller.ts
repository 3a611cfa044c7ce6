import { Body, Controller, Get, Param, ParseUUIDPipe, Put, Req } from '@nestjs/common';
import { ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { CheckPolicies, type AuthorizedRequest } from '@farmhand/authz';
import { ApiErrors } from '@farmhand/core';
import { NotificationPreferencesDto, UpdateNotificationPreferencesDto } from '../dto/notification-preference.dto';
import { NotificationPreferencesService } from './notification-preferences.service';

const OrgId = () => Param('orgId', ParseUUIDPipe);

/** What reaches me personally (email, push), from which fleets, with quiet hours and a digest: every member's own. */
@ApiTags('notifications')
@Controller('orgs/:orgId/notification-preferences/me')
export class NotificationPreferencesController {
  constructor(private readonly preferences: NotificationPreferencesService) {}

  @Get()
  @CheckPolicies(['read', 'NotificationPreference'])
  @ApiOkResponse({ type: NotificationPreferencesDto })
  @ApiErrors()
  get(@OrgId() orgId: string, @Req() request: AuthorizedRequest): Promise<NotificationPreferencesDto> {
    return this.preferences.get(request.principal!, request.ability!, orgId);
  }

  @Put()
  @CheckPolicies(['update', 'NotificationPreference'])
  @ApiOkResponse({ type: NotificationPreferencesDto })
  @ApiErrors({ 400: ['fleet_not_found', 'invalid_time_zone', 'invalid_urgent_events'] })
  update(
    @OrgId() orgId: string,
    @Body() body: UpdateNotificationPreferencesDto,
    @Req() request: AuthorizedRequest,
  ): Promise<NotificationPreferencesDto> {
    return this.preferences.update(request.principal!, request.ability!, orgId, body);
  }
}
