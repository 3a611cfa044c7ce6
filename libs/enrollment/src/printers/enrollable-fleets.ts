import type { Fleet, FleetsRepository } from '@farmhand/accounts';
import { subject, type AppAbility, type Principal } from '@farmhand/authz';
import { EnrollmentErrors } from '../enrollment.exception';

/** The fleet, when it belongs to the organization and the caller may enroll printers into it; else 400 unknown_fleet. */
export async function enrollableFleet(
  fleets: FleetsRepository,
  ability: AppAbility,
  orgId: string,
  fleetId: string,
): Promise<Fleet> {
  const fleet = await fleets.findInOrg(orgId, fleetId);
  if (!fleet || !canEnrollInto(ability, orgId, fleet.id)) throw EnrollmentErrors.unknownFleet();
  return fleet;
}

export function canEnrollInto(ability: AppAbility, orgId: string, fleetId: string): boolean {
  return ability.can('enroll', subject('Printer', { orgId, fleetId }));
}

/** Fleet-limited callers see their fleets only (null: every fleet of the organization). */
export function fleetScopeOf(principal: Principal): string[] | null {
  return principal.kind === 'user' || principal.kind === 'apiKey' ? principal.fleetIds : null;
}
