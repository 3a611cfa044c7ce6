import { Body, Controller, Delete, Get, HttpCode, Param, ParseUUIDPipe, Patch, Post, Req } from '@nestjs/common';
import { ApiCreatedResponse, ApiNoContentResponse, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { CheckPolicies, type AuthorizedRequest } from '@farmhand/authz';
import { ApiErrors } from '@farmhand/core';
import { ChatIntegrationsService } from './chat-integrations.service';
import { CreateChatIntegrationDto, UpdateChatIntegrationDto } from './dto/chat-integration.dto';
import { ChatIntegrationDto, ChatIntegrationListDto, CreatedChatIntegrationDto } from './dto/chatops-responses.dto';

const OrgId = () => Param('orgId', ParseUUIDPipe);
const IntegrationId = () => Param('integrationId', ParseUUIDPipe);

/** An organization's chat-ops integrations (Slack, Discord, Telegram): owners and admins only. */
@ApiTags('chat-ops')
@Controller('orgs/:orgId/chatops/integrations')
export class ChatIntegrationsController {
  constructor(private readonly integrations: ChatIntegrationsService) {}

  @Get()
  @CheckPolicies(['read', 'ChatIntegration'])
  @ApiOkResponse({ type: ChatIntegrationListDto })
  @ApiErrors()
  list(@OrgId() orgId: string) {
    return this.integrations.list(orgId);
  }

  @Post()
  @CheckPolicies(['create', 'ChatIntegration'])
  @ApiCreatedResponse({ type: CreatedChatIntegrationDto })
  @ApiErrors({ 400: ['chat_secret_invalid'], 409: ['chat_integration_limit_reached'] })
  create(@OrgId() orgId: string, @Body() body: CreateChatIntegrationDto, @Req() request: AuthorizedRequest) {
    return this.integrations.create(request.principal!, orgId, body);
  }

  @Patch(':integrationId')
  @CheckPolicies(['update', 'ChatIntegration'])
  @ApiOkResponse({ type: ChatIntegrationDto })
  @ApiErrors({ 404: ['chat_integration_not_found'] })
  update(
    @OrgId() orgId: string,
    @IntegrationId() integrationId: string,
    @Body() body: UpdateChatIntegrationDto,
    @Req() request: AuthorizedRequest,
  ) {
    return this.integrations.update(request.principal!, request.ability!, orgId, integrationId, body);
  }

  @Delete(':integrationId')
  @CheckPolicies(['delete', 'ChatIntegration'])
  @HttpCode(204)
  @ApiNoContentResponse()
  @ApiErrors({ 404: ['chat_integration_not_found'] })
  async delete(@OrgId() orgId: string, @IntegrationId() integrationId: string, @Req() request: AuthorizedRequest) {
    await this.integrations.delete(request.principal!, request.ability!, orgId, integrationId);
  }
}
