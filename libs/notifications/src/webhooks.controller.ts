import { Body, Controller, Delete, Get, HttpCode, Param, ParseUUIDPipe, Patch, Post, Query, Req } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import { CheckPolicies, type AuthorizedRequest } from '@farmhand/authz';
import { CreateWebhookDto, ListDeliveriesDto, UpdateWebhookDto } from './dto/webhook.dto';
import { WebhooksService } from './webhooks.service';

const OrgId = () => Param('orgId', ParseUUIDPipe);
const WebhookId = () => Param('webhookId', ParseUUIDPipe);

/** Contract C: an organization's webhooks, owners and admins only (the `Webhook` subject). */
@ApiTags('webhooks')
@Controller('orgs/:orgId/webhooks')
export class WebhooksController {
  constructor(private readonly webhooks: WebhooksService) {}

  @Get()
  @CheckPolicies(['read', 'Webhook'])
  list(@OrgId() orgId: string) {
    return this.webhooks.list(orgId);
  }

  @Post()
  @CheckPolicies(['create', 'Webhook'])
  create(@OrgId() orgId: string, @Body() body: CreateWebhookDto, @Req() request: AuthorizedRequest) {
    return this.webhooks.create(request.principal!, orgId, body);
  }

  @Patch(':webhookId')
  @CheckPolicies(['update', 'Webhook'])
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
  async delete(@OrgId() orgId: string, @WebhookId() webhookId: string, @Req() request: AuthorizedRequest) {
    await this.webhooks.delete(request.principal!, request.ability!, orgId, webhookId);
  }

  @Post(':webhookId/rotate-secret')
  @CheckPolicies(['rotate', 'Webhook'])
  @HttpCode(200)
  rotateSecret(@OrgId() orgId: string, @WebhookId() webhookId: string, @Req() request: AuthorizedRequest) {
    return this.webhooks.rotateSecret(request.principal!, request.ability!, orgId, webhookId);
  }

  @Post(':webhookId/test')
  @CheckPolicies(['update', 'Webhook'])
  @HttpCode(202)
  test(@OrgId() orgId: string, @WebhookId() webhookId: string, @Req() request: AuthorizedRequest) {
    return this.webhooks.test(request.principal!, request.ability!, orgId, webhookId);
  }

  @Get(':webhookId/deliveries')
  @CheckPolicies(['read', 'Webhook'])
  deliveries(@OrgId() orgId: string, @WebhookId() webhookId: string, @Query() query: ListDeliveriesDto) {
    return this.webhooks.listDeliveries(orgId, webhookId, query.limit);
  }
}
