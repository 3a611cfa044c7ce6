import { Injectable } from '@nestjs/common';
import { RateLimiter, RequestContext, sha256Hex, type RateLimit } from '@farmhand/core';
import { REDEEM_FAILURE_LIMITS } from './enrollment.constants';
import { EnrollmentErrors } from './enrollment.exception';

/** A redemption or poll under way: its failure points are already spent, and given back if it succeeds. */
export interface SecretAttempt {
  secretKey: string | null;
  /** Over a failure limit: a failure is answered 429 instead of its usual 4xx. A success is never refused. */
  refused: boolean;
  retryAfterSeconds: number;
}

/**
 * Limits of the public enrollment endpoints, per client address (resolved by core from the TCP peer and TRUST_PROXY
 * only; requests without one share a single bucket) and per presented secret. The address keys counters and nothing
 * else.
 */
@Injectable()
export class ClientAddressLimiter {
  constructor(private readonly limiter: RateLimiter) {}

  /** Counts a request and refuses it (429) beyond `limit` per window. */
  async count(limit: RateLimit): Promise<void> {
    const result = await this.limiter.consume(limit, this.address());
    if (!result.allowed) throw EnrollmentErrors.tooManyRequests(result.retryAfterSeconds);
  }

  /**
   * Counts a failure up front, per address and per presented secret (a device code's hash, a token's id), before the
   * secret is looked up; `settle` gives the points back when it was valid. Only failures are ever refused: a valid
   * device code or token gets its answer however many bad ones came from the same address, so one broken or hostile
   * agent behind a NAT cannot lock out the agents beside it.
   */
  async begin(secretKey: string | null): Promise<SecretAttempt> {
    const results = await Promise.all([
      this.limiter.consume(REDEEM_FAILURE_LIMITS.perAddress, this.address()),
      secretKey ? this.limiter.consume(REDEEM_FAILURE_LIMITS.perSecret, secretKey) : null,
    ]);
    const over = results.filter((result) => result !== null && !result.allowed);
    return {
      secretKey,
      refused: over.length > 0,
      retryAfterSeconds: Math.max(1, ...over.map((result) => result!.retryAfterSeconds)),
    };
  }

  /** A valid secret: its up-front failure points are given back. */
  async succeeded(attempt: SecretAttempt): Promise<void> {
    await Promise.all([
      this.limiter.reward(REDEEM_FAILURE_LIMITS.perAddress, this.address()),
      attempt.secretKey ? this.limiter.reward(REDEEM_FAILURE_LIMITS.perSecret, attempt.secretKey) : null,
    ]);
  }

  /** The answer to a failed attempt: `failure` within the limits, 429 beyond them. */
  failed(attempt: SecretAttempt, failure: Error): never {
    throw attempt.refused ? EnrollmentErrors.tooManyRequests(attempt.retryAfterSeconds) : failure;
  }

  private address(): string {
    return RequestContext.current()?.clientIp ?? 'none';
  }
}

/** The counter key of a presented secret: a digest, so Redis never holds a usable code. */
export function secretCounterKey(kind: 'device-code' | 'token', value: string): string {
  return `${kind}:${sha256Hex(value).slice(0, 32)}`;
}
