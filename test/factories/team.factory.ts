import type { Role } from '@farmhand/authz';
import { Printer } from '@farmhand/printers';
import type { ApiHarness, HttpClient } from '@farmhand/testing';
import { PrinterCredentialsService } from '@farmhand/enrollment';
import { DataSource } from 'typeorm';
import { createInvitation } from './invitation.factory';
import { signUpUser, uniqueEmail, type SignedUpUser } from './user.factory';

export interface Member extends SignedUpUser {
  membershipId: string;
}

/** Invites a new user with a role (and optional fleet limit) through the real invitation flow. */
export async function addMember(
  api: ApiHarness,
  owner: HttpClient,
  orgId: string,
  role: Role,
  fleetIds: string[] | null = null,
): Promise<Member> {
  const email = uniqueEmail(role);
  const invitation = await createInvitation(owner, orgId, { email, role, fleetIds });
  const user = await signUpUser(api, { email });
  const accepted = await user.client.post('/api/invitations/accept', { token: invitation.token });
  if (accepted.status !== 201) throw new Error(`accept failed: ${accepted.status} ${JSON.stringify(accepted.body)}`);
  return { ...user, orgId, membershipId: accepted.body.membershipId };
}

export async function createFleet(client: HttpClient, orgId: string, name: string): Promise<string> {
  const response = await client.post(`/api/orgs/${orgId}/fleets`, { name });
  if (response.status !== 201) throw new Error(`fleet failed: ${response.status} ${JSON.stringify(response.body)}`);
  return response.body.id;
}

/** Printers are enrolled by agents in production; tests that only need rows insert them directly. */
export async function insertPrinter(
  api: ApiHarness,
  orgId: string,
  fleetId: string,
  overrides: Partial<Printer> = {},
): Promise<Printer> {
  const repository = api.app.get(DataSource).getRepository(Printer);
  return repository.save(
    repository.create({ orgId, fleetId, name: `printer-${Math.random().toString(36).slice(2, 8)}`, ...overrides }),
  );
}

export interface Team {
  orgId: string;
  owner: SignedUpUser;
  admin: Member;
  operator: Member;
  viewer: Member;
  fleetOperator: Member;
  fleetA: string;
  fleetB: string;
  printerA: Printer;
  printerB: Printer;
}

/** An organization with a member of every role, two fleets, an operator limited to fleet A, and a printer in each. */
export async function createTeam(api: ApiHarness, name = 'Farm'): Promise<Team> {
  const owner = await signUpUser(api, { organizationName: name });
  const orgId = owner.orgId!;
  const fleetA = await createFleet(owner.client, orgId, 'Fleet A');
  const fleetB = await createFleet(owner.client, orgId, 'Fleet B');
  const [admin, operator, viewer, fleetOperator] = await Promise.all([
    addMember(api, owner.client, orgId, 'admin'),
    addMember(api, owner.client, orgId, 'operator'),
    addMember(api, owner.client, orgId, 'viewer'),
    addMember(api, owner.client, orgId, 'operator', [fleetA]),
  ]);
  const printerA = await insertPrinter(api, orgId, fleetA, { name: `${name} A1` });
  const printerB = await insertPrinter(api, orgId, fleetB, { name: `${name} B1` });
  return { orgId, owner, admin, operator, viewer, fleetOperator, fleetA, fleetB, printerA, printerB };
}

/** Issues an agent credential for a printer as enrollment would (the token is returned once). */
export async function issueAgentCredential(api: ApiHarness, printer: { id: string; orgId: string }): Promise<string> {
  const service = api.app.get(PrinterCredentialsService);
  const issued = await api.app.get(DataSource).transaction((manager) => service.issue(manager, printer));
  return issued.credential;
}
