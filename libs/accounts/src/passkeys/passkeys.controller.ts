import { Body, Controller, Delete, Get, HttpCode, Inject, Param, ParseUUIDPipe, Post, Req, Res } from '@nestjs/common';
import { ApiCreatedResponse, ApiNoContentResponse, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { Authenticated, CurrentPrincipal, Public, readCookies, type Principal } from '@farmhand/authz';
import { APP_CONFIG, ApiErrors, DomainException, type AppConfig } from '@farmhand/core';
import type { Request, Response } from 'express';
import { asUser } from '../auth.controller';
import { AuthService, SESSION_COOKIE, SIGN_IN_CHALLENGE_COOKIE, type SignedIn } from '../auth.service';
import { SignedInDto } from '../dto/account-responses.dto';
import { PasskeyAssertionDto, PasskeyDto, RegisterPasskeyDto, RemovePasskeyDto } from './passkeys.dto';
import { PASSKEY_CHALLENGE_TTL_SECONDS, PasskeysService } from './passkeys.service';

/** Ties a "sign in with a passkey" ceremony to the browser that started it; sent back to that route only. */
export const PASSKEY_BINDING_COOKIE = 'fh_passkey';
const PASSKEY_COOKIE_PATH = '/api/auth/sign-in/passkey';
const OPTIONS_RESPONSE = {
  schema: { type: 'object' as const, additionalProperties: true },
  description: 'WebAuthn options (JSON) for `@simplewebauthn/browser`; the challenge works once, for five minutes',
};

function cookie(request: Request, name: string): string | undefined {
  const header = request.headers.cookie;
  return readCookies(typeof header === 'string' ? header : undefined)[name];
}

/** The signed-in person's own passkeys (account page), and signing in with one. */
@ApiTags('auth')
@Controller('auth')
export class PasskeysController {
  constructor(
    private readonly passkeys: PasskeysService,
    private readonly auth: AuthService,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  @Get('passkeys')
  @Authenticated()
  @ApiOkResponse({ type: [PasskeyDto] })
  @ApiErrors({ 403: ['users_only'] })
  list(@CurrentPrincipal() principal: Principal) {
    return this.passkeys.list(asUser(principal));
  }

  @Post('passkeys/registration-options')
  @Authenticated()
  @HttpCode(200)
  @ApiOkResponse(OPTIONS_RESPONSE)
  @ApiErrors({ 403: ['users_only'], 409: ['too_many_passkeys'] })
  registrationOptions(@CurrentPrincipal() principal: Principal) {
    return this.passkeys.registrationOptions(asUser(principal));
  }

  @Post('passkeys')
  @Authenticated()
  @ApiCreatedResponse({ type: PasskeyDto, description: 'The passkey is registered (and logged)' })
  @ApiErrors({
    400: ['wrong_password', 'passkey_invalid', 'passkey_challenge_expired'],
    403: ['users_only'],
    409: ['passkey_exists'],
    429: ['too_many_attempts'],
  })
  register(@CurrentPrincipal() principal: Principal, @Body() body: RegisterPasskeyDto) {
    return this.passkeys.register(asUser(principal), body);
  }

  @Delete('passkeys/:passkeyId')
  @Authenticated()
  @HttpCode(204)
  @ApiNoContentResponse({ description: 'The passkey is removed (and logged)' })
  @ApiErrors({
    400: ['wrong_password'],
    403: ['users_only'],
    404: ['passkey_not_found'],
    409: ['two_factor_required'],
    429: ['too_many_attempts'],
  })
  async remove(
    @CurrentPrincipal() principal: Principal,
    @Param('passkeyId', ParseUUIDPipe) passkeyId: string,
    @Body() body: RemovePasskeyDto,
  ): Promise<void> {
    await this.passkeys.remove(asUser(principal), passkeyId, body);
  }

  /** The pending sign-in (password right) answered with a passkey: options for this account's passkeys. */
  @Post('sign-in/second-factor/passkey-options')
  @Public()
  @HttpCode(200)
  @ApiOkResponse(OPTIONS_RESPONSE)
  @ApiErrors({ 401: ['sign_in_expired'], 409: ['no_passkey'] })
  secondFactorOptions(@Req() request: Request) {
    return this.auth.passkeySecondFactorOptions(this.pendingSignIn(request));
  }

  @Post('sign-in/second-factor/passkey')
  @Public()
  @HttpCode(200)
  @ApiOkResponse({ type: SignedInDto, description: 'Signed in: the session cookie is set' })
  @ApiErrors({ 401: ['sign_in_expired', 'passkey_invalid'], 429: ['too_many_attempts'] })
  async secondFactor(
    @Body() body: PasskeyAssertionDto,
    @Req() request: Request,
    @Res({ passthrough: true }) response: Response,
  ) {
    const result = await this.auth.signInSecondFactorPasskey(
      this.pendingSignIn(request),
      body.response,
      request.headers['user-agent'],
    );
    response.clearCookie(SIGN_IN_CHALLENGE_COOKIE, {
      path: '/api/auth',
      httpOnly: true,
      sameSite: 'strict',
      secure: this.config.COOKIE_SECURE,
    });
    return this.signedIn(response, result);
  }

  /** "Sign in with a passkey": options naming no account (discoverable credentials). */
  @Post('sign-in/passkey/options')
  @Public()
  @HttpCode(200)
  @ApiOkResponse(OPTIONS_RESPONSE)
  @ApiErrors()
  async signInOptions(@Res({ passthrough: true }) response: Response) {
    const { options, binding } = await this.passkeys.signInOptions();
    response.cookie(PASSKEY_BINDING_COOKIE, binding, {
      httpOnly: true,
      sameSite: 'strict',
      secure: this.config.COOKIE_SECURE,
      path: PASSKEY_COOKIE_PATH,
      maxAge: PASSKEY_CHALLENGE_TTL_SECONDS * 1000,
    });
    return options;
  }

  @Post('sign-in/passkey')
  @Public()
  @HttpCode(200)
  @ApiOkResponse({ type: SignedInDto, description: 'Signed in: the session cookie is set' })
  @ApiErrors({ 401: ['passkey_invalid'], 403: ['sso_required'], 429: ['too_many_attempts'] })
  async signIn(
    @Body() body: PasskeyAssertionDto,
    @Req() request: Request,
    @Res({ passthrough: true }) response: Response,
  ) {
    const binding = cookie(request, PASSKEY_BINDING_COOKIE);
    response.clearCookie(PASSKEY_BINDING_COOKIE, {
      path: PASSKEY_COOKIE_PATH,
      httpOnly: true,
      sameSite: 'strict',
      secure: this.config.COOKIE_SECURE,
    });
    if (!binding) throw DomainException.unauthorized('passkey_invalid', 'Start signing in with the passkey again');
    const result = await this.auth.signInWithPasskey(binding, body.response, request.headers['user-agent']);
    return this.signedIn(response, result);
  }

  private pendingSignIn(request: Request): string {
    const token = cookie(request, SIGN_IN_CHALLENGE_COOKIE);
    if (!token) throw DomainException.unauthorized('sign_in_expired', 'Sign in again with your password');
    return token;
  }

  private signedIn(response: Response, signedIn: SignedIn) {
    response.cookie(SESSION_COOKIE, signedIn.sessionToken, {
      httpOnly: true,
      sameSite: 'lax',
      secure: this.config.COOKIE_SECURE,
      path: '/',
      expires: signedIn.expiresAt,
    });
    return { user: signedIn.user, secondFactorRequired: false };
  }
}
