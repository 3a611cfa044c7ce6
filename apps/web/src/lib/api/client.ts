import createClient from 'openapi-fetch';
import { apiErrorOf, apiFetch } from './http';
import type { paths } from './schema';

/**
 * The API client typed by the contract (`schema.d.ts`, generated from the api's OpenAPI document by
 * `npm run openapi`): paths, path and query parameters, request bodies and answers. Every call goes through
 * `apiFetch`.
 */
export const client = createClient<paths>({ baseUrl: '', fetch: apiFetch });

interface Answer<T> {
  data?: T;
  error?: unknown;
  response: Response;
}

/** The answer's body as the contract types it, or the `ApiError` of a refusal. */
export async function unwrap<T>(call: Promise<Answer<T>>): Promise<T> {
  const { data, error, response } = await call;
  if (!response.ok) throw apiErrorOf(response.status, error);
  return data as T;
}
