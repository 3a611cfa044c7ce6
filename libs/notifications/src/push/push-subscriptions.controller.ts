import { Body, Controller, Delete, Get, HttpCode, Param, ParseUUIDPipe, Post, Req } from '@nestjs/common';
import { ApiAcceptedResponse, ApiCreatedResponse, ApiNoContentResponse, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { CheckPolicies, type AuthorizedRequest } from '@farmhand/authz';
import { ApiErrors } from '@farmhand/core';
import {
  CreatePushSubscriptionDto,
  DeletePushSubscriptionDto,
  PushPublicKeyDto,
  PushSubscriptionDto,
  PushTestDto,
} from '../dto/push-subscription.dto';
import { PushSubscriptionsService } from './push-subscriptions.service';

const OrgId = () => Param('orgId', ParseUUIDPipe);
const ENDPOINT_ERRORS = [
  'push_keys_invalid',
  'webhook_url_credentials',
  'webhook_url_forbidden_address',
  'webhook_url_insecure',
  'webhook_url_invalid',
  'webhook_url_private_address',
  'webhook_url_too_long',
];

/** Browser push (Web Push): each member subscribes their own browsers, whatever their role. */
@ApiTags('notifications')
@Controller('orgs/:orgId/push-subscriptions')
export class PushSubscriptionsController {
  constructor(private readonly push: PushSubscriptionsService) {}

  @Get('key')
  @CheckPolicies(['read', 'PushSubscription'])
  @ApiOkResponse({ type: PushPublicKeyDto })
  @ApiErrors()
  key(@OrgId() _orgId: string): PushPublicKeyDto {
    return this.push.publicKey();
  }

  @Post()
  @CheckPolicies(['create', 'PushSubscription'])
  @ApiCreatedResponse({ type: PushSubscriptionDto })
  @ApiErrors({ 400: ENDPOINT_ERRORS, 503: ['push_not_configured'] })
  subscribe(
    @OrgId() orgId: string,
    @Body() body: CreatePushSubscriptionDto,
    @Req() request: AuthorizedRequest,
  ): Promise<PushSubscriptionDto> {
    return this.push.subscribe(request.principal!, orgId, body);
  }

  @Delete()
  @CheckPolicies(['delete', 'PushSubscription'])
  @HttpCode(204)
  @ApiNoContentResponse()
  @ApiErrors({ 404: ['push_subscription_not_found'] })
  async unsubscribe(
    @OrgId() orgId: string,
    @Body() body: DeletePushSubscriptionDto,
    @Req() request: AuthorizedRequest,
  ): Promise<void> {
    await this.push.unsubscribe(request.principal!, orgId, body.endpoint);
  }

  @Post('test')
  @CheckPolicies(['update', 'PushSubscription'])
  @HttpCode(202)
  @ApiAcceptedResponse({ type: PushTestDto, description: 'A test notification is queued for each of your browsers' })
  @ApiErrors({ 409: ['push_not_subscribed'], 429: ['push_test_throttled'], 503: ['push_not_configured'] })
  test(@OrgId() orgId: string, @Req() request: AuthorizedRequest): Promise<PushTestDto> {
    return this.push.test(request.principal!, orgId);
  }
}
