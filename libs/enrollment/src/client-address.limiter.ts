import { Injectable } from '@nestjs/common';
import { RateLimiter, RequestContext } from '@farmhand/core';
import { REDEEM_FAILURES_PER_ADDRESS } from './enrollment.constants';
import { EnrollmentErrors } from './enrollment.exception';

/**
 * Per-client-address limits of the public enrollment endpoints. The address (resolved by core from the TCP peer and
 * TRUST_PROXY only) keys a counter and nothing else: requests without one share a single bucket.
 */
@Injectable()
export class ClientAddressLimiter {
  constructor(private readonly limiter: RateLimiter) {}

  /** Counts a request and refuses it (429) beyond `limit` per window. */
  async count(name: string, limit: { limit: number; windowSeconds: number }): Promise<void> {
    const result = await this.limiter.hit(this.bucket(name), limit.limit, limit.windowSeconds);
    if (!result.allowed) throw EnrollmentErrors.tooManyRequests(result.retryAfterSeconds);
  }

  /** Refuses (429) while the address has used up its failed redemptions; counts nothing. */
  async refuseAfterFailures(): Promise<void> {
    const result = await this.limiter.peek(this.bucket('redeem-failures'), REDEEM_FAILURES_PER_ADDRESS.limit);
    if (!result.allowed) throw EnrollmentErrors.tooManyRequests(result.retryAfterSeconds);
  }

  async recordFailure(): Promise<void> {
    await this.limiter.hit(
      this.bucket('redeem-failures'),
      REDEEM_FAILURES_PER_ADDRESS.limit,
      REDEEM_FAILURES_PER_ADDRESS.windowSeconds,
    );
  }

  private bucket(name: string): string {
    return `enrollment:${name}:${RequestContext.current()?.clientIp ?? 'none'}`;
  }
}
