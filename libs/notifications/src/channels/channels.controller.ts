import { Body, Controller, Delete, Get, HttpCode, Param, ParseUUIDPipe, Patch, Post, Query, Req } from '@nestjs/common';
import { ApiAcceptedResponse, ApiCreatedResponse, ApiNoContentResponse, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { CheckPolicies, type AuthorizedRequest } from '@farmhand/authz';
import { ApiErrors } from '@farmhand/core';
import {
  CreateNotificationChannelDto,
  NotificationChannelDto,
  NotificationChannelListDto,
  UpdateNotificationChannelDto,
} from '../dto/notification-channel.dto';
import { WebhookDeliveryDto, WebhookDeliveryListDto } from '../dto/webhook-responses.dto';
import { ListDeliveriesDto } from '../dto/webhook.dto';
import { ChannelsService } from './channels.service';

const OrgId = () => Param('orgId', ParseUUIDPipe);
const ChannelId = () => Param('channelId', ParseUUIDPipe);
const TARGET_ERRORS = [
  'channel_invalid',
  'fleet_not_found',
  'webhook_url_credentials',
  'webhook_url_forbidden_address',
  'webhook_url_insecure',
  'webhook_url_invalid',
  'webhook_url_private_address',
  'webhook_url_too_long',
];

/** An organization's notification channels (Slack, Discord, Telegram, ntfy, email): owners and admins only. */
@ApiTags('notifications')
@Controller('orgs/:orgId/notification-channels')
export class ChannelsController {
  constructor(private readonly channels: ChannelsService) {}

  @Get()
  @CheckPolicies(['read', 'NotificationChannel'])
  @ApiOkResponse({ type: NotificationChannelListDto })
  @ApiErrors()
  list(@OrgId() orgId: string) {
    return this.channels.list(orgId);
  }

  @Post()
  @CheckPolicies(['create', 'NotificationChannel'])
  @ApiCreatedResponse({ type: NotificationChannelDto })
  @ApiErrors({ 400: TARGET_ERRORS, 409: ['channel_limit_reached'] })
  create(@OrgId() orgId: string, @Body() body: CreateNotificationChannelDto, @Req() request: AuthorizedRequest) {
    return this.channels.create(request.principal!, orgId, body);
  }

  @Patch(':channelId')
  @CheckPolicies(['update', 'NotificationChannel'])
  @ApiOkResponse({ type: NotificationChannelDto })
  @ApiErrors({ 400: TARGET_ERRORS, 404: ['channel_not_found'] })
  update(
    @OrgId() orgId: string,
    @ChannelId() channelId: string,
    @Body() body: UpdateNotificationChannelDto,
    @Req() request: AuthorizedRequest,
  ) {
    return this.channels.update(request.principal!, request.ability!, orgId, channelId, body);
  }

  @Delete(':channelId')
  @CheckPolicies(['delete', 'NotificationChannel'])
  @HttpCode(204)
  @ApiNoContentResponse()
  @ApiErrors({ 404: ['channel_not_found'] })
  async delete(@OrgId() orgId: string, @ChannelId() channelId: string, @Req() request: AuthorizedRequest) {
    await this.channels.delete(request.principal!, request.ability!, orgId, channelId);
  }

  @Post(':channelId/test')
  @CheckPolicies(['update', 'NotificationChannel'])
  @HttpCode(202)
  @ApiAcceptedResponse({ type: WebhookDeliveryDto, description: 'A channel.test delivery is queued' })
  @ApiErrors({ 404: ['channel_not_found'] })
  test(@OrgId() orgId: string, @ChannelId() channelId: string, @Req() request: AuthorizedRequest) {
    return this.channels.test(request.principal!, request.ability!, orgId, channelId);
  }

  @Get(':channelId/deliveries')
  @CheckPolicies(['read', 'NotificationChannel'])
  @ApiOkResponse({ type: WebhookDeliveryListDto })
  @ApiErrors({ 404: ['channel_not_found'] })
  deliveries(@OrgId() orgId: string, @ChannelId() channelId: string, @Query() query: ListDeliveriesDto) {
    return this.channels.listDeliveries(orgId, channelId, query.limit);
  }
}
