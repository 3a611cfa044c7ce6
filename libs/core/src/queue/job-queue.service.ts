import { randomUUID } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import { ModuleRef } from '@nestjs/core';
import { getQueueToken } from '@nestjs/bullmq';
import type { JobsOptions, Queue } from 'bullmq';
import type { Logger } from 'pino';
import { LOGGER } from '../logging/logging.module';
import { RequestContext } from '../logging/request-context';
import { DEFAULT_JOB_OPTIONS, JOB_QUEUE, QUEUE_OPTIONS, type JobName, type JobPayloads } from './queue.registry';

/** Typed enqueueing: a job name only accepts its own payload type. */
@Injectable()
export class JobQueue {
  constructor(
    private readonly moduleRef: ModuleRef,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {}

  queueFor(name: JobName): Queue {
    return this.moduleRef.get<Queue>(getQueueToken(JOB_QUEUE[name]), { strict: false });
  }

  async enqueue<K extends JobName>(
    name: K,
    payload: JobPayloads[K],
    options: JobsOptions = {},
  ): Promise<string | undefined> {
    const queueName = JOB_QUEUE[name];
    // Work started outside any request (an agent's event, a timer) still gets one id from here to the agent.
    const correlationId = payload.correlationId ?? RequestContext.correlationId() ?? randomUUID();
    const data = { ...payload, correlationId };
    const job = await this.queueFor(name).add(name, data, {
      ...DEFAULT_JOB_OPTIONS,
      ...QUEUE_OPTIONS[queueName].defaults,
      ...options,
    });
    // The first link from a request to the job it caused. Frames arrive every few seconds per printer: debug only.
    const level = name === 'frame.infer' ? 'debug' : 'info';
    this.logger[level]({ queue: queueName, job: name, jobId: job.id, correlationId }, 'job enqueued');
    return job.id;
  }
}
