import { setTimeout as delay } from 'node:timers/promises';
import { Inject, Injectable, type OnApplicationShutdown } from '@nestjs/common';
import { Worker, type Job } from 'bullmq';
import type { Logger } from 'pino';
import type { AppConfig } from '../config/config.schema';
import { APP_CONFIG } from '../config/config.module';
import { LOGGER } from '../logging/logging.module';
import { RequestContext } from '../logging/request-context';
import { JobHandlerRegistry } from './job-handler.registry';
import { QueueMetrics } from './queue-metrics';
import { QUEUE_OPTIONS, type JobEnvelope, type QueueName } from './queue.registry';

/** Runs BullMQ workers for the queues a process consumes, dispatching each job to its @OnJob handler. */
@Injectable()
export class QueueWorkers implements OnApplicationShutdown {
  private readonly workers: Worker[] = [];
  /** Jobs this process is running now, by id (with their lock token), to hand back on shutdown. */
  private readonly running = new Map<string, Job>();

  constructor(
    private readonly registry: JobHandlerRegistry,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @Inject(LOGGER) private readonly logger: Logger,
    private readonly queueMetrics: QueueMetrics,
  ) {}

  start(queues: readonly QueueName[]): void {
    this.registry.assertComplete(queues);
    const url = new URL(this.config.REDIS_URL);
    for (const queue of queues) {
      const worker = new Worker(queue, (job: Job) => this.measured(job), {
        connection: {
          host: url.hostname,
          port: Number(url.port || 6379),
          password: url.password ? decodeURIComponent(url.password) : undefined,
          maxRetriesPerRequest: null,
        },
        prefix: `${this.config.REDIS_PREFIX}:bull`,
        concurrency: QUEUE_OPTIONS[queue].concurrency,
        // A job's lock is renewed while it runs; a killed worker's job is noticed as stalled by another worker
        // within about two lock durations and retried there (twice at most: a job that keeps killing workers fails).
        lockDuration: this.config.QUEUE_LOCK_DURATION_MS,
        stalledInterval: this.config.QUEUE_LOCK_DURATION_MS,
        maxStalledCount: 2,
      });
      worker.on('failed', (job, error) =>
        this.logger.warn(
          { queue, job: job?.name, jobId: job?.id, attempts: job?.attemptsMade, err: error },
          'job failed',
        ),
      );
      worker.on('error', (error) => this.logger.error({ queue, err: error }, 'worker error'));
      worker.on('active', (job) => this.running.set(job.id!, job));
      worker.on('completed', (job) => this.running.delete(job.id!));
      worker.on('failed', (job) => job?.id && this.running.delete(job.id));
      this.workers.push(worker);
    }
    this.logger.info({ queues }, 'queue workers started');
  }

  /** Records the job's duration and outcome (`farmhand_job_duration_seconds`). */
  private measured(job: Job): Promise<unknown> {
    return this.queueMetrics.timeJob(job.queueName, job.name, () => this.process(job));
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

  /**
   * SIGTERM: takes no new jobs and lets the running ones finish within `graceMs`. Those still running then are
   * handed back (moved to waiting under their own lock) so another worker takes them at once instead of after the
   * lock expires; their handlers are idempotent (a dispatch retried is the same command, run once by the agent).
   * Returns how many were handed back: the process should exit without waiting for them.
   */
  async drain(graceMs: number): Promise<number> {
    const closing = Promise.all(this.workers.map((worker) => worker.close()));
    const timer = new AbortController();
    const finished = await Promise.race([
      closing.then(() => true),
      delay(graceMs, false, { signal: timer.signal }).catch(() => false),
    ]);
    timer.abort();
    if (finished) return 0;
    const unfinished = [...this.running.values()];
    const results = await Promise.allSettled(unfinished.map((job) => job.moveToWait(job.token)));
    const handedBack = results.filter((result) => result.status === 'fulfilled').length;
    this.logger.warn(
      { handedBack, jobs: unfinished.map((job) => ({ job: job.name, jobId: job.id })) },
      'grace period over: unfinished jobs handed back to the queue',
    );
    return Math.max(handedBack, unfinished.length);
  }

  /** Lets running jobs finish; unfinished ones go back to the queue for another worker. */
  async onApplicationShutdown(): Promise<void> {
    await Promise.all(this.workers.map((worker) => worker.close()));
  }
}
