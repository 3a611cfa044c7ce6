import { Injectable, type CanActivate, type ExecutionContext } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { EventEmitter2 } from '@nestjs/event-emitter';
import { DomainException, RequestContext } from '@farmhand/core';
import type { Request } from 'express';
import { AuthenticatorRegistry, type Credentials } from './authenticator';
import { defineAbilityFor, type AppAbility } from './define-ability';
import { AUTHENTICATED_METADATA, POLICIES_METADATA, PUBLIC_METADATA, type PolicyRule } from './policy.decorators';
import type { Principal } from './principal';

export interface AuthorizedRequest extends Request {
  principal?: Principal;
  ability?: AppAbility;
}

export interface AccessDeniedEvent {
  principal: Principal;
  orgId: string;
  rules: readonly PolicyRule[];
  route: string;
}

export function readCookies(header: string | undefined): Record<string, string> {
  const cookies: Record<string, string> = {};
  for (const part of (header ?? '').split(';')) {
    const index = part.indexOf('=');
    if (index <= 0) continue;
    const name = part.slice(0, index).trim();
    try {
      cookies[name] = decodeURIComponent(part.slice(index + 1).trim());
    } catch {
      // a malformed cookie is ignored, not fatal
    }
  }
  return cookies;
}

/**
 * The request's credentials. `X-Api-Key: fh_key_…` (what slicers' OctoPrint and Moonraker host types send) counts as
 * `Authorization: Bearer fh_key_…` when there is no Authorization header; any other X-Api-Key value is ignored.
 */
export function credentialsFrom(headers: Record<string, string | string[] | undefined>, auth?: unknown): Credentials {
  const apiKey = headers['x-api-key'];
  const authorization =
    typeof headers.authorization === 'string'
      ? headers.authorization
      : typeof apiKey === 'string' && apiKey.trim().startsWith('fh_key_')
        ? `Bearer ${apiKey.trim()}`
        : undefined;
  const token =
    typeof auth === 'object' && auth !== null && typeof (auth as { token?: unknown }).token === 'string'
      ? `Bearer ${(auth as { token: string }).token}`
      : undefined;
  return {
    cookies: readCookies(typeof headers.cookie === 'string' ? headers.cookie : undefined),
    authorization: token ?? authorization,
  };
}

/**
 * Default deny for every HTTP route and socket handler: a handler must declare @Public(), @Authenticated() or
 * @CheckPolicies(...). Routes with an `:orgId` parameter are evaluated for the caller's membership of that
 * organization, loaded on this very request.
 */
@Injectable()
export class PoliciesGuard implements CanActivate {
  constructor(
    private readonly reflector: Reflector,
    private readonly authenticators: AuthenticatorRegistry,
    private readonly events: EventEmitter2,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const targets = [context.getHandler(), context.getClass()];
    if (this.reflector.getAllAndOverride<boolean>(PUBLIC_METADATA, targets)) return true;
    const authenticatedOnly = this.reflector.getAllAndOverride<boolean>(AUTHENTICATED_METADATA, targets);
    const rules = this.reflector.getAllAndOverride<PolicyRule[]>(POLICIES_METADATA, targets);
    if (!authenticatedOnly && !rules) {
      throw DomainException.forbidden('undeclared_policy', 'This endpoint declares no policy and is denied by default');
    }

    if (context.getType() !== 'http') {
      // Socket handlers authenticate at the handshake; the gateway stores the principal on the socket.
      const client = context.switchToWs().getClient<{ data?: { principal?: Principal } }>();
      const principal = client.data?.principal;
      if (!principal) throw DomainException.unauthorized('unauthenticated', 'Sign in first');
      if (authenticatedOnly && !rules) return true;
      return this.check(principal, rules ?? [], context.getHandler().name);
    }

    const request = context.switchToHttp().getRequest<AuthorizedRequest>();
    const found = await this.authenticators.authenticate(credentialsFrom(request.headers));
    if (!found) throw DomainException.unauthorized('unauthenticated', 'Sign in or send a valid API key');
    let principal = found.principal;

    const orgId = (request.params as Record<string, string | undefined>)?.orgId;
    if (orgId !== undefined) {
      // An agent's credential is its printer and nothing else: its routes are /api/agent/* and the /agent socket,
      // never the organization's API (which would show it the other printers, the queue, the members).
      if (principal.kind === 'agent') {
        this.events.emit('access.denied', {
          principal,
          orgId: principal.orgId,
          rules: rules ?? [],
          route: `${request.method} ${request.route?.path ?? request.path}`,
        } satisfies AccessDeniedEvent);
        throw DomainException.forbidden('agent_not_allowed', "A printer's agent credential cannot use this endpoint");
      }
      const scoped = await found.authenticator.scopeToOrganization(principal, orgId);
      // Not a member, or a key/agent of another organization: the organization does not exist for this caller.
      if (!scoped) throw DomainException.notFound('organization_not_found', 'Organization not found');
      principal = scoped;
      RequestContext.setOrgId(orgId);
    }
    request.principal = principal;
    if (authenticatedOnly && !rules) {
      request.ability = defineAbilityFor(principal);
      return true;
    }
    return this.check(principal, rules ?? [], `${request.method} ${request.route?.path ?? request.path}`, request);
  }

  private check(
    principal: Principal,
    rules: readonly PolicyRule[],
    route: string,
    request?: AuthorizedRequest,
  ): boolean {
    const ability = defineAbilityFor(principal);
    if (request) request.ability = ability;
    const allowed = rules.every(([action, subject]) => ability.can(action, subject));
    if (!allowed) {
      const orgId = 'orgId' in principal && principal.orgId ? principal.orgId : undefined;
      if (orgId) this.events.emit('access.denied', { principal, orgId, rules, route } satisfies AccessDeniedEvent);
      throw DomainException.forbidden('forbidden', 'You are not allowed to do this');
    }
    return true;
  }
}
