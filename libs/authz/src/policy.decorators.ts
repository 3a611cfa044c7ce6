import { SetMetadata } from '@nestjs/common';
import type { Action, SubjectType } from './vocabulary';

export const PUBLIC_METADATA = 'farmhand:public';
export const AUTHENTICATED_METADATA = 'farmhand:authenticated';
export const POLICIES_METADATA = 'farmhand:policies';

export type PolicyRule = readonly [Action, SubjectType];

/** Open to anyone, signed in or not (sign-up, sign-in, health, enrollment redemption by secret). */
export const Public = (): MethodDecorator & ClassDecorator => SetMetadata(PUBLIC_METADATA, true);

/** Any signed-in user, before any organization is involved (their profile, their organizations, creating one). */
export const Authenticated = (): MethodDecorator & ClassDecorator => SetMetadata(AUTHENTICATED_METADATA, true);

/** The principal must be allowed every (action, subject type) pair; services then check the very record. */
export const CheckPolicies = (...rules: PolicyRule[]): MethodDecorator & ClassDecorator =>
  SetMetadata(POLICIES_METADATA, rules);
