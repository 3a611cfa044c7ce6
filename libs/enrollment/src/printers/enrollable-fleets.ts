import type { Fleet, FleetDirectory } from '@farmhand/accounts';
import { subject, type AppAbility } from '@farmhand/authz';
import { EnrollmentErrors } from '../enrollment.exception';

/** The fleet, when it belongs to the organization and the caller may enroll printers into it; else 400 unknown_fleet. */
export async function enrollableFleet(
  fleets: FleetDirectory,
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
