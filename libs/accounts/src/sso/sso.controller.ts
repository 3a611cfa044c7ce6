import {
  Body,
  Controller,
  Delete,
  Get,
  HttpCode,
  Inject,
  Param,
  ParseUUIDPipe,
  Put,
  Query,
  Req,
  Res,
} from '@nestjs/common';
import { ApiFoundResponse, ApiNoContentResponse, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { CheckPolicies, Public, type AuthorizedRequest } from '@farmhand/authz';
import { APP_CONFIG, ApiErrors, DomainException, type AppConfig } from '@farmhand/core';
import type { Request, Response } from 'express';
import { SESSION_COOKIE } from '../auth.service';
import { SsoProviderDto, SsoProviderHintDto } from './dto/sso-responses.dto';
import { FindSsoProviderDto, PutSsoProviderDto } from './dto/sso.dto';
import { SsoConfigService } from './sso-config.service';
import { SSO_STATE_TTL_SECONDS, SsoSignInService } from './sso-sign-in.service';

/** Ties a started sign-in to the browser that started it; sent back only to the sign-in routes. */
export const SSO_BINDING_COOKIE = 'fh_sso';
const SSO_COOKIE_PATH = '/api/auth/sso';

const ISSUER_ERRORS = [
  'sso_issuer_invalid',
  'sso_issuer_insecure',
  'sso_issuer_forbidden_address',
  'sso_issuer_private_address',
  'sso_discovery_failed',
  'sso_client_secret_required',
  'sso_group_roles_invalid',
  'sso_break_glass_not_owner',
  'invalid_fleets',
  'unknown_fleet',
];

/** The organization's OpenID Connect provider: owners only (`SsoProvider`). */
@ApiTags('sso')
@Controller('orgs/:orgId/sso')
export class SsoConfigController {
  constructor(private readonly config: SsoConfigService) {}

  @Get()
  @CheckPolicies(['read', 'SsoProvider'])
  @ApiOkResponse({ type: SsoProviderDto })
  @ApiErrors({ 404: ['sso_provider_not_found'] })
  get(@Param('orgId', ParseUUIDPipe) orgId: string) {
    return this.config.get(orgId);
  }

  @Put()
  @CheckPolicies(['update', 'SsoProvider'])
  @ApiOkResponse({ type: SsoProviderDto, description: 'Created or replaced; the client secret is never returned' })
  @ApiErrors({ 400: ISSUER_ERRORS, 409: ['sso_slug_taken'] })
  put(
    @Param('orgId', ParseUUIDPipe) orgId: string,
    @Body() body: PutSsoProviderDto,
    @Req() request: AuthorizedRequest,
  ) {
    return this.config.put(request.principal!, orgId, body);
  }

  @Delete()
  @CheckPolicies(['delete', 'SsoProvider'])
  @HttpCode(204)
  @ApiNoContentResponse()
  @ApiErrors({ 404: ['sso_provider_not_found'] })
  async delete(@Param('orgId', ParseUUIDPipe) orgId: string, @Req() request: AuthorizedRequest): Promise<void> {
    await this.config.delete(request.principal!, orgId);
  }
}

/**
 * Signing in through a provider. `start` and `callback` are browser navigations (redirects), not API calls: a
 * refusal sends the browser back to the sign-in page with `?sso_error=<code>`.
 */
@ApiTags('auth')
@Controller('auth/sso')
export class SsoSignInController {
  constructor(
    private readonly signIn: SsoSignInService,
    @Inject(APP_CONFIG) private readonly appConfig: AppConfig,
  ) {}

  @Get('providers')
  @Public()
  @ApiOkResponse({ type: SsoProviderHintDto })
  @ApiErrors({ 404: ['sso_provider_not_found'] })
  find(@Query() query: FindSsoProviderDto) {
    return this.signIn.find(query.q);
  }

  @Get('providers/:slug')
  @Public()
  @ApiOkResponse({ type: SsoProviderHintDto })
  @ApiErrors({ 404: ['sso_provider_not_found'] })
  hint(@Param('slug') slug: string) {
    return this.signIn.hintForSlug(slug);
  }

  @Get(':slug/start')
  @Public()
  @ApiFoundResponse({ description: "A redirect to the provider's authorization endpoint" })
  @ApiErrors({ 404: ['sso_provider_not_found'], 429: ['too_many_attempts'], 503: ['sso_provider_unavailable'] })
  async start(@Param('slug') slug: string, @Res() response: Response): Promise<void> {
    const { url, binding } = await this.signIn.start(slug);
    response.cookie(SSO_BINDING_COOKIE, binding, {
      httpOnly: true,
      // Lax: sent on the provider's top-level redirect back to the callback, never on cross-site subrequests.
      sameSite: 'lax',
      secure: this.appConfig.COOKIE_SECURE,
      path: SSO_COOKIE_PATH,
      maxAge: SSO_STATE_TTL_SECONDS * 1000,
    });
    redirect(response, url);
  }

  @Get('callback')
  @Public()
  @ApiFoundResponse({
    description:
      'Signed in: the session cookie is set and the browser goes to the dashboard. Refused: back to the sign-in ' +
      'page with `?sso_error=` one of sso_state_invalid, sso_refused, sso_token_invalid, sso_email_missing, ' +
      'sso_email_unverified, sso_domain_not_allowed, sso_no_role, sso_misconfigured, sso_provider_not_found, ' +
      'sso_provider_unavailable, sso_retry, sso_account_exists',
  })
  @ApiErrors()
  async callback(@Req() request: Request, @Res() response: Response): Promise<void> {
    const rawQuery = request.originalUrl.includes('?')
      ? request.originalUrl.slice(request.originalUrl.indexOf('?') + 1)
      : '';
    const binding = cookieFrom(request, SSO_BINDING_COOKIE);
    response.clearCookie(SSO_BINDING_COOKIE, { path: SSO_COOKIE_PATH, httpOnly: true, sameSite: 'lax' });
    try {
      const signedIn = await this.signIn.callback(
        rawQuery,
        binding,
        request.headers['user-agent'],
        cookieFrom(request, SESSION_COOKIE),
      );
      response.cookie(SESSION_COOKIE, signedIn.sessionToken, {
        httpOnly: true,
        sameSite: 'lax',
        secure: this.appConfig.COOKIE_SECURE,
        path: '/',
        expires: signedIn.expiresAt,
      });
      redirect(response, `/orgs/${signedIn.orgId}/printers`);
    } catch (error) {
      if (!(error instanceof DomainException)) throw error;
      redirect(response, `/sign-in?sso_error=${encodeURIComponent(error.code)}`);
    }
  }
}

/** A bare 302: the contract declares no body for it (Express's `redirect` writes one). */
function redirect(response: Response, location: string): void {
  response.status(302).setHeader('location', location);
  response.end();
}

/** A cookie from the raw header (the api reads cookies itself; no cookie-parser middleware). */
function cookieFrom(request: Request, name: string): string | undefined {
  const header = request.headers.cookie ?? '';
  for (const part of header.split(';')) {
    const index = part.indexOf('=');
    if (index > 0 && part.slice(0, index).trim() === name) return part.slice(index + 1).trim();
  }
  return undefined;
}
