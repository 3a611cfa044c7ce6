import type { HttpResult } from '@farmhand/testing';

/** A factory's request must succeed: anything else fails the test at once, with what the api said. */
export function created<T>(what: string, response: HttpResult, status = 201): T {
  if (response.status !== status)
    throw new Error(`${what} failed: ${response.status} ${JSON.stringify(response.body)}`);
  return response.body as T;
}
