import type { HttpClient } from '@farmhand/testing';
import type { Schemas } from './contract';
import { created } from './http-factory';

/** A webhook of the organization through the API; `secret` (shown once) verifies its deliveries. */
export async function createWebhook(
  client: HttpClient,
  orgId: string,
  fields: { url: string; events: Schemas['CreateWebhookDto']['events']; description?: string | null },
): Promise<Schemas['CreatedWebhookDto']> {
  return created('webhook', await client.post(`/api/orgs/${orgId}/webhooks`, fields));
}
