import { subject } from '@casl/ability';
import { defineAbilityFor, type AppAbility } from '@farmhand/authz-ability';
import type { Action } from '@farmhand/authz-vocabulary';
import type { OrganizationMembership, User } from './api/views';

/**
 * The same CASL rules the server applies, built from the user's membership, so the dashboard hides or disables
 * what the server would refuse. The server still decides.
 */
export function abilityFor(user: User, membership: OrganizationMembership): AppAbility {
  return defineAbilityFor({
    kind: 'user',
    userId: user.id,
    sessionId: '',
    email: user.email,
    orgId: membership.id,
    membershipId: null,
    role: membership.role,
    fleetIds: membership.fleetIds,
  });
}

export function canOnPrinter(
  ability: AppAbility,
  action: Action,
  printer: { orgId: string; fleetId: string; id?: string },
): boolean {
  return ability.can(action, subject('Printer', { ...printer }));
}

export function canOnFleet(ability: AppAbility, action: Action, fleet: { orgId: string; id: string }): boolean {
  return ability.can(action, subject('Fleet', { ...fleet }));
}

export type { AppAbility };

/**
 * Printer rules are conditioned on organization and fleet only, so one answer per (action, fleet) serves every
 * printer of the fleet: the grid asks this for 500 printers several times a second.
 */
export function printerPermissions(ability: AppAbility, orgId: string) {
  const cache = new Map<string, boolean>();
  return (action: Action, printer: { fleetId: string }): boolean => {
    const key = `${action}:${printer.fleetId}`;
    let allowed = cache.get(key);
    if (allowed === undefined) {
      allowed = canOnPrinter(ability, action, { orgId, fleetId: printer.fleetId });
      cache.set(key, allowed);
    }
    return allowed;
  };
}
