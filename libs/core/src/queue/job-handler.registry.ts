import { Injectable, type OnModuleInit } from '@nestjs/common';
import { DiscoveryService, MetadataScanner, Reflector } from '@nestjs/core';
import { JOB_HANDLER_METADATA } from './job-handler.decorator';
import { JOB_QUEUE, type JobName, type JobOutcome, type QueueName } from './queue.registry';

type Handler = (payload: unknown, job: { id?: string; attemptsMade: number; name: string }) => Promise<JobOutcome>;

/**
 * Collects every @OnJob method of the process. `assertComplete` refuses to run a worker that consumes a queue
 * while some job of that queue has no handler, or a job name with two handlers.
 */
@Injectable()
export class JobHandlerRegistry implements OnModuleInit {
  private readonly handlers = new Map<JobName, Handler>();

  constructor(
    private readonly discovery: DiscoveryService,
    private readonly scanner: MetadataScanner,
    private readonly reflector: Reflector,
  ) {}

  onModuleInit(): void {
    for (const wrapper of this.discovery.getProviders()) {
      const instance = wrapper.instance as Record<string, unknown> | undefined;
      if (!instance || typeof instance !== 'object') continue;
      const prototype = Object.getPrototypeOf(instance) as object;
      for (const methodName of this.scanner.getAllMethodNames(prototype)) {
        const method = instance[methodName];
        if (typeof method !== 'function') continue;
        const name = this.reflector.get<JobName | undefined>(JOB_HANDLER_METADATA, method as () => unknown);
        if (!name) continue;
        if (this.handlers.has(name)) throw new Error(`Job ${name} has two handlers`);
        this.handlers.set(name, (method as Handler).bind(instance));
      }
    }
  }

  assertComplete(queues: readonly QueueName[]): void {
    const missing = (Object.keys(JOB_QUEUE) as JobName[]).filter(
      (name) => queues.includes(JOB_QUEUE[name]) && !this.handlers.has(name),
    );
    if (missing.length) throw new Error(`No handler for job(s): ${missing.join(', ')}`);
  }

  get(name: string): Handler | undefined {
    return this.handlers.get(name as JobName);
  }
}
