import { Body, Controller, Delete, Get, HttpCode, Param, ParseUUIDPipe, Patch, Post, Query, Req } from '@nestjs/common';
import { ApiCreatedResponse, ApiNoContentResponse, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { CheckPolicies, type AuthorizedRequest } from '@farmhand/authz';
import { ApiErrors } from '@farmhand/core';
import { SpoolDto, SpoolListDto, SpoolUsageListDto } from './dto/spool-responses.dto';
import { CreateSpoolDto, ListSpoolsDto, ListUsageDto, LoadSpoolDto, UpdateSpoolDto } from './dto/spool.dto';
import { SpoolsService } from './spools.service';

const OrgId = () => Param('orgId', ParseUUIDPipe);
const SpoolId = () => Param('spoolId', ParseUUIDPipe);

/** The organization's filament spools: members read, operators load, owners and admins edit (costs, weights). */
@ApiTags('spools')
@Controller('orgs/:orgId/spools')
export class SpoolsController {
  constructor(private readonly spools: SpoolsService) {}

  @Get()
  @CheckPolicies(['read', 'Spool'])
  @ApiOkResponse({ type: SpoolListDto })
  @ApiErrors()
  list(@OrgId() orgId: string, @Query() query: ListSpoolsDto) {
    return this.spools.list(orgId, query);
  }

  @Post()
  @CheckPolicies(['create', 'Spool'])
  @ApiCreatedResponse({ type: SpoolDto })
  @ApiErrors({ 400: ['spool_weight_invalid'], 409: ['spool_limit_reached', 'spoolman_manages_spools'] })
  create(@OrgId() orgId: string, @Body() body: CreateSpoolDto, @Req() request: AuthorizedRequest) {
    return this.spools.create(request.principal!, orgId, body);
  }

  @Get(':spoolId')
  @CheckPolicies(['read', 'Spool'])
  @ApiOkResponse({ type: SpoolDto })
  @ApiErrors({ 404: ['spool_not_found'] })
  get(@OrgId() orgId: string, @SpoolId() spoolId: string) {
    return this.spools.get(orgId, spoolId);
  }

  @Patch(':spoolId')
  @CheckPolicies(['update', 'Spool'])
  @ApiOkResponse({ type: SpoolDto })
  @ApiErrors({ 400: ['spool_weight_invalid'], 404: ['spool_not_found'], 409: ['spoolman_manages_spools'] })
  update(
    @OrgId() orgId: string,
    @SpoolId() spoolId: string,
    @Body() body: UpdateSpoolDto,
    @Req() request: AuthorizedRequest,
  ) {
    return this.spools.update(request.principal!, orgId, spoolId, body);
  }

  @Delete(':spoolId')
  @CheckPolicies(['delete', 'Spool'])
  @HttpCode(204)
  @ApiNoContentResponse({ description: 'Archived: off its printer and out of the lists; its usage stays' })
  @ApiErrors({ 404: ['spool_not_found'], 409: ['spoolman_manages_spools'] })
  async archive(@OrgId() orgId: string, @SpoolId() spoolId: string, @Req() request: AuthorizedRequest) {
    await this.spools.archive(request.principal!, orgId, spoolId);
  }

  @Post(':spoolId/load')
  @CheckPolicies(['load', 'Spool'])
  @HttpCode(200)
  @ApiOkResponse({ type: SpoolDto })
  @ApiErrors({
    404: ['spool_not_found', 'printer_not_found'],
    409: ['spool_archived', 'spool_slot_taken', 'spoolman_manages_spools'],
  })
  load(
    @OrgId() orgId: string,
    @SpoolId() spoolId: string,
    @Body() body: LoadSpoolDto,
    @Req() request: AuthorizedRequest,
  ) {
    return this.spools.load(request.principal!, request.ability!, orgId, spoolId, body);
  }

  @Post(':spoolId/unload')
  @CheckPolicies(['load', 'Spool'])
  @HttpCode(200)
  @ApiOkResponse({ type: SpoolDto })
  @ApiErrors({ 404: ['spool_not_found', 'printer_not_found'] })
  unload(@OrgId() orgId: string, @SpoolId() spoolId: string, @Req() request: AuthorizedRequest) {
    return this.spools.unload(request.principal!, request.ability!, orgId, spoolId);
  }

  @Get(':spoolId/usage')
  @CheckPolicies(['read', 'Spool'])
  @ApiOkResponse({ type: SpoolUsageListDto })
  @ApiErrors({ 404: ['spool_not_found'] })
  usage(@OrgId() orgId: string, @SpoolId() spoolId: string, @Query() query: ListUsageDto) {
    return this.spools.usage(orgId, spoolId, query.limit);
  }
}
