import { Inject, Injectable } from '@nestjs/common';
import type { Redis } from 'ioredis';
import { DataSource } from 'typeorm';
import { REDIS } from '../redis/redis.module';

/**
 * `ok`: everything answers. `degraded`: Redis is away; requests still work (live updates, queues and rate limits wait
 * for it), so the instance stays ready: every instance shares the one Redis, and failing readiness everywhere at once
 * would turn a degraded service into an outage. `unavailable`: PostgreSQL is away and nothing useful can be served.
 * `shutting_down`: SIGTERM received, in-flight requests are finishing; load balancers must send nothing new.
 */
export type HealthStatus = 'ok' | 'degraded' | 'unavailable' | 'shutting_down';

export interface HealthReport {
  status: HealthStatus;
  checks: { database: 'up' | 'down'; redis: 'up' | 'down' };
}

/** The HTTP status a probe sees: only `ok` and `degraded` keep the instance in the load balancer. */
export function healthHttpStatus(report: HealthReport): number {
  return report.status === 'ok' || report.status === 'degraded' ? 200 : 503;
}

async function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error('timeout')), ms);
  });
  try {
    return await Promise.race([promise, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

@Injectable()
export class HealthService {
  private draining = false;

  constructor(
    private readonly dataSource: DataSource,
    @Inject(REDIS) private readonly redis: Redis,
  ) {}

  /** From now on the instance reports `shutting_down` (readiness fails) while it finishes what it started. */
  beginDraining(): void {
    this.draining = true;
  }

  async check(): Promise<HealthReport> {
    const [database, redis] = await Promise.all([
      withTimeout(this.dataSource.query('SELECT 1'), 2_000).then(
        () => 'up' as const,
        () => 'down' as const,
      ),
      withTimeout(this.redis.ping(), 2_000).then(
        () => 'up' as const,
        () => 'down' as const,
      ),
    ]);
    const status: HealthStatus = this.draining
      ? 'shutting_down'
      : database === 'down'
        ? 'unavailable'
        : redis === 'down'
          ? 'degraded'
          : 'ok';
    return { status, checks: { database, redis } };
  }
}
