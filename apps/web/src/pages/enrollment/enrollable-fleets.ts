import { canOnPrinter } from '../../lib/ability';
import { useFleets } from '../../lib/fleets';
import { useOrg } from '../../lib/session';

/** The fleets this user may enroll printers into (a fleet-limited admin: their own). */
export function useEnrollableFleets() {
  const { org, ability } = useOrg();
  const fleets = useFleets();
  return fleets.list.filter((fleet) => canOnPrinter(ability, 'enroll', { orgId: org.id, fleetId: fleet.id }));
}
