import { Inject, Injectable } from '@nestjs/common';
import type { Redis } from 'ioredis';
import { REDIS, REDIS_KEYS, type RedisKeys } from '../redis/redis.module';

export interface RateLimitResult {
  allowed: boolean;
  count: number;
  retryAfterSeconds: number;
}

/**
 * Fixed-window counters in Redis, shared by every api instance. Used for login throttling and code-guessing
 * lockouts; callers pick the key (account, client address, organization).
 */
@Injectable()
export class RateLimiter {
  constructor(
    @Inject(REDIS) private readonly redis: Redis,
    @Inject(REDIS_KEYS) private readonly keys: RedisKeys,
  ) {}

  /** Counts one hit and says whether it stays within `limit` for the window. */
  async hit(bucket: string, limit: number, windowSeconds: number): Promise<RateLimitResult> {
    const key = this.keys.key('ratelimit', bucket);
    const [[, count], [, ttl]] = (await this.redis.multi().incr(key).ttl(key).exec()) as [
      [null, number],
      [null, number],
    ];
    if (ttl < 0) await this.redis.expire(key, windowSeconds);
    return { allowed: count <= limit, count, retryAfterSeconds: ttl > 0 ? ttl : windowSeconds };
  }

  /** Reads without counting. */
  async peek(bucket: string, limit: number): Promise<RateLimitResult> {
    const key = this.keys.key('ratelimit', bucket);
    const [count, ttl] = await Promise.all([this.redis.get(key), this.redis.ttl(key)]);
    const value = Number(count ?? 0);
    return { allowed: value < limit, count: value, retryAfterSeconds: Math.max(ttl, 0) };
  }

  async reset(bucket: string): Promise<void> {
    await this.redis.del(this.keys.key('ratelimit', bucket));
  }
}
