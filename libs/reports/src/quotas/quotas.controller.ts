import { Body, Controller, Delete, Get, HttpCode, Param, ParseUUIDPipe, Patch, Post, Req } from '@nestjs/common';
import { ApiCreatedResponse, ApiNoContentResponse, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { CheckPolicies, type AuthorizedRequest } from '@farmhand/authz';
import { ApiErrors } from '@farmhand/core';
import { CreateQuotaDto, QuotaDto, UpdateQuotaDto } from './quota.dto';
import { QuotasService } from './quotas.service';

const OrgId = () => Param('orgId', ParseUUIDPipe);
const QuotaId = () => Param('quotaId', ParseUUIDPipe);

/** Per-member and per-tag monthly quotas: members read them with their usage, whole-organization admins set them. */
@ApiTags('reports')
@Controller('orgs/:orgId/quotas')
export class QuotasController {
  constructor(private readonly quotas: QuotasService) {}

  @Get()
  @CheckPolicies(['read', 'Quota'])
  @ApiOkResponse({ type: [QuotaDto] })
  @ApiErrors()
  list(@OrgId() orgId: string, @Req() request: AuthorizedRequest) {
    return this.quotas.list(request.ability!, orgId);
  }

  @Post()
  @CheckPolicies(['create', 'Quota'])
  @ApiCreatedResponse({ type: QuotaDto })
  @ApiErrors({ 400: ['unknown_member'], 409: ['quota_exists'] })
  create(@OrgId() orgId: string, @Body() body: CreateQuotaDto, @Req() request: AuthorizedRequest) {
    return this.quotas.create(request.principal!, request.ability!, orgId, body);
  }

  @Patch(':quotaId')
  @CheckPolicies(['update', 'Quota'])
  @ApiOkResponse({ type: QuotaDto })
  @ApiErrors({ 404: ['quota_not_found'] })
  update(
    @OrgId() orgId: string,
    @QuotaId() quotaId: string,
    @Body() body: UpdateQuotaDto,
    @Req() request: AuthorizedRequest,
  ) {
    return this.quotas.update(request.principal!, request.ability!, orgId, quotaId, body);
  }

  @Delete(':quotaId')
  @HttpCode(204)
  @CheckPolicies(['delete', 'Quota'])
  @ApiNoContentResponse()
  @ApiErrors({ 404: ['quota_not_found'] })
  async delete(@OrgId() orgId: string, @QuotaId() quotaId: string, @Req() request: AuthorizedRequest): Promise<void> {
    await this.quotas.delete(request.principal!, request.ability!, orgId, quotaId);
  }
}
