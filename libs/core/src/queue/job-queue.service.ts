import { Injectable } from '@nestjs/common';
import { ModuleRef } from '@nestjs/core';
import { getQueueToken } from '@nestjs/bullmq';
import type { JobsOptions, Queue } from 'bullmq';
import { RequestContext } from '../logging/request-context';
import { DEFAULT_JOB_OPTIONS, JOB_QUEUE, QUEUE_OPTIONS, type JobName, type JobPayloads } from './queue.registry';

/** Typed enqueueing: a job name only accepts its own payload type. */
@Injectable()
export class JobQueue {
  constructor(private readonly moduleRef: ModuleRef) {}

  queueFor(name: JobName): Queue {
    return this.moduleRef.get<Queue>(getQueueToken(JOB_QUEUE[name]), { strict: false });
  }

  async enqueue<K extends JobName>(
    name: K,
    payload: JobPayloads[K],
    options: JobsOptions = {},
  ): Promise<string | undefined> {
    const queueName = JOB_QUEUE[name];
    const data = { ...payload, correlationId: payload.correlationId ?? RequestContext.correlationId() };
    const job = await this.queueFor(name).add(name, data, {
      ...DEFAULT_JOB_OPTIONS,
      ...QUEUE_OPTIONS[queueName].defaults,
      ...options,
    });
    return job.id;
  }
}
