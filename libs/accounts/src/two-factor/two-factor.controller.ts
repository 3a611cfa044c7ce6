import { Body, Controller, Get, HttpCode, Param, ParseUUIDPipe, Post, Put, Req } from '@nestjs/common';
import { ApiNoContentResponse, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import {
  Authenticated,
  CheckPolicies,
  CurrentPrincipal,
  type AuthorizedRequest,
  type Principal,
} from '@farmhand/authz';
import { ApiErrors } from '@farmhand/core';
import { asUser } from '../auth.controller';
import { OrganizationSecurityService } from './organization-security.service';
import {
  ConfirmTotpDto,
  DisableTwoFactorDto,
  OrganizationSecurityDto,
  OrganizationSecuritySettingsDto,
  PasswordConfirmationDto,
  RecoveryCodesDto,
  TotpEnrolmentDto,
  TwoFactorStatusDto,
} from './two-factor.dto';
import { TwoFactorService } from './two-factor.service';

/** The signed-in person's own second factor (account page). */
@ApiTags('auth')
@Controller('auth/two-factor')
export class TwoFactorController {
  constructor(private readonly twoFactor: TwoFactorService) {}

  @Get()
  @Authenticated()
  @ApiOkResponse({ type: TwoFactorStatusDto })
  @ApiErrors({ 403: ['users_only'] })
  status(@CurrentPrincipal() principal: Principal) {
    return this.twoFactor.status(asUser(principal));
  }

  @Post('totp')
  @Authenticated()
  @HttpCode(200)
  @ApiOkResponse({ type: TotpEnrolmentDto, description: 'A new secret, waiting for its first code' })
  @ApiErrors({ 403: ['users_only'], 409: ['two_factor_enabled'] })
  startEnrolment(@CurrentPrincipal() principal: Principal) {
    return this.twoFactor.startEnrolment(asUser(principal));
  }

  @Post('totp/confirm')
  @Authenticated()
  @HttpCode(200)
  @ApiOkResponse({ type: RecoveryCodesDto, description: 'Two-factor sign-in is on; the recovery codes, once' })
  @ApiErrors({
    400: ['invalid_code', 'wrong_password'],
    403: ['users_only'],
    409: ['no_pending_enrolment'],
    429: ['too_many_attempts'],
  })
  confirmEnrolment(@CurrentPrincipal() principal: Principal, @Body() body: ConfirmTotpDto) {
    return this.twoFactor.confirmEnrolment(asUser(principal), body);
  }

  @Post('disable')
  @Authenticated()
  @HttpCode(204)
  @ApiNoContentResponse({ description: 'Two-factor sign-in is off; the recovery codes are gone' })
  @ApiErrors({
    400: ['invalid_code', 'wrong_password'],
    403: ['users_only'],
    409: ['two_factor_disabled'],
    429: ['too_many_attempts'],
  })
  async disable(@CurrentPrincipal() principal: Principal, @Body() body: DisableTwoFactorDto): Promise<void> {
    await this.twoFactor.disable(asUser(principal), body);
  }

  @Post('recovery-codes')
  @Authenticated()
  @HttpCode(200)
  @ApiOkResponse({ type: RecoveryCodesDto, description: 'New codes; the old ones stop working' })
  @ApiErrors({ 400: ['wrong_password'], 403: ['users_only'], 409: ['two_factor_disabled'], 429: ['too_many_attempts'] })
  regenerateRecoveryCodes(@CurrentPrincipal() principal: Principal, @Body() body: PasswordConfirmationDto) {
    return this.twoFactor.regenerateRecoveryCodes(asUser(principal), body);
  }
}

/** An organization's sign-in requirements (its settings page), audited. */
@ApiTags('organizations')
@Controller('orgs/:orgId/security')
export class OrganizationSecurityController {
  constructor(private readonly security: OrganizationSecurityService) {}

  @Get()
  @CheckPolicies(['read', 'Organization'])
  @ApiOkResponse({ type: OrganizationSecuritySettingsDto })
  @ApiErrors()
  get(@Param('orgId', ParseUUIDPipe) orgId: string) {
    return this.security.get(orgId);
  }

  @Put()
  @CheckPolicies(['update', 'Organization'])
  @ApiOkResponse({ type: OrganizationSecuritySettingsDto })
  @ApiErrors({ 403: ['owner_only', 'users_only'], 409: ['enrol_first'] })
  update(
    @Param('orgId', ParseUUIDPipe) orgId: string,
    @Body() body: OrganizationSecurityDto,
    @Req() request: AuthorizedRequest,
  ) {
    return this.security.update(request.principal!, orgId, body);
  }
}
