import { Controller, Delete, Get, HttpCode, Param, ParseUUIDPipe, Post, Req } from '@nestjs/common';
import { ApiCreatedResponse, ApiNoContentResponse, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { CheckPolicies, type AuthorizedRequest } from '@farmhand/authz';
import { ApiErrors } from '@farmhand/core';
import { ChatLinksService } from './chat-links.service';
import { ChatLinkCodeDto, LinkedChatAccountListDto } from './dto/chatops-responses.dto';

const OrgId = () => Param('orgId', ParseUUIDPipe);

/**
 * The signed-in member's own chat links. Every member may link their own chat identity (`read Organization`, which
 * every role holds): a link only ever carries the caller's own membership, and acts with exactly its permissions.
 */
@ApiTags('chat-ops')
@Controller('orgs/:orgId/chatops')
export class ChatLinksController {
  constructor(private readonly links: ChatLinksService) {}

  @Post('link-codes')
  @CheckPolicies(['read', 'Organization'])
  @ApiCreatedResponse({
    type: ChatLinkCodeDto,
    description: 'A one-time code, valid 10 minutes; the previous one stops working',
  })
  @ApiErrors({ 403: ['members_only'] })
  createCode(@OrgId() orgId: string, @Req() request: AuthorizedRequest) {
    return this.links.createCode(request.principal!, orgId);
  }

  @Get('links')
  @CheckPolicies(['read', 'Organization'])
  @ApiOkResponse({ type: LinkedChatAccountListDto })
  @ApiErrors({ 403: ['members_only'] })
  list(@OrgId() orgId: string, @Req() request: AuthorizedRequest) {
    return this.links.listMine(request.principal!, orgId);
  }

  @Delete('links/:accountId')
  @CheckPolicies(['read', 'Organization'])
  @HttpCode(204)
  @ApiNoContentResponse()
  @ApiErrors({ 403: ['members_only'], 404: ['chat_account_not_found'] })
  async unlink(
    @OrgId() orgId: string,
    @Param('accountId', ParseUUIDPipe) accountId: string,
    @Req() request: AuthorizedRequest,
  ) {
    await this.links.unlink(request.principal!, orgId, accountId);
  }
}
