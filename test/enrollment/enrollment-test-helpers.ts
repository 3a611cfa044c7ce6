import { REDIS, RateLimiter } from '@farmhand/core';
import { PAIRING_LIMITS, REDEEM_FAILURE_LIMITS } from '@farmhand/enrollment';
import { PROTOCOL_VERSION, type Welcome } from '@farmhand/protocol';
import type { ApiHarness, HttpClient, HttpResult } from '@farmhand/testing';
import type { Redis } from 'ioredis';
import { io } from 'socket.io-client';
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

export function redeem(client: HttpClient, token: string, agent = AGENT): Promise<HttpResult> {
  return client.post('/api/enrollment/redeem', { token, agent });
}

/** Lets time pass for the poll interval without waiting: moves every pairing's last poll back. */
export async function rewindPolls(api: ApiHarness, seconds: number): Promise<void> {
  await api.app
    .get(DataSource)
    .query(`UPDATE enrollment_pairings SET last_polled_at = last_polled_at - make_interval(secs => $1)`, [seconds]);
}

/** Clears the per-address counters of the enrollment endpoints (tests share one client address). */
export async function resetAddressLimits(api: ApiHarness, address = '127.0.0.1'): Promise<void> {
  const limiter = api.app.get(RateLimiter);
  await limiter.reset(REDEEM_FAILURE_LIMITS.perAddress, address);
  await limiter.reset(PAIRING_LIMITS.startsPerAddress, address);
}

/**
 * What the server says a credential is: the agent opens the /agent socket with it, says hello, and the welcome
 * names its printer (an agent credential opens nothing under /api/orgs). Rejects when the handshake is refused.
 */
export async function printerOfCredential(api: ApiHarness, credential: string): Promise<string> {
  const socket = io(`${api.url}/agent`, {
    auth: { credential },
    transports: ['websocket'],
    reconnection: false,
    forceNew: true,
  });
  try {
    return await new Promise<string>((resolve, reject) => {
      socket.once('connect_error', reject);
      socket.once('welcome', (welcome: Welcome) => resolve(welcome.printerId));
      socket.once('connect', () =>
        socket.emit('hello', {
          protocolVersion: PROTOCOL_VERSION,
          agentVersion: AGENT.version,
          backend: 'octoprint',
          backendVersion: '1.10.2',
          capabilities: [],
          startedAt: Date.now(),
        }),
      );
    });
  } finally {
    socket.disconnect();
  }
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
