import { Body, Controller, Delete, Get, HttpCode, Param, ParseUUIDPipe, Patch, Post, Query, Req } from '@nestjs/common';
import { ApiAcceptedResponse, ApiCreatedResponse, ApiNoContentResponse, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { CheckPolicies, type AuthorizedRequest } from '@farmhand/authz';
import { ApiErrors } from '@farmhand/core';
import {
  CreatedWebhookDto,
  WebhookDeliveryDto,
  WebhookDeliveryListDto,
  WebhookDto,
  WebhookListDto,
  WebhookSecretDto,
} from './dto/webhook-responses.dto';
import { CreateWebhookDto, ListDeliveriesDto, UpdateWebhookDto } from './dto/webhook.dto';
import { WebhooksService } from './webhooks.service';

const OrgId = () => Param('orgId', ParseUUIDPipe);
const WebhookId = () => Param('webhookId', ParseUUIDPipe);
const URL_ERRORS = [
  'webhook_url_credentials',
  'webhook_url_forbidden_address',
  'webhook_url_insecure',
  'webhook_url_invalid',
  'webhook_url_private_address',
  'webhook_url_too_long',
];

/** Contract C: an organization's webhooks, owners and admins only (the `Webhook` subject). */
@ApiTags('webhooks')
@Controller('orgs/:orgId/webhooks')
export class WebhooksController {
  constructor(private readonly webhooks: WebhooksService) {}

  @Get()
  @CheckPolicies(['read', 'Webhook'])
  @ApiOkResponse({ type: WebhookListDto })
  @ApiErrors()
  list(@OrgId() orgId: string) {
    return this.webhooks.list(orgId);
  }

  @Post()
  @CheckPolicies(['create', 'Webhook'])
  @ApiCreatedResponse({ type: CreatedWebhookDto })
  @ApiErrors({ 400: URL_ERRORS, 409: ['webhook_limit_reached'] })
  create(@OrgId() orgId: string, @Body() body: CreateWebhookDto, @Req() request: AuthorizedRequest) {
    return this.webhooks.create(request.principal!, orgId, body);
  }

  @Patch(':webhookId')
  @CheckPolicies(['update', 'Webhook'])
  @ApiOkResponse({ type: WebhookDto })
  @ApiErrors({ 400: URL_ERRORS, 404: ['webhook_not_found'] })
  update(
    @OrgId() orgId: string,
    @WebhookId() webhookId: string,
    @Body() body: UpdateWebhookDto,
    @Req() request: AuthorizedRequest,
  ) {
    return this.webhooks.update(request.principal!, request.ability!, orgId, webhookId, body);
  }

  @Delete(':webhookId')
  @CheckPolicies(['delete', 'Webhook'])
  @HttpCode(204)
  @ApiNoContentResponse()
  @ApiErrors({ 404: ['webhook_not_found'] })
  async delete(@OrgId() orgId: string, @WebhookId() webhookId: string, @Req() request: AuthorizedRequest) {
    await this.webhooks.delete(request.principal!, request.ability!, orgId, webhookId);
  }

  @Post(':webhookId/rotate-secret')
  @CheckPolicies(['rotate', 'Webhook'])
  @HttpCode(200)
  @ApiOkResponse({ type: WebhookSecretDto })
  @ApiErrors({ 404: ['webhook_not_found'] })
  rotateSecret(@OrgId() orgId: string, @WebhookId() webhookId: string, @Req() request: AuthorizedRequest) {
    return this.webhooks.rotateSecret(request.principal!, request.ability!, orgId, webhookId);
  }

  @Post(':webhookId/test')
  @CheckPolicies(['update', 'Webhook'])
  @HttpCode(202)
  @ApiAcceptedResponse({ type: WebhookDeliveryDto, description: 'A webhook.test delivery is queued' })
  @ApiErrors({ 404: ['webhook_not_found'] })
  test(@OrgId() orgId: string, @WebhookId() webhookId: string, @Req() request: AuthorizedRequest) {
    return this.webhooks.test(request.principal!, request.ability!, orgId, webhookId);
  }

  @Get(':webhookId/deliveries')
  @CheckPolicies(['read', 'Webhook'])
  @ApiOkResponse({ type: WebhookDeliveryListDto })
  @ApiErrors({ 404: ['webhook_not_found'] })
  deliveries(@OrgId() orgId: string, @WebhookId() webhookId: string, @Query() query: ListDeliveriesDto) {
    return this.webhooks.listDeliveries(orgId, webhookId, query.limit);
  }
}
