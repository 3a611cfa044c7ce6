import { Body, Controller, Delete, Get, HttpCode, Inject, Param, ParseUUIDPipe, Post, Req, Res } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import { Authenticated, CurrentPrincipal, Public, type Principal, type UserPrincipal } from '@farmhand/authz';
import { APP_CONFIG, DomainException, type AppConfig } from '@farmhand/core';
import type { Request, Response } from 'express';
import { AuthService, SESSION_COOKIE, type SignedIn } from './auth.service';
import { SignInDto, SignUpDto } from './dto/auth.dto';
import { OrganizationsService } from './organizations.service';

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
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  @Post('sign-up')
  @Public()
  async signUp(@Body() body: SignUpDto, @Req() request: Request, @Res({ passthrough: true }) response: Response) {
    const result = await this.auth.signUp(body, request.headers['user-agent']);
    this.setCookie(response, result);
    return { user: result.user, orgId: result.orgId ?? null };
  }

  @Post('sign-in')
  @Public()
  @HttpCode(200)
  async signIn(@Body() body: SignInDto, @Req() request: Request, @Res({ passthrough: true }) response: Response) {
    const result = await this.auth.signIn(body, request.headers['user-agent']);
    this.setCookie(response, result);
    return { user: result.user };
  }

  @Post('sign-out')
  @Authenticated()
  @HttpCode(204)
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
  async me(@CurrentPrincipal() principal: Principal) {
    const user = asUser(principal);
    return { user: { id: user.userId, email: user.email }, organizations: await this.organizations.listMine(user) };
  }

  @Get('sessions')
  @Authenticated()
  sessions(@CurrentPrincipal() principal: Principal) {
    return this.auth.listSessions(asUser(principal));
  }

  @Delete('sessions/:sessionId')
  @Authenticated()
  @HttpCode(204)
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
