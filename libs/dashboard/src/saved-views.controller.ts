import { Body, Controller, Delete, Get, HttpCode, Param, ParseUUIDPipe, Post, Put, Req } from '@nestjs/common';
import { ApiCreatedResponse, ApiNoContentResponse, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { CheckPolicies, type AuthorizedRequest } from '@farmhand/authz';
import { ApiErrors } from '@farmhand/core';
import { SaveViewDto, SavedViewDto, SavedViewListDto } from './dto/saved-view.dto';
import { SavedViewsService } from './saved-views.service';

const OrgId = () => Param('orgId', ParseUUIDPipe);
const ViewId = () => Param('viewId', ParseUUIDPipe);

/** The printers grid's saved views (filters, sort, view mode): each person's own, per organization. */
@ApiTags('dashboard')
@Controller('orgs/:orgId/dashboard/views')
export class SavedViewsController {
  constructor(private readonly views: SavedViewsService) {}

  @Get()
  @CheckPolicies(['read', 'SavedView'])
  @ApiOkResponse({ type: SavedViewListDto })
  @ApiErrors()
  list(@OrgId() orgId: string, @Req() request: AuthorizedRequest): Promise<SavedViewListDto> {
    return this.views.list(request.principal!, orgId);
  }

  @Post()
  @CheckPolicies(['create', 'SavedView'])
  @ApiCreatedResponse({ type: SavedViewDto })
  @ApiErrors({ 400: ['invalid_view_query'], 409: ['saved_view_name_taken', 'saved_view_limit_reached'] })
  create(@OrgId() orgId: string, @Body() body: SaveViewDto, @Req() request: AuthorizedRequest): Promise<SavedViewDto> {
    return this.views.create(request.principal!, orgId, body);
  }

  @Put(':viewId')
  @CheckPolicies(['update', 'SavedView'])
  @ApiOkResponse({ type: SavedViewDto })
  @ApiErrors({ 400: ['invalid_view_query'], 404: ['saved_view_not_found'], 409: ['saved_view_name_taken'] })
  update(
    @OrgId() orgId: string,
    @ViewId() viewId: string,
    @Body() body: SaveViewDto,
    @Req() request: AuthorizedRequest,
  ): Promise<SavedViewDto> {
    return this.views.update(request.principal!, orgId, viewId, body);
  }

  @Delete(':viewId')
  @CheckPolicies(['delete', 'SavedView'])
  @HttpCode(204)
  @ApiNoContentResponse()
  @ApiErrors({ 404: ['saved_view_not_found'] })
  async delete(@OrgId() orgId: string, @ViewId() viewId: string, @Req() request: AuthorizedRequest): Promise<void> {
    await this.views.delete(request.principal!, orgId, viewId);
  }
}
