import {
  Body,
  Controller,
  Delete,
  Get,
  HttpCode,
  Inject,
  Param,
  ParseUUIDPipe,
  Patch,
  Post,
  Req,
  Res,
} from '@nestjs/common';
import { ApiAcceptedResponse, ApiNoContentResponse, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import {
  Authenticated,
  CurrentPrincipal,
  Public,
  readCookies,
  type Principal,
  type UserPrincipal,
} from '@farmhand/authz';
import { APP_CONFIG, ApiErrors, DomainException, type AppConfig } from '@farmhand/core';
import type { Request, Response } from 'express';
import { AuthService, SESSION_COOKIE, SIGN_IN_CHALLENGE_COOKIE, type SignedIn } from './auth.service';
import {
  MeDto,
  PasswordChangedDto,
  ProfileDto,
  SessionDto,
  SessionsEndedDto,
  SignedInDto,
  SignedUpDto,
} from './dto/account-responses.dto';
import { ChangePasswordDto, SecondFactorDto, SignInDto, SignUpDto, UpdateProfileDto } from './dto/auth.dto';
import { OrganizationsService } from './organizations.service';
import { ProfileService } from './profile.service';

function asUser(principal: Principal): UserPrincipal {
  if (principal.kind !== 'user') throw DomainException.forbidden('users_only', 'Only a signed-in user can do this');
  return principal;
}

@ApiTags('auth')
@Controller('auth')
export class AuthController {
  constructor(
    private readonly auth: AuthService,
    private readonly organizations: OrganizationsService,
    private readonly profiles: ProfileService,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  /** The same answer whether or not the address has an account; the person signs in next (docs/security.md). */
  @Post('sign-up')
  @Public()
  @HttpCode(202)
  @ApiAcceptedResponse({ type: SignedUpDto, description: 'Check your email (when verification is on), then sign in' })
  @ApiErrors({ 400: ['weak_password', 'password_too_long'], 429: ['too_many_attempts'] })
  signUp(@Body() body: SignUpDto) {
    return this.auth.signUp(body);
  }

  @Post('sign-in')
  @Public()
  @HttpCode(200)
  @ApiOkResponse({
    type: SignedInDto,
    description:
      'Signed in (the session cookie is set), or `secondFactorRequired` (a short pending cookie is set): send a code to /auth/sign-in/second-factor',
  })
  @ApiErrors({ 401: ['invalid_credentials'], 429: ['too_many_attempts'] })
  async signIn(@Body() body: SignInDto, @Req() request: Request, @Res({ passthrough: true }) response: Response) {
    const result = await this.auth.signIn(body, request.headers['user-agent']);
    if ('secondFactorRequired' in result) {
      response.cookie(SIGN_IN_CHALLENGE_COOKIE, result.challengeToken, {
        httpOnly: true,
        sameSite: 'strict',
        secure: this.config.COOKIE_SECURE,
        path: '/api/auth',
        expires: result.expiresAt,
      });
      return { user: null, secondFactorRequired: true };
    }
    this.setCookie(response, result);
    return { user: result.user, secondFactorRequired: false };
  }

  @Post('sign-in/second-factor')
  @Public()
  @HttpCode(200)
  @ApiOkResponse({ type: SignedInDto, description: 'Signed in: the session cookie is set' })
  @ApiErrors({ 401: ['sign_in_expired', 'invalid_code'], 429: ['too_many_attempts'] })
  async signInSecondFactor(
    @Body() body: SecondFactorDto,
    @Req() request: Request,
    @Res({ passthrough: true }) response: Response,
  ) {
    const cookieHeader = request.headers.cookie;
    const token = readCookies(typeof cookieHeader === 'string' ? cookieHeader : undefined)[SIGN_IN_CHALLENGE_COOKIE];
    if (!token) throw DomainException.unauthorized('sign_in_expired', 'Sign in again with your password');
    const result = await this.auth.signInSecondFactor(token, body.code, request.headers['user-agent']);
    response.clearCookie(SIGN_IN_CHALLENGE_COOKIE, {
      path: '/api/auth',
      httpOnly: true,
      sameSite: 'strict',
      secure: this.config.COOKIE_SECURE,
    });
    this.setCookie(response, result);
    return { user: result.user, secondFactorRequired: false };
  }

  @Post('sign-out')
  @Authenticated()
  @HttpCode(204)
  @ApiNoContentResponse({ description: 'The session is revoked and its cookie cleared' })
  @ApiErrors({ 403: ['users_only'] })
  async signOut(
    @CurrentPrincipal() principal: Principal,
    @Res({ passthrough: true }) response: Response,
  ): Promise<void> {
    await this.auth.signOut(asUser(principal));
    response.clearCookie(SESSION_COOKIE, {
      path: '/',
      httpOnly: true,
      sameSite: 'lax',
      secure: this.config.COOKIE_SECURE,
    });
  }

  @Get('me')
  @Authenticated()
  @ApiOkResponse({ type: MeDto })
  @ApiErrors({ 403: ['users_only'] })
  async me(@CurrentPrincipal() principal: Principal) {
    const user = asUser(principal);
    return { user: { id: user.userId, email: user.email }, organizations: await this.organizations.listMine(user) };
  }

  /** The account page: the signed-in user's own details. */
  @Get('profile')
  @Authenticated()
  @ApiOkResponse({ type: ProfileDto })
  @ApiErrors({ 403: ['users_only'] })
  profile(@CurrentPrincipal() principal: Principal) {
    return this.profiles.profile(asUser(principal));
  }

  @Patch('profile')
  @Authenticated()
  @ApiOkResponse({ type: ProfileDto })
  @ApiErrors({ 400: ['invalid_display_name'], 403: ['users_only'] })
  updateProfile(@CurrentPrincipal() principal: Principal, @Body() body: UpdateProfileDto) {
    return this.profiles.updateProfile(asUser(principal), body);
  }

  /** Needs the current password; every other session of the account ends. */
  @Post('password')
  @Authenticated()
  @HttpCode(200)
  @ApiOkResponse({ type: PasswordChangedDto })
  @ApiErrors({
    400: ['wrong_password', 'weak_password', 'password_too_long'],
    403: ['users_only'],
    429: ['too_many_attempts'],
  })
  changePassword(@CurrentPrincipal() principal: Principal, @Body() body: ChangePasswordDto) {
    return this.profiles.changePassword(asUser(principal), body);
  }

  @Get('sessions')
  @Authenticated()
  @ApiOkResponse({ type: [SessionDto], description: 'The live sessions of the signed-in user' })
  @ApiErrors({ 403: ['users_only'] })
  sessions(@CurrentPrincipal() principal: Principal) {
    return this.auth.listSessions(asUser(principal));
  }

  @Delete('sessions')
  @Authenticated()
  @HttpCode(200)
  @ApiOkResponse({ type: SessionsEndedDto, description: 'Every other session of the signed-in user is ended' })
  @ApiErrors({ 403: ['users_only'] })
  revokeOtherSessions(@CurrentPrincipal() principal: Principal) {
    return this.auth.revokeOtherSessions(asUser(principal));
  }

  @Delete('sessions/:sessionId')
  @Authenticated()
  @HttpCode(204)
  @ApiNoContentResponse()
  @ApiErrors({ 403: ['users_only'], 404: ['session_not_found'] })
  async revokeSession(
    @CurrentPrincipal() principal: Principal,
    @Param('sessionId', ParseUUIDPipe) sessionId: string,
  ): Promise<void> {
    await this.auth.revokeSession(asUser(principal), sessionId);
  }

  private setCookie(response: Response, signedIn: SignedIn): void {
    response.cookie(SESSION_COOKIE, signedIn.sessionToken, {
      httpOnly: true,
      sameSite: 'lax',
      secure: this.config.COOKIE_SECURE,
      path: '/',
      expires: signedIn.expiresAt,
    });
  }
}

export { asUser };
