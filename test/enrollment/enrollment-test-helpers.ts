import { REDIS, RateLimiter } from '@farmhand/core';
import type { ApiHarness, HttpClient, HttpResult } from '@farmhand/testing';
import type { Redis } from 'ioredis';
import { DataSource } from 'typeorm';

export const AGENT = { version: '0.1.0', hostname: 'octopi' };

export interface StartedPairing {
  deviceCode: string;
  userCode: string;
  verificationUri: string;
  verificationUriComplete: string;
  expiresIn: number;
  interval: number;
}

/** What an agent does first: ask to pair (no credentials at all). */
export async function startPairing(client: HttpClient, agent = AGENT): Promise<StartedPairing> {
  const response = await client.post('/api/enrollment/pairings', { agent });
  if (response.status !== 201) throw new Error(`pairing failed: ${response.status} ${JSON.stringify(response.body)}`);
  return response.body;
}

export function poll(client: HttpClient, deviceCode: string): Promise<HttpResult> {
  return client.post('/api/enrollment/pairings/poll', { deviceCode });
}

export function claim(
  client: HttpClient,
  orgId: string,
  body: { userCode: string; name: string; fleetId: string } & Record<string, unknown>,
): Promise<HttpResult> {
  return client.post(`/api/orgs/${orgId}/enrollment/pairings/claim`, body);
}

export async function createToken(
  client: HttpClient,
  orgId: string,
  body: { fleetId: string } & Record<string, unknown>,
): Promise<{ id: string; token: string } & Record<string, any>> {
  const response = await client.post(`/api/orgs/${orgId}/enrollment/tokens`, body);
  if (response.status !== 201) throw new Error(`token failed: ${response.status} ${JSON.stringify(response.body)}`);
  return response.body;
}

export function redeem(client: HttpClient, token: string, agent = AGENT): Promise<HttpResult> {
  return client.post('/api/enrollment/redeem', { token, agent });
}

/** Lets time pass for the poll interval without waiting: moves every pairing's last poll back. */
export async function rewindPolls(api: ApiHarness, seconds: number): Promise<void> {
  await api.app
    .get(DataSource)
    .query(`UPDATE enrollment_pairings SET last_polled_at = last_polled_at - make_interval(secs => $1)`, [seconds]);
}

/** Clears the per-address failure counter of the enrollment endpoints (tests share one client address). */
export async function resetAddressLimits(api: ApiHarness, address = '127.0.0.1'): Promise<void> {
  const limiter = api.app.get(RateLimiter);
  await limiter.reset(`enrollment:redeem-failures:${address}`);
  await limiter.reset(`enrollment:pairing-starts:${address}`);
}

export function agentClient(api: ApiHarness, credential: string): HttpClient {
  const client = api.client();
  client.bearer = credential;
  return client;
}

/** Forgets every user-code claim counter (the lockout test spends them on purpose). */
export async function resetClaimLimits(api: ApiHarness): Promise<void> {
  const redis = api.app.get<Redis>(REDIS);
  const pattern = `${api.config.REDIS_PREFIX}:ratelimit:pairing-claims:*`;
  let cursor = '0';
  do {
    const [next, keys] = await redis.scan(cursor, 'MATCH', pattern, 'COUNT', 500);
    if (keys.length > 0) await redis.del(...keys);
    cursor = next;
  } while (cursor !== '0');
}
