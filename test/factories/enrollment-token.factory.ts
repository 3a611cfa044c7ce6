import type { HttpClient } from '@farmhand/testing';
import type { Schemas } from './contract';
import { created } from './http-factory';

/** An enrollment token for a fleet through the API; `token` (shown once) is what an agent redeems. */
export async function createEnrollmentToken(
  client: HttpClient,
  orgId: string,
  fields: { fleetId: string } & Partial<Schemas['CreateEnrollmentTokenDto']>,
): Promise<Schemas['CreatedEnrollmentTokenDto']> {
  return created('enrollment token', await client.post(`/api/orgs/${orgId}/enrollment/tokens`, fields));
}
