import { Injectable } from '@nestjs/common';
import type { SqlCondition } from '@farmhand/authz';
import type { Fleet } from './entities/fleet.entity';
import { FleetsRepository } from './fleets.repository';

/**
 * The read provider other libraries use for fleets: an organization's fleets as the caller may read them (filtered in
 * SQL, `FLEET_CONDITION_COLUMNS`), one fleet, whether fleet ids exist. Fleets are written by `FleetsService` only.
 */
@Injectable()
export class FleetDirectory {
  constructor(private readonly fleets: FleetsRepository) {}

  /** The organization's fleets that are `readable` (from the caller's ability), by name. */
  list(orgId: string, readable: SqlCondition): Promise<Fleet[]> {
    return this.fleets.list(orgId, readable);
  }

  /** The fleet of the organization; null when it is not one. */
  findInOrg(orgId: string, fleetId: string): Promise<Fleet | null> {
    return this.fleets.findInOrg(orgId, fleetId);
  }

  /** How many of `fleetIds` are fleets of the organization. */
  countInOrg(orgId: string, fleetIds: string[]): Promise<number> {
    return this.fleets.countInOrg(orgId, fleetIds);
  }
}
