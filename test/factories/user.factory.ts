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

/**
 * Signs a new user up through the API (optionally creating their organization), then signs in and keeps the session.
 * Sign-up answers 202 "check your email" for every address (issue 18), so the ids come from sign-in and the
 * organization list. Under EMAIL_VERIFICATION_REQUIRED no organization is made at sign-up: verify first
 * (test/support/account-mail.ts).
 */
export async function signUpUser(
  api: ApiHarness,
  overrides: { email?: string; displayName?: string; organizationName?: string; password?: string } = {},
): Promise<SignedUpUser> {
  const client = api.client();
  const email = overrides.email ?? uniqueEmail();
  const password = overrides.password ?? TEST_PASSWORD;
  const response = await client.post('/api/auth/sign-up', {
    email,
    password,
    displayName: overrides.displayName ?? 'Test User',
    ...(overrides.organizationName ? { organizationName: overrides.organizationName } : {}),
  });
  if (response.status !== 202) throw new Error(`sign-up failed: ${response.status} ${JSON.stringify(response.body)}`);
  const signedIn = await client.post('/api/auth/sign-in', { email, password });
  if (signedIn.status !== 200 || !signedIn.body.user)
    throw new Error(`sign-in after sign-up failed: ${signedIn.status} ${JSON.stringify(signedIn.body)}`);
  let orgId: string | null = null;
  if (overrides.organizationName) {
    const organizations = await client.get<Array<{ id: string }>>('/api/orgs');
    orgId = organizations.body[0]?.id ?? null;
  }
  return { client, userId: signedIn.body.user.id, email, orgId };
}
