import type { Role } from '@farmhand/authz';
import type { HttpClient } from '@farmhand/testing';
import type { Schemas } from './contract';
import { created } from './http-factory';
import { uniqueEmail } from './user.factory';

/** An invitation to the organization, sent through the API; `token` is what the invited person accepts with. */
export async function createInvitation(
  client: HttpClient,
  orgId: string,
  overrides: { email?: string; role?: Role; fleetIds?: string[] | null } = {},
): Promise<Schemas['CreatedInvitationDto']> {
  const body = { email: overrides.email ?? uniqueEmail(overrides.role ?? 'viewer'), role: 'viewer', ...overrides };
  return created('invitation', await client.post(`/api/orgs/${orgId}/invitations`, body));
}
