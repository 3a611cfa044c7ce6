import { Body, Controller, Delete, Get, HttpCode, Param, ParseUUIDPipe, Patch, Post, Req } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import {
  Authenticated,
  CheckPolicies,
  CurrentPrincipal,
  Public,
  type AuthorizedRequest,
  type Principal,
} from '@farmhand/authz';
import { ApiKeysService } from './api-keys.service';
import { asUser } from './auth.controller';
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
  list(@CurrentPrincipal() principal: Principal) {
    return this.organizations.listMine(asUser(principal));
  }

  @Post()
  @Authenticated()
  create(@CurrentPrincipal() principal: Principal, @Body() body: CreateOrganizationDto) {
    return this.organizations.create(asUser(principal), body.name);
  }

  @Get(':orgId')
  @CheckPolicies(['read', 'Organization'])
  get(@OrgId() orgId: string) {
    return this.organizations.get(orgId);
  }

  @Patch(':orgId')
  @CheckPolicies(['update', 'Organization'])
  rename(@OrgId() orgId: string, @Body() body: UpdateOrganizationDto, @Req() request: AuthorizedRequest) {
    return this.organizations.rename(request.principal!, request.ability!, orgId, body.name);
  }

  @Delete(':orgId')
  @CheckPolicies(['delete', 'Organization'])
  @HttpCode(204)
  async delete(@OrgId() orgId: string, @Req() request: AuthorizedRequest): Promise<void> {
    await this.organizations.delete(request.principal!, request.ability!, orgId);
  }

  @Get(':orgId/members')
  @CheckPolicies(['read', 'Member'])
  listMembers(@OrgId() orgId: string) {
    return this.members.list(orgId);
  }

  @Patch(':orgId/members/:memberId')
  @CheckPolicies(['update', 'Member'])
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
  list(@OrgId() orgId: string) {
    return this.invitations.listPending(orgId);
  }

  @Post('orgs/:orgId/invitations')
  @CheckPolicies(['create', 'Invitation'])
  create(@OrgId() orgId: string, @Body() body: CreateInvitationDto, @CurrentPrincipal() principal: Principal) {
    return this.invitations.create(principal, orgId, body);
  }

  @Delete('orgs/:orgId/invitations/:invitationId')
  @CheckPolicies(['delete', 'Invitation'])
  @HttpCode(204)
  async revoke(
    @OrgId() orgId: string,
    @Param('invitationId', ParseUUIDPipe) invitationId: string,
    @CurrentPrincipal() principal: Principal,
  ): Promise<void> {
    await this.invitations.revoke(principal, orgId, invitationId);
  }

  @Get('invitations/:token')
  @Public()
  preview(@Param('token') token: string) {
    return this.invitations.preview(token);
  }

  @Post('invitations/accept')
  @Authenticated()
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
  list(@OrgId() orgId: string, @CurrentPrincipal() principal: Principal) {
    return this.fleets.list(principal, orgId);
  }

  @Post()
  @CheckPolicies(['create', 'Fleet'])
  create(@OrgId() orgId: string, @Body() body: CreateFleetDto, @CurrentPrincipal() principal: Principal) {
    return this.fleets.create(principal, orgId, body);
  }

  @Get(':fleetId')
  @CheckPolicies(['read', 'Fleet'])
  get(@OrgId() orgId: string, @Param('fleetId', ParseUUIDPipe) fleetId: string, @Req() request: AuthorizedRequest) {
    return this.fleets.get(request.ability!, orgId, fleetId);
  }

  @Patch(':fleetId')
  @CheckPolicies(['update', 'Fleet'])
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
  list(@OrgId() orgId: string) {
    return this.keys.list(orgId);
  }

  @Post()
  @CheckPolicies(['create', 'ApiKey'])
  create(@OrgId() orgId: string, @Body() body: CreateApiKeyDto, @CurrentPrincipal() principal: Principal) {
    return this.keys.create(principal, orgId, body);
  }

  @Delete(':keyId')
  @CheckPolicies(['delete', 'ApiKey'])
  @HttpCode(204)
  async revoke(
    @OrgId() orgId: string,
    @Param('keyId', ParseUUIDPipe) keyId: string,
    @CurrentPrincipal() principal: Principal,
  ): Promise<void> {
    await this.keys.revoke(principal, orgId, keyId);
  }
}
