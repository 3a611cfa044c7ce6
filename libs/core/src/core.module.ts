import { Global, Module, type DynamicModule } from '@nestjs/common';
import { DiscoveryModule } from '@nestjs/core';
import { EventEmitterModule } from '@nestjs/event-emitter';
import type { Logger } from 'pino';
import type { DataSource } from 'typeorm';
import type { AppConfig } from './config/config.schema';
import { ConfigModule } from './config/config.module';
import { DatabaseModule } from './database/database.module';
import { DomainEvents } from './events/domain-events';
import { HealthService } from './health/health.service';
import { LoggingModule } from './logging/logging.module';
import { MetricsServer } from './metrics/metrics-server';
import { MetricsService } from './metrics/metrics.service';
import { JobHandlerRegistry } from './queue/job-handler.registry';
import { QueueMetrics } from './queue/queue-metrics';
import { QueueModule } from './queue/queue.module';
import { QueueWorkers } from './queue/queue-workers.service';
import { RateLimiter } from './rate-limit/rate-limiter.service';
import { RedisModule } from './redis/redis.module';

/** The platform every role stands on: configuration, logging, the DataSource, Redis, queues and events. */
@Global()
@Module({})
export class CoreModule {
  static forRoot(config: AppConfig, logger: Logger, dataSource: DataSource): DynamicModule {
    return {
      module: CoreModule,
      imports: [
        ConfigModule.forRoot(config),
        LoggingModule.forRoot(logger),
        DatabaseModule.forRoot(dataSource),
        RedisModule.forRoot(),
        QueueModule.forRoot(),
        EventEmitterModule.forRoot({ wildcard: false }),
        DiscoveryModule,
      ],
      providers: [
        RateLimiter,
        DomainEvents,
        HealthService,
        JobHandlerRegistry,
        QueueWorkers,
        MetricsService,
        MetricsServer,
        QueueMetrics,
      ],
      exports: [
        RateLimiter,
        DomainEvents,
        HealthService,
        JobHandlerRegistry,
        QueueWorkers,
        MetricsService,
        MetricsServer,
        QueueMetrics,
      ],
    };
  }
}
