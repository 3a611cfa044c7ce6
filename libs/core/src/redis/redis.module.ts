import { Global, Inject, Module, type DynamicModule, type OnApplicationShutdown } from '@nestjs/common';
import { Redis } from 'ioredis';
import type { AppConfig } from '../config/config.schema';
import { APP_CONFIG } from '../config/config.module';

export const REDIS = Symbol('REDIS');
export const REDIS_KEYS = Symbol('REDIS_KEYS');

/** Builds every Redis key of the process under one prefix, so test runs and deployments never collide. */
export class RedisKeys {
  constructor(readonly prefix: string) {}
  key(...parts: string[]): string {
    return [this.prefix, ...parts].join(':');
  }
}

/**
 * A Redis client that reconnects forever. `messaging` clients (pub/sub for socket.io and the command bus) keep their
 * commands queued through an outage instead of failing them: libraries issue those commands without handling a
 * rejection, and a failed one would surface as an unhandled rejection. Request-path clients fail fast instead.
 * No `CLIENT SETINFO` at connect: Redis before 7.2 answers it with an error, which the socket.io adapters' command
 * handler (`redis-io.adapter.ts`) reported as a lost command on every connect; the connection name says who we are.
 */
export function createRedis(url: string, name: string, options: { messaging?: boolean } = {}): Redis {
  const redis = new Redis(url, {
    connectionName: name,
    disableClientInfo: true,
    maxRetriesPerRequest: options.messaging ? null : 2,
    enableOfflineQueue: true,
    retryStrategy: (attempt) => Math.min(200 * attempt, 5_000),
  });
  // Connection errors are reported by health checks and retried; without a listener ioredis logs each one.
  redis.on('error', () => undefined);
  return redis;
}

@Global()
@Module({})
export class RedisModule implements OnApplicationShutdown {
  constructor(@Inject(REDIS) private readonly redis: Redis) {}

  static forRoot(): DynamicModule {
    return {
      module: RedisModule,
      providers: [
        {
          provide: REDIS,
          inject: [APP_CONFIG],
          useFactory: (config: AppConfig) => createRedis(config.REDIS_URL, 'farmhand'),
        },
        {
          provide: REDIS_KEYS,
          inject: [APP_CONFIG],
          useFactory: (config: AppConfig) => new RedisKeys(config.REDIS_PREFIX),
        },
      ],
      exports: [REDIS, REDIS_KEYS],
    };
  }

  async onApplicationShutdown(): Promise<void> {
    await this.redis.quit().catch(() => this.redis.disconnect());
  }
}
