import { randomBytes } from 'node:crypto';
import type { ApiHarness, HttpClient } from '@farmhand/testing';

export const TEST_PASSWORD = 'correct horse battery staple';

export interface SignedUpUser {
  client: HttpClient;
  userId: string;
  email: string;
  orgId: string | null;
}

export function uniqueEmail(label = 'user'): string {
  return `${label}-${randomBytes(4).toString('hex')}@example.test`;
}

/** Signs a new user up through the API (optionally creating their organization) and keeps their session. */
export async function signUpUser(
  api: ApiHarness,
  overrides: { email?: string; displayName?: string; organizationName?: string } = {},
): Promise<SignedUpUser> {
  const client = api.client();
  const email = overrides.email ?? uniqueEmail();
  const response = await client.post('/api/auth/sign-up', {
    email,
    password: TEST_PASSWORD,
    displayName: overrides.displayName ?? 'Test User',
    ...(overrides.organizationName ? { organizationName: overrides.organizationName } : {}),
  });
  if (response.status !== 201) throw new Error(`sign-up failed: ${response.status} ${JSON.stringify(response.body)}`);
  return { client, userId: response.body.user.id, email, orgId: response.body.orgId };
}
