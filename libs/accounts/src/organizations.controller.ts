import { Body, Controller, Delete, Get, HttpCode, Param, ParseUUIDPipe, Patch, Post, Req } from '@nestjs/common';
import { ApiCreatedResponse, ApiNoContentResponse, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import {
  Authenticated,
  CheckPolicies,
  CurrentPrincipal,
  Public,
  type AuthorizedRequest,
  type Principal,
} from '@farmhand/authz';
import { ApiErrors } from '@farmhand/core';
import { ApiKeysService } from './api-keys.service';
import { asUser } from './auth.controller';
import {
  AcceptedInvitationDto,
  ApiKeyDto,
  CreatedApiKeyDto,
  CreatedInvitationDto,
  CreatedOrganizationDto,
  FleetDto,
  InvitationDto,
  InvitationPreviewDto,
  MemberDto,
  MembershipDto,
  OrganizationDto,
  OrganizationMembershipDto,
} from './dto/account-responses.dto';
import {
  AcceptInvitationDto,
  CreateApiKeyDto,
  CreateFleetDto,
  CreateInvitationDto,
  CreateOrganizationDto,
  UpdateFleetDto,
  UpdateMemberDto,
  UpdateOrganizationDto,
} from './dto/organization.dto';
import { FleetsService } from './fleets.service';
import { InvitationsService } from './invitations.service';
import { MembersService } from './members.service';
import { OrganizationsService } from './organizations.service';

const OrgId = () => Param('orgId', ParseUUIDPipe);

@ApiTags('organizations')
@Controller('orgs')
export class OrganizationsController {
  constructor(
    private readonly organizations: OrganizationsService,
    private readonly members: MembersService,
  ) {}

  @Get()
  @Authenticated()
  @ApiOkResponse({ type: [OrganizationMembershipDto], description: 'The organizations the caller belongs to' })
  @ApiErrors({ 403: ['users_only'] })
  list(@CurrentPrincipal() principal: Principal) {
    return this.organizations.listMine(asUser(principal));
  }

  @Post()
  @Authenticated()
  @ApiCreatedResponse({ type: CreatedOrganizationDto })
  @ApiErrors({ 403: ['users_only'] })
  create(@CurrentPrincipal() principal: Principal, @Body() body: CreateOrganizationDto) {
    return this.organizations.create(asUser(principal), body.name);
  }

  @Get(':orgId')
  @CheckPolicies(['read', 'Organization'])
  @ApiOkResponse({ type: OrganizationDto })
  @ApiErrors()
  get(@OrgId() orgId: string) {
    return this.organizations.get(orgId);
  }

  @Patch(':orgId')
  @CheckPolicies(['update', 'Organization'])
  @ApiOkResponse({ type: OrganizationDto })
  @ApiErrors()
  rename(@OrgId() orgId: string, @Body() body: UpdateOrganizationDto, @Req() request: AuthorizedRequest) {
    return this.organizations.rename(request.principal!, request.ability!, orgId, body.name);
  }

  @Delete(':orgId')
  @CheckPolicies(['delete', 'Organization'])
  @HttpCode(204)
  @ApiNoContentResponse({ description: 'The organization and everything it owns are deleted' })
  @ApiErrors()
  async delete(@OrgId() orgId: string, @Req() request: AuthorizedRequest): Promise<void> {
    await this.organizations.delete(request.principal!, request.ability!, orgId);
  }

  @Get(':orgId/members')
  @CheckPolicies(['read', 'Member'])
  @ApiOkResponse({ type: [MemberDto] })
  @ApiErrors()
  listMembers(@OrgId() orgId: string) {
    return this.members.list(orgId);
  }

  @Patch(':orgId/members/:memberId')
  @CheckPolicies(['update', 'Member'])
  @ApiOkResponse({ type: MembershipDto })
  @ApiErrors({
    400: ['invalid_fleets', 'unknown_fleet'],
    403: ['owner_only', 'role_not_grantable'],
    404: ['member_not_found'],
    409: ['last_owner'],
  })
  updateMember(
    @OrgId() orgId: string,
    @Param('memberId', ParseUUIDPipe) memberId: string,
    @Body() body: UpdateMemberDto,
    @Req() request: AuthorizedRequest,
  ) {
    return this.members.update(request.principal!, request.ability!, orgId, memberId, body);
  }

  @Delete(':orgId/members/:memberId')
  @CheckPolicies(['delete', 'Member'])
  @HttpCode(204)
  @ApiNoContentResponse()
  @ApiErrors({ 403: ['owner_only'], 404: ['member_not_found'], 409: ['last_owner'] })
  async removeMember(
    @OrgId() orgId: string,
    @Param('memberId', ParseUUIDPipe) memberId: string,
    @Req() request: AuthorizedRequest,
  ): Promise<void> {
    await this.members.remove(request.principal!, request.ability!, orgId, memberId);
  }

  @Post(':orgId/leave')
  @CheckPolicies(['read', 'Organization'])
  @HttpCode(204)
  @ApiNoContentResponse({ description: 'The caller is no longer a member' })
  @ApiErrors({ 403: ['users_only'], 404: ['member_not_found'], 409: ['last_owner'] })
  async leave(@OrgId() orgId: string, @CurrentPrincipal() principal: Principal): Promise<void> {
    await this.members.leave(asUser(principal), orgId);
  }
}

@ApiTags('invitations')
@Controller()
export class InvitationsController {
  constructor(private readonly invitations: InvitationsService) {}

  @Get('orgs/:orgId/invitations')
  @CheckPolicies(['read', 'Invitation'])
  @ApiOkResponse({ type: [InvitationDto], description: 'Pending invitations, newest first' })
  @ApiErrors()
  list(@OrgId() orgId: string) {
    return this.invitations.listPending(orgId);
  }

  @Post('orgs/:orgId/invitations')
  @CheckPolicies(['create', 'Invitation'])
  @ApiCreatedResponse({ type: CreatedInvitationDto })
  @ApiErrors({ 400: ['invalid_fleets', 'unknown_fleet'], 403: ['role_not_grantable'] })
  create(@OrgId() orgId: string, @Body() body: CreateInvitationDto, @CurrentPrincipal() principal: Principal) {
    return this.invitations.create(principal, orgId, body);
  }

  @Delete('orgs/:orgId/invitations/:invitationId')
  @CheckPolicies(['delete', 'Invitation'])
  @HttpCode(204)
  @ApiNoContentResponse()
  @ApiErrors({ 404: ['invitation_not_found'] })
  async revoke(
    @OrgId() orgId: string,
    @Param('invitationId', ParseUUIDPipe) invitationId: string,
    @CurrentPrincipal() principal: Principal,
  ): Promise<void> {
    await this.invitations.revoke(principal, orgId, invitationId);
  }

  @Get('invitations/:token')
  @Public()
  @ApiOkResponse({ type: InvitationPreviewDto, description: 'What the invitation page shows before accepting' })
  @ApiErrors({ 404: ['invitation_not_found'], 410: ['invitation_used'] })
  preview(@Param('token') token: string) {
    return this.invitations.preview(token);
  }

  @Post('invitations/accept')
  @Authenticated()
  @ApiCreatedResponse({ type: AcceptedInvitationDto })
  @ApiErrors({
    403: ['invitation_email_mismatch', 'users_only'],
    404: ['invitation_not_found'],
    409: ['already_member'],
    410: ['invitation_used'],
  })
  accept(@Body() body: AcceptInvitationDto, @CurrentPrincipal() principal: Principal) {
    return this.invitations.accept(asUser(principal), body.token);
  }
}

@ApiTags('fleets')
@Controller('orgs/:orgId/fleets')
export class FleetsController {
  constructor(private readonly fleets: FleetsService) {}

  @Get()
  @CheckPolicies(['read', 'Fleet'])
  @ApiOkResponse({ type: [FleetDto], description: 'The fleets the caller may read, by name' })
  @ApiErrors()
  list(@OrgId() orgId: string, @Req() request: AuthorizedRequest) {
    return this.fleets.list(request.ability!, orgId);
  }

  @Post()
  @CheckPolicies(['create', 'Fleet'])
  @ApiCreatedResponse({ type: FleetDto })
  @ApiErrors({ 409: ['fleet_name_taken'] })
  create(@OrgId() orgId: string, @Body() body: CreateFleetDto, @CurrentPrincipal() principal: Principal) {
    return this.fleets.create(principal, orgId, body);
  }

  @Get(':fleetId')
  @CheckPolicies(['read', 'Fleet'])
  @ApiOkResponse({ type: FleetDto })
  @ApiErrors({ 404: ['fleet_not_found'] })
  get(@OrgId() orgId: string, @Param('fleetId', ParseUUIDPipe) fleetId: string, @Req() request: AuthorizedRequest) {
    return this.fleets.get(request.ability!, orgId, fleetId);
  }

  @Patch(':fleetId')
  @CheckPolicies(['update', 'Fleet'])
  @ApiOkResponse({ type: FleetDto })
  @ApiErrors({ 404: ['fleet_not_found'], 409: ['fleet_name_taken'] })
  update(
    @OrgId() orgId: string,
    @Param('fleetId', ParseUUIDPipe) fleetId: string,
    @Body() body: UpdateFleetDto,
    @Req() request: AuthorizedRequest,
  ) {
    return this.fleets.update(request.principal!, request.ability!, orgId, fleetId, body);
  }

  @Delete(':fleetId')
  @CheckPolicies(['delete', 'Fleet'])
  @HttpCode(204)
  @ApiNoContentResponse()
  @ApiErrors({ 404: ['fleet_not_found'], 409: ['fleet_not_empty'] })
  async delete(
    @OrgId() orgId: string,
    @Param('fleetId', ParseUUIDPipe) fleetId: string,
    @Req() request: AuthorizedRequest,
  ): Promise<void> {
    await this.fleets.delete(request.principal!, request.ability!, orgId, fleetId);
  }
}

@ApiTags('api-keys')
@Controller('orgs/:orgId/api-keys')
export class ApiKeysController {
  constructor(private readonly keys: ApiKeysService) {}

  @Get()
  @CheckPolicies(['read', 'ApiKey'])
  @ApiOkResponse({ type: [ApiKeyDto], description: 'Every key of the organization, revoked ones too, newest first' })
  @ApiErrors()
  list(@OrgId() orgId: string) {
    return this.keys.list(orgId);
  }

  @Post()
  @CheckPolicies(['create', 'ApiKey'])
  @ApiCreatedResponse({ type: CreatedApiKeyDto })
  @ApiErrors({ 400: ['invalid_expiry', 'invalid_fleets', 'scope_needs_every_fleet', 'unknown_fleet'] })
  create(@OrgId() orgId: string, @Body() body: CreateApiKeyDto, @CurrentPrincipal() principal: Principal) {
    return this.keys.create(principal, orgId, body);
  }

  @Delete(':keyId')
  @CheckPolicies(['delete', 'ApiKey'])
  @HttpCode(204)
  @ApiNoContentResponse()
  @ApiErrors({ 404: ['api_key_not_found'] })
  async revoke(
    @OrgId() orgId: string,
    @Param('keyId', ParseUUIDPipe) keyId: string,
    @CurrentPrincipal() principal: Principal,
  ): Promise<void> {
    await this.keys.revoke(principal, orgId, keyId);
  }
}
