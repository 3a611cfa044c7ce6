import type { RateLimit, RateLimiter, RateLimitResult } from '@farmhand/core';
import { USER_CODE_GUESS_LIMITS } from '../codes/guessing-odds';
import { PairingClaimLimiter, type ClaimGuessLimits, type ClaimTicket } from './pairing-claim.limiter';

/** RateLimiter's contract in memory (one window), yielding at every call like the Redis one does. */
class MemoryRateLimiter {
  readonly counts = new Map<string, number>();

  async consume(limit: RateLimit, key: string, points = 1): Promise<RateLimitResult> {
    await Promise.resolve();
    const consumed = (this.counts.get(key) ?? 0) + points;
    this.counts.set(key, consumed);
    return { allowed: consumed <= limit.points, consumed, retryAfterSeconds: limit.durationSeconds };
  }

  async consumed(_limit: RateLimit, key: string): Promise<number> {
    await Promise.resolve();
    return this.counts.get(key) ?? 0;
  }
}

const HOUR = 3600;
// Ten minutes into an hour-long window.
const NOW = (1_000_000 * HOUR + 600) * 1000;

function setup(limits?: ClaimGuessLimits) {
  const memory = new MemoryRateLimiter();
  const rateLimiter = memory as unknown as RateLimiter;
  return {
    memory,
    limiter: limits ? PairingClaimLimiter.withLimits(rateLimiter, limits) : new PairingClaimLimiter(rateLimiter),
  };
}

async function fail(limiter: PairingClaimLimiter, user: string, org: string, now = NOW, address = '192.0.2.1') {
  return limiter.reserve(user, org, address, now);
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
      const reserved = await limiter.reserve('user:busy-admin', 'org-1', '192.0.2.1', NOW);
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

  it('a locked-out account cannot spend its organization’s, its address’s or the server’s budget', async () => {
    const { limiter, memory } = setup();
    for (let attempt = 0; attempt < 50; attempt++) await fail(limiter, 'user:hammer', 'org-1');
    const window = Math.floor(NOW / 1000 / HOUR);
    const perUser = USER_CODE_GUESS_LIMITS.perUser.failures;
    expect(memory.counts.get(`org:org-1:${window}:all`)).toBe(perUser);
    expect(memory.counts.get(`address:192.0.2.1:${window}:all`)).toBe(perUser);
    expect(memory.counts.get(`server:${window}:all`)).toBe(perUser);
  });

  it('locks one address after its failures, across accounts and organizations', async () => {
    const { limiter } = setup();
    const perUser = USER_CODE_GUESS_LIMITS.perUser.failures;
    const accounts = USER_CODE_GUESS_LIMITS.perAddress.failures / perUser;
    for (let account = 0; account < accounts; account++) {
      for (let attempt = 0; attempt < perUser; attempt++) {
        expect(await fail(limiter, `user:cheap-${account}`, `org-cheap-${account}`)).toHaveProperty('ticket');
      }
    }
    expect(await fail(limiter, 'user:one-more', 'org-one-more')).toHaveProperty('lockout.scope', 'address');
    expect(await fail(limiter, 'user:elsewhere', 'org-elsewhere', NOW, '198.51.100.7')).toHaveProperty('ticket');
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

  it('locks pairing claims server-wide after the global budget, whatever the accounts and addresses', async () => {
    // The real budget is half a million failures an hour; the same arithmetic on a budget of 60.
    const limits: ClaimGuessLimits = {
      perUser: { failures: 5, windowSeconds: HOUR },
      perOrganization: { failures: 10, windowSeconds: HOUR },
      perAddress: { failures: 20, windowSeconds: HOUR },
      global: { failures: 60, windowSeconds: HOUR },
    };
    const { limiter } = setup(limits);
    let evaluated = 0;
    for (let org = 0; evaluated < limits.global.failures; org++) {
      for (let user = 0; user < 2; user++) {
        for (let attempt = 0; attempt < 5; attempt++) {
          const address = `10.0.${Math.floor(org / 2)}.1`;
          if ('ticket' in (await fail(limiter, `user:${org}-${user}`, `org-${org}`, NOW, address))) evaluated++;
        }
      }
    }
    expect(evaluated).toBe(limits.global.failures);
    expect(await fail(limiter, 'user:fresh', 'org-fresh', NOW, '203.0.113.9')).toEqual({
      lockout: { scope: 'server', retryAfterSeconds: HOUR - 600, firstRefusal: true },
    });
  });
});
