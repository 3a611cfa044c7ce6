import { createParamDecorator, type ExecutionContext } from '@nestjs/common';
import { DomainException } from '@farmhand/core';
import type { AuthorizedRequest } from './policies.guard';
import type { Principal } from './principal';

/** The authenticated principal of this request (set by the PoliciesGuard). */
export const CurrentPrincipal = createParamDecorator((_data: unknown, context: ExecutionContext): Principal => {
  const request = context.switchToHttp().getRequest<AuthorizedRequest>();
  if (!request.principal) throw DomainException.unauthorized('unauthenticated', 'Sign in first');
  return request.principal;
});
