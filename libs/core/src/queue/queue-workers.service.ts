import { Inject, Injectable, type OnApplicationShutdown } from '@nestjs/common';
import { Worker, type Job } from 'bullmq';
import type { Logger } from 'pino';
import type { AppConfig } from '../config/config.schema';
import { APP_CONFIG } from '../config/config.module';
import { LOGGER } from '../logging/logging.module';
import { RequestContext } from '../logging/request-context';
import { JobHandlerRegistry } from './job-handler.registry';
import { QUEUE_OPTIONS, type JobEnvelope, type QueueName } from './queue.registry';

/** Runs BullMQ workers for the queues a process consumes, dispatching each job to its @OnJob handler. */
@Injectable()
export class QueueWorkers implements OnApplicationShutdown {
  private readonly workers: Worker[] = [];

  constructor(
    private readonly registry: JobHandlerRegistry,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {}

  start(queues: readonly QueueName[]): void {
    this.registry.assertComplete(queues);
    const url = new URL(this.config.REDIS_URL);
    for (const queue of queues) {
      const worker = new Worker(queue, (job: Job) => this.process(job), {
        connection: {
          host: url.hostname,
          port: Number(url.port || 6379),
          password: url.password ? decodeURIComponent(url.password) : undefined,
          maxRetriesPerRequest: null,
        },
        prefix: `${this.config.REDIS_PREFIX}:bull`,
        concurrency: QUEUE_OPTIONS[queue].concurrency,
      });
      worker.on('failed', (job, error) =>
        this.logger.warn(
          { queue, job: job?.name, jobId: job?.id, attempts: job?.attemptsMade, err: error },
          'job failed',
        ),
      );
      worker.on('error', (error) => this.logger.error({ queue, err: error }, 'worker error'));
      this.workers.push(worker);
    }
    this.logger.info({ queues }, 'queue workers started');
  }

  private async process(job: Job): Promise<unknown> {
    const handler = this.registry.get(job.name);
    if (!handler) throw new Error(`No handler for job ${job.name}`);
    const envelope = job.data as JobEnvelope;
    return RequestContext.run(
      { correlationId: envelope.correlationId, orgId: envelope.orgId ?? undefined },
      async () => {
        const outcome = await handler(job.data, { id: job.id, attemptsMade: job.attemptsMade, name: job.name });
        this.logger.info({ job: job.name, jobId: job.id, outcome }, 'job done');
        return outcome;
      },
    );
  }

  /** Lets running jobs finish; unfinished ones go back to the queue for another worker. */
  async onApplicationShutdown(): Promise<void> {
    await Promise.all(this.workers.map((worker) => worker.close()));
  }
}
