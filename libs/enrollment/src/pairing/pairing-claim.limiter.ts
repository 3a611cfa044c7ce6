import { Injectable } from '@nestjs/common';
import { RateLimiter } from '@farmhand/core';
import { USER_CODE_GUESS_LIMITS, type GuessLimit } from '../codes/guessing-odds';

export type ClaimScope = 'user' | 'organization' | 'server';

export interface ClaimTicket {
  /** Success buckets to credit when the claim succeeds. */
  successBuckets: Array<{ bucket: string; windowSeconds: number }>;
}

export interface ClaimLockout {
  scope: ClaimScope;
  retryAfterSeconds: number;
  /** True for the first refusal of this scope's window: the one worth an audit entry. */
  firstRefusal: boolean;
}

/**
 * The lockout of docs/security.md on user-code claims, per user, per organization and server-wide
 * (`USER_CODE_GUESS_LIMITS`), counted in windows aligned to the clock.
 *
 * Every claim is counted up front as an attempt; a successful one is then credited, so failures = attempts -
 * successes. A claim is evaluated only while that difference stays within the limit. Reading the successes before
 * counting the attempt makes this exact under any concurrency: of N simultaneous guesses, at most `failures` are
 * evaluated. Scopes are checked user, then organization, then server; a claim refused by one scope is not counted
 * by the next, so a locked-out account cannot spend its organization's or the server's budget.
 */
@Injectable()
export class PairingClaimLimiter {
  constructor(private readonly limiter: RateLimiter) {}

  async reserve(
    principalKey: string,
    orgId: string,
    nowMs: number = Date.now(),
  ): Promise<{ ticket: ClaimTicket } | { lockout: ClaimLockout }> {
    const scopes: Array<{ scope: ClaimScope; key: string; limit: GuessLimit }> = [
      { scope: 'user', key: `user:${principalKey}`, limit: USER_CODE_GUESS_LIMITS.perUser },
      { scope: 'organization', key: `org:${orgId}`, limit: USER_CODE_GUESS_LIMITS.perOrganization },
      { scope: 'server', key: 'server', limit: USER_CODE_GUESS_LIMITS.global },
    ];
    const nowSeconds = Math.floor(nowMs / 1000);
    const ticket: ClaimTicket = { successBuckets: [] };
    for (const { scope, key, limit } of scopes) {
      const window = Math.floor(nowSeconds / limit.windowSeconds);
      const base = `pairing-claims:${key}:${window}`;
      const successes = (await this.limiter.peek(`${base}:ok`, Infinity)).count;
      const attempts = (await this.limiter.hit(`${base}:all`, Infinity, limit.windowSeconds)).count;
      const failures = attempts - successes;
      if (failures > limit.failures) {
        const retryAfterSeconds = (window + 1) * limit.windowSeconds - nowSeconds;
        return { lockout: { scope, retryAfterSeconds, firstRefusal: failures === limit.failures + 1 } };
      }
      ticket.successBuckets.push({ bucket: `${base}:ok`, windowSeconds: limit.windowSeconds });
    }
    return { ticket };
  }

  /** Credits a successful claim, so that it does not count as a failure. */
  async succeeded(ticket: ClaimTicket): Promise<void> {
    for (const { bucket, windowSeconds } of ticket.successBuckets) {
      await this.limiter.hit(bucket, Infinity, windowSeconds);
    }
  }
}
