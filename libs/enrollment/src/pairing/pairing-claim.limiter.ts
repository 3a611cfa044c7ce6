import { Injectable } from '@nestjs/common';
import { RateLimiter, type RateLimit } from '@farmhand/core';
import { USER_CODE_GUESS_LIMITS, type GuessLimit } from '../codes/guessing-odds';

export type ClaimScope = 'user' | 'organization' | 'address' | 'server';

export type ClaimGuessLimits = Record<'perUser' | 'perOrganization' | 'perAddress' | 'global', GuessLimit>;

export interface ClaimTicket {
  /** Success counters to credit when the claim succeeds. */
  successes: Array<{ limit: RateLimit; key: string }>;
}

export interface ClaimLockout {
  scope: ClaimScope;
  retryAfterSeconds: number;
  /** True for the first refusal of this scope's window: the one worth an audit entry. */
  firstRefusal: boolean;
}

/** Counts that never refuse by themselves: the failure arithmetic below decides. */
const UNBOUNDED = Number.MAX_SAFE_INTEGER;

/**
 * The lockout of docs/security.md on user-code claims, per user (or API key), per organization, per client address
 * and server-wide (`USER_CODE_GUESS_LIMITS`), counted in windows aligned to the clock.
 *
 * Every claim is counted up front as an attempt (rate-limiter-flexible: one atomic increment that sets its expiry);
 * a successful one is then credited, so failures = attempts - successes. A claim is evaluated only while that
 * difference stays within the limit. Reading the successes before counting the attempt makes this exact under any
 * concurrency: of N simultaneous guesses, at most `failures` are evaluated. Scopes are checked user, organization,
 * address, then server; a claim refused by one scope is not counted by the next, so a locked-out account cannot spend
 * its organization's, its address's or the server's budget. Without Redis, claims are refused (503): the budget is
 * only a bound while every instance counts in one place.
 */
@Injectable()
export class PairingClaimLimiter {
  private limits: ClaimGuessLimits = USER_CODE_GUESS_LIMITS;

  constructor(private readonly limiter: RateLimiter) {}

  /** A limiter with other limits (tests that exhaust a server-wide budget without half a million claims). */
  static withLimits(limiter: RateLimiter, limits: ClaimGuessLimits): PairingClaimLimiter {
    const claims = new PairingClaimLimiter(limiter);
    claims.limits = limits;
    return claims;
  }

  async reserve(
    principalKey: string,
    orgId: string,
    address: string,
    nowMs: number = Date.now(),
  ): Promise<{ ticket: ClaimTicket } | { lockout: ClaimLockout }> {
    const scopes: Array<{ scope: ClaimScope; key: string; limit: GuessLimit }> = [
      { scope: 'user', key: `user:${principalKey}`, limit: this.limits.perUser },
      { scope: 'organization', key: `org:${orgId}`, limit: this.limits.perOrganization },
      { scope: 'address', key: `address:${address}`, limit: this.limits.perAddress },
      { scope: 'server', key: 'server', limit: this.limits.global },
    ];
    const nowSeconds = Math.floor(nowMs / 1000);
    const ticket: ClaimTicket = { successes: [] };
    for (const { scope, key, limit } of scopes) {
      const window = Math.floor(nowSeconds / limit.windowSeconds);
      const counter: RateLimit = {
        name: 'pairing-claims',
        points: UNBOUNDED,
        durationSeconds: limit.windowSeconds,
        whenRedisDown: 'closed',
      };
      const base = `${key}:${window}`;
      const successes = await this.limiter.consumed(counter, `${base}:ok`);
      const attempts = (await this.limiter.consume(counter, `${base}:all`)).consumed;
      const failures = attempts - successes;
      if (failures > limit.failures) {
        const retryAfterSeconds = (window + 1) * limit.windowSeconds - nowSeconds;
        return { lockout: { scope, retryAfterSeconds, firstRefusal: failures === limit.failures + 1 } };
      }
      ticket.successes.push({ limit: counter, key: `${base}:ok` });
    }
    return { ticket };
  }

  /** Credits a successful claim, so that it does not count as a failure. */
  async succeeded(ticket: ClaimTicket): Promise<void> {
    for (const { limit, key } of ticket.successes) await this.limiter.consume(limit, key);
  }
}
