import { randomUUID } from 'node:crypto';
import { defineAbilityFor, type AppAbility, type Principal, type Role, type UserPrincipal } from '@farmhand/authz';

/** A member of `orgId` with a role (and a fleet limit), as the session guard would make them. */
export function memberPrincipal(
  orgId: string,
  role: Role,
  overrides: Partial<Omit<UserPrincipal, 'kind' | 'orgId' | 'role'>> = {},
): UserPrincipal {
  return {
    kind: 'user',
    userId: randomUUID(),
    sessionId: randomUUID(),
    email: `${role}@example.test`,
    orgId,
    membershipId: randomUUID(),
    role,
    fleetIds: null,
    ...overrides,
  };
}

/** The principal with the real CASL ability the guards would give it: unit specs check rules with real abilities. */
export function withAbility<P extends Principal>(principal: P): { principal: P; ability: AppAbility } {
  return { principal, ability: defineAbilityFor(principal) };
}
