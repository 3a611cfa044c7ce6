import { Global, Module } from '@nestjs/common';
import { APP_GUARD } from '@nestjs/core';
import { AuthenticatorRegistry } from './authenticator';
import { PoliciesGuard } from './policies.guard';

@Global()
@Module({
  providers: [AuthenticatorRegistry, PoliciesGuard, { provide: APP_GUARD, useExisting: PoliciesGuard }],
  exports: [AuthenticatorRegistry, PoliciesGuard],
})
export class AuthzModule {}
