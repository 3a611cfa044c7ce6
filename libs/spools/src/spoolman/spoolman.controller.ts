import { Body, Controller, Delete, Get, HttpCode, Param, ParseUUIDPipe, Post, Put, Req } from '@nestjs/common';
import { ApiNoContentResponse, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { CheckPolicies, type AuthorizedRequest } from '@farmhand/authz';
import { ApiErrors } from '@farmhand/core';
import { ConfigureSpoolmanDto, SpoolmanStatusDto } from '../dto/spoolman.dto';
import { SpoolmanService } from './spoolman.service';

const OrgId = () => Param('orgId', ParseUUIDPipe);

/**
 * The organization's Spoolman server: members see its state (never its credential), owners and admins set it,
 * operators refresh the spools from it and retry usage it did not take.
 */
@ApiTags('spools')
@Controller('orgs/:orgId/spoolman')
export class SpoolmanController {
  constructor(private readonly spoolman: SpoolmanService) {}

  @Get()
  @CheckPolicies(['read', 'Spool'])
  @ApiOkResponse({ type: SpoolmanStatusDto })
  @ApiErrors()
  status(@OrgId() orgId: string) {
    return this.spoolman.status(orgId);
  }

  @Put()
  @CheckPolicies(['update', 'Spool'])
  @ApiOkResponse({ type: SpoolmanStatusDto })
  @ApiErrors({
    400: [
      'spoolman_url_invalid',
      'spoolman_url_too_long',
      'spoolman_url_credentials',
      'spoolman_url_private_address',
      'spoolman_url_forbidden_address',
      'spoolman_auth_ambiguous',
      'spoolman_username_missing',
    ],
  })
  configure(@OrgId() orgId: string, @Body() body: ConfigureSpoolmanDto, @Req() request: AuthorizedRequest) {
    return this.spoolman.configure(request.principal!, orgId, body);
  }

  @Delete()
  @CheckPolicies(['update', 'Spool'])
  @HttpCode(204)
  @ApiNoContentResponse({ description: 'Back to the built-in inventory; the Spoolman spools leave the printers' })
  @ApiErrors({ 404: ['spoolman_not_configured'] })
  async disconnect(@OrgId() orgId: string, @Req() request: AuthorizedRequest) {
    await this.spoolman.disconnect(request.principal!, orgId);
  }

  @Post('sync')
  @CheckPolicies(['load', 'Spool'])
  @HttpCode(200)
  @ApiOkResponse({ type: SpoolmanStatusDto, description: 'Spools read again from Spoolman; failed usage queued again' })
  @ApiErrors({ 404: ['spoolman_not_configured'], 503: ['spoolman_unavailable'] })
  sync(@OrgId() orgId: string, @Req() request: AuthorizedRequest) {
    return this.spoolman.sync(request.principal!, orgId);
  }
}
