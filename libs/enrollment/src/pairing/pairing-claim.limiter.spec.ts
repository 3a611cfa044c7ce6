import type { RateLimiter, RateLimitResult } from '@farmhand/core';
import { USER_CODE_GUESS_LIMITS } from '../codes/guessing-odds';
import { PairingClaimLimiter, type ClaimTicket } from './pairing-claim.limiter';

/** RateLimiter's contract in memory, yielding at every call like the Redis one does. */
class MemoryRateLimiter {
  readonly counts = new Map<string, number>();

  async hit(bucket: string, limit: number, windowSeconds: number): Promise<RateLimitResult> {
    await Promise.resolve();
    const count = (this.counts.get(bucket) ?? 0) + 1;
    this.counts.set(bucket, count);
    return { allowed: count <= limit, count, retryAfterSeconds: windowSeconds };
  }

  async peek(bucket: string, limit: number): Promise<RateLimitResult> {
    await Promise.resolve();
    const count = this.counts.get(bucket) ?? 0;
    return { allowed: count < limit, count, retryAfterSeconds: 0 };
  }
}

const HOUR = 3600;
// Ten minutes into an hour-long window.
const NOW = (1_000_000 * HOUR + 600) * 1000;

function setup() {
  const memory = new MemoryRateLimiter();
  return { memory, limiter: new PairingClaimLimiter(memory as unknown as RateLimiter) };
}

async function fail(limiter: PairingClaimLimiter, user: string, org: string, now = NOW) {
  return limiter.reserve(user, org, now);
}

describe('PairingClaimLimiter', () => {
  it('locks one account after its failures, until the end of the window', async () => {
    const { limiter } = setup();
    for (let attempt = 0; attempt < USER_CODE_GUESS_LIMITS.perUser.failures; attempt++) {
      expect(await fail(limiter, 'user:a', 'org-1')).toHaveProperty('ticket');
    }
    expect(await fail(limiter, 'user:a', 'org-1')).toEqual({
      lockout: { scope: 'user', retryAfterSeconds: HOUR - 600, firstRefusal: true },
    });
    expect(await fail(limiter, 'user:a', 'org-1')).toMatchObject({ lockout: { firstRefusal: false } });
    // The next window starts afresh.
    expect(await fail(limiter, 'user:a', 'org-1', NOW + HOUR * 1000)).toHaveProperty('ticket');
  });

  it('does not count successful claims as failures', async () => {
    const { limiter } = setup();
    for (let claim = 0; claim < 20; claim++) {
      const reserved = await limiter.reserve('user:busy-admin', 'org-1', NOW);
      await limiter.succeeded((reserved as { ticket: ClaimTicket }).ticket);
    }
    for (let attempt = 0; attempt < USER_CODE_GUESS_LIMITS.perUser.failures; attempt++) {
      expect(await fail(limiter, 'user:busy-admin', 'org-1')).toHaveProperty('ticket');
    }
    expect(await fail(limiter, 'user:busy-admin', 'org-1')).toHaveProperty('lockout.scope', 'user');
  });

  it('evaluates at most the allowed failures out of many simultaneous guesses', async () => {
    const { limiter } = setup();
    const results = await Promise.all(Array.from({ length: 100 }, () => fail(limiter, 'user:fast', 'org-1')));
    expect(results.filter((result) => 'ticket' in result)).toHaveLength(USER_CODE_GUESS_LIMITS.perUser.failures);
  });

  it('a locked-out account cannot spend its organization’s or the server’s budget', async () => {
    const { limiter, memory } = setup();
    for (let attempt = 0; attempt < 50; attempt++) await fail(limiter, 'user:hammer', 'org-1');
    const window = Math.floor(NOW / 1000 / HOUR);
    expect(memory.counts.get(`pairing-claims:org:org-1:${window}:all`)).toBe(USER_CODE_GUESS_LIMITS.perUser.failures);
    expect(memory.counts.get(`pairing-claims:server:${window}:all`)).toBe(USER_CODE_GUESS_LIMITS.perUser.failures);
  });

  it('locks an organization after its failures, whoever in it guesses', async () => {
    const { limiter } = setup();
    const perUser = USER_CODE_GUESS_LIMITS.perUser.failures;
    const users = USER_CODE_GUESS_LIMITS.perOrganization.failures / perUser;
    for (let user = 0; user < users; user++) {
      for (let attempt = 0; attempt < perUser; attempt++) {
        expect(await fail(limiter, `user:${user}`, 'org-1')).toHaveProperty('ticket');
      }
    }
    expect(await fail(limiter, 'user:new', 'org-1')).toHaveProperty('lockout.scope', 'organization');
    expect(await fail(limiter, 'user:other', 'org-2')).toHaveProperty('ticket');
  });

  it('locks pairing claims server-wide after the global budget, whatever the accounts', async () => {
    const { limiter } = setup();
    const perOrganization = USER_CODE_GUESS_LIMITS.perOrganization.failures;
    const perUser = USER_CODE_GUESS_LIMITS.perUser.failures;
    let evaluated = 0;
    for (let org = 0; evaluated < USER_CODE_GUESS_LIMITS.global.failures; org++) {
      for (let user = 0; user < perOrganization / perUser; user++) {
        for (let attempt = 0; attempt < perUser; attempt++) {
          if ('ticket' in (await fail(limiter, `user:${org}-${user}`, `org-${org}`))) evaluated++;
        }
      }
    }
    expect(evaluated).toBe(USER_CODE_GUESS_LIMITS.global.failures);
    expect(await fail(limiter, 'user:fresh', 'org-fresh')).toEqual({
      lockout: { scope: 'server', retryAfterSeconds: HOUR - 600, firstRefusal: true },
    });
  });
});
