import { Inject, Injectable } from '@nestjs/common';
import type { Redis } from 'ioredis';
import { RateLimiterMemory, RateLimiterRedis, RateLimiterRes } from 'rate-limiter-flexible';
import { DomainException } from '../errors/domain.exception';
import { REDIS, REDIS_KEYS, type RedisKeys } from '../redis/redis.module';

/**
 * One family of counters: `points` per `durationSeconds` and key, counted in Redis by rate-limiter-flexible (one Lua
 * call increments and sets the expiry together, so no counter can outlive its window), shared by every instance.
 */
export interface RateLimit {
  /** Names the family in Redis keys (`<prefix>:ratelimit:<name>:<key>`). */
  name: string;
  points: number;
  durationSeconds: number;
  /**
   * While Redis cannot be reached: `memory` counts in this process instead (the same limit per instance, so N
   * instances allow N times as much; an outage neither locks everyone out nor lifts the limit), `closed` refuses with
   * 503 (where the arithmetic of docs/security.md needs one shared count: pairing-code guessing).
   */
  whenRedisDown: 'memory' | 'closed';
}

export interface RateLimitResult {
  /** Whether this consumption stayed within the limit. */
  allowed: boolean;
  /** Points consumed in the current window, this consumption included. */
  consumed: number;
  retryAfterSeconds: number;
}

/**
 * Counters that count before anything is checked: `consume` spends a point atomically and answers whether it fit,
 * so N concurrent requests against a limit of L let exactly L through. Callers credit successes back with `reward`.
 */
@Injectable()
export class RateLimiter {
  private readonly limiters = new Map<string, RateLimiterRedis>();

  constructor(
    @Inject(REDIS) private readonly redis: Redis,
    @Inject(REDIS_KEYS) private readonly keys: RedisKeys,
  ) {}

  async consume(limit: RateLimit, key: string, points = 1): Promise<RateLimitResult> {
    try {
      const result = await this.limiterFor(limit).consume(key, points);
      return resultOf(result, true);
    } catch (error) {
      if (error instanceof RateLimiterRes) return resultOf(error, false);
      throw unavailable(error);
    }
  }

  /** Gives points back (a success that should not count as a failure); never below zero in effect. */
  async reward(limit: RateLimit, key: string, points = 1): Promise<void> {
    try {
      await this.limiterFor(limit).reward(key, points);
    } catch (error) {
      throw unavailable(error);
    }
  }

  /** Points consumed in the current window, without consuming. */
  async consumed(limit: RateLimit, key: string): Promise<number> {
    try {
      return (await this.limiterFor(limit).get(key))?.consumedPoints ?? 0;
    } catch (error) {
      throw unavailable(error);
    }
  }

  async reset(limit: RateLimit, key: string): Promise<void> {
    try {
      await this.limiterFor(limit).delete(key);
    } catch (error) {
      throw unavailable(error);
    }
  }

  private limiterFor(limit: RateLimit): RateLimiterRedis {
    const id = `${limit.name}/${limit.points}/${limit.durationSeconds}/${limit.whenRedisDown}`;
    let limiter = this.limiters.get(id);
    if (!limiter) {
      limiter = new RateLimiterRedis({
        storeClient: this.redis,
        keyPrefix: this.keys.key('ratelimit', limit.name),
        points: limit.points,
        duration: limit.durationSeconds,
        // Do not wait out ioredis' reconnects: a request in an outage is answered now, by memory or by a 503.
        rejectIfRedisNotReady: true,
        insuranceLimiter:
          limit.whenRedisDown === 'memory'
            ? new RateLimiterMemory({ points: limit.points, duration: limit.durationSeconds })
            : undefined,
      });
      this.limiters.set(id, limiter);
    }
    return limiter;
  }
}

function resultOf(result: RateLimiterRes, allowed: boolean): RateLimitResult {
  return {
    allowed,
    consumed: result.consumedPoints,
    retryAfterSeconds: Math.max(1, Math.ceil(result.msBeforeNext / 1000)),
  };
}

function unavailable(cause: unknown): DomainException {
  const exception = new DomainException(
    'unavailable',
    'rate_limit_unavailable',
    'This action is paused while a backing service is unavailable; try again shortly',
  );
  (exception as { cause?: unknown }).cause = cause;
  return exception;
}
