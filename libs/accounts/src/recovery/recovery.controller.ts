import { Body, Controller, HttpCode, Inject, Param, ParseUUIDPipe, Post, Req } from '@nestjs/common';
import { ApiAcceptedResponse, ApiCreatedResponse, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import {
  Authenticated,
  CheckPolicies,
  CurrentPrincipal,
  Public,
  type AuthorizedRequest,
  type Principal,
} from '@farmhand/authz';
import { ApiErrors, LOGGER } from '@farmhand/core';
import type { Logger } from 'pino';
import { asUser } from '../auth.controller';
import { EmailVerificationService } from './email-verification.service';
import { PasswordResetService } from './password-reset.service';
import {
  CheckEmailDto,
  EmailVerifiedDto,
  PasswordResetDoneDto,
  RequestPasswordResetDto,
  ResetLinkDto,
  ResetPasswordDto,
  VerificationSentDto,
  VerifyEmailDto,
} from './recovery.dto';

@ApiTags('auth')
@Controller()
export class RecoveryController {
  constructor(
    private readonly passwordReset: PasswordResetService,
    private readonly verification: EmailVerificationService,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {}

  @Post('auth/password-reset/request')
  @Public()
  @HttpCode(202)
  @ApiAcceptedResponse({ type: CheckEmailDto, description: 'The same whether or not the address has an account' })
  @ApiErrors({ 429: ['too_many_attempts'] })
  async requestReset(@Body() body: RequestPasswordResetDto) {
    await this.passwordReset.requestReset(body.email, this.logger);
    return { status: 'check_email' as const };
  }

  @Post('auth/password-reset')
  @Public()
  @HttpCode(200)
  @ApiOkResponse({ type: PasswordResetDoneDto, description: 'The password is set; every session is ended' })
  @ApiErrors({ 400: ['invalid_token', 'weak_password', 'password_too_long'] })
  reset(@Body() body: ResetPasswordDto) {
    return this.passwordReset.reset(body.token, body.newPassword);
  }

  @Post('auth/verify-email')
  @Public()
  @HttpCode(200)
  @ApiOkResponse({ type: EmailVerifiedDto })
  @ApiErrors({ 400: ['invalid_token'] })
  verify(@Body() body: VerifyEmailDto) {
    return this.verification.verify(body.token);
  }

  @Post('auth/verify-email/resend')
  @Authenticated()
  @HttpCode(200)
  @ApiOkResponse({ type: VerificationSentDto })
  @ApiErrors({ 403: ['users_only'], 429: ['too_many_attempts'] })
  resend(@CurrentPrincipal() principal: Principal) {
    return this.verification.resend(asUser(principal));
  }

  /** Without SMTP: an owner makes a reset link for a member and hands it over (audited). */
  @Post('orgs/:orgId/members/:memberId/password-reset-link')
  @CheckPolicies(['update', 'Member'])
  @ApiCreatedResponse({ type: ResetLinkDto })
  @ApiErrors({
    403: ['owner_only', 'member_of_other_organizations', 'users_only'],
    404: ['member_not_found'],
    409: ['email_reset_available', 'own_account'],
  })
  createResetLink(
    @Param('orgId', ParseUUIDPipe) orgId: string,
    @Param('memberId', ParseUUIDPipe) memberId: string,
    @Req() request: AuthorizedRequest,
  ) {
    return this.passwordReset.createLinkForMember(asUser(request.principal!), orgId, memberId);
  }
}
