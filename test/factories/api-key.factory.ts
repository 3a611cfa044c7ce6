import type { ApiKeyScope } from '@farmhand/authz';
import type { HttpClient } from '@farmhand/testing';
import type { Schemas } from './contract';
import { created } from './http-factory';

/** An API key of the organization, created through the API by a member who may (owner or admin). */
export async function createApiKey(
  client: HttpClient,
  orgId: string,
  overrides: { name?: string; scopes?: ApiKeyScope[]; fleetIds?: string[] | null; expiresAt?: string | null } = {},
): Promise<Schemas['ApiKeyDto'] & { key: string }> {
  const response = await client.post(`/api/orgs/${orgId}/api-keys`, {
    name: 'test key',
    scopes: ['read:Printer'],
    ...overrides,
  });
  const { apiKey, key } = created<Schemas['CreatedApiKeyDto']>('api key', response);
  return { ...apiKey, key };
}
