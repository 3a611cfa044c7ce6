import { Injectable } from '@nestjs/common';
import { ModuleRef } from '@nestjs/core';
import { getQueueToken } from '@nestjs/bullmq';
import type { Queue } from 'bullmq';
import type { Histogram } from 'prom-client';
import { MetricsService } from '../metrics/metrics.service';
import { QueueName } from './queue.registry';

/** Job states reported as queue depth. */
export const QUEUE_DEPTH_STATES = ['waiting', 'active', 'delayed', 'failed'] as const;
/** Depth is read from Redis at most this often, however often Prometheus (or several) scrape. */
const DEPTH_CACHE_MS = 5_000;
/** A scrape never waits longer than this for Redis (BullMQ's connection queues commands while Redis is away). */
const DEPTH_TIMEOUT_MS = 1_000;

type Depths = Map<QueueName, Record<string, number>>;

/**
 * The queues' Prometheus metrics, in every role: depth per queue and state (`farmhand_queue_jobs`, read on scrape
 * from BullMQ's counts, cached a few seconds; absent while Redis does not answer) and the duration of each job this
 * process ran, by queue, job name and outcome (`farmhand_job_duration_seconds`).
 */
@Injectable()
export class QueueMetrics {
  private readonly durations: Histogram<string>;
  private cached: { at: number; depths: Promise<Depths | null> } | null = null;

  constructor(
    private readonly moduleRef: ModuleRef,
    metrics: MetricsService,
  ) {
    this.durations = metrics.histogram(
      'farmhand_job_duration_seconds',
      'Time a job handler ran in this process, by queue, job name and outcome (failed: it threw, to be retried)',
      ['queue', 'job', 'outcome'],
      [0.005, 0.025, 0.1, 0.25, 0.5, 1, 2.5, 5, 15, 60, 300],
    );
    const read = () => this.depths();
    metrics.gauge(
      'farmhand_queue_jobs',
      'Jobs in each queue by state (waiting, active, delayed, failed), shared by every instance',
      ['queue', 'state'],
      async function () {
        const depths = await read();
        this.reset();
        if (!depths) return;
        for (const [queue, counts] of depths) {
          for (const state of QUEUE_DEPTH_STATES) this.set({ queue, state }, counts[state] ?? 0);
        }
      },
    );
  }

  /** Runs one job's handler and records how long it took and whether it threw. */
  async timeJob<T>(queue: string, job: string, run: () => Promise<T>): Promise<T> {
    const stop = this.durations.startTimer({ queue, job });
    try {
      const result = await run();
      stop({ outcome: 'completed' });
      return result;
    } catch (error) {
      stop({ outcome: 'failed' });
      throw error;
    }
  }

  private depths(): Promise<Depths | null> {
    const now = Date.now();
    if (!this.cached || now - this.cached.at >= DEPTH_CACHE_MS) {
      this.cached = { at: now, depths: this.readDepths() };
    }
    return this.cached.depths;
  }

  private async readDepths(): Promise<Depths | null> {
    const queues = Object.values(QueueName).map(
      (name) => [name, this.moduleRef.get<Queue>(getQueueToken(name), { strict: false })] as const,
    );
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<null>((resolve) => (timer = setTimeout(() => resolve(null), DEPTH_TIMEOUT_MS)));
    const counts = Promise.all(
      queues.map(async ([name, queue]) => [name, await queue.getJobCounts(...QUEUE_DEPTH_STATES)] as const),
    ).then(
      (entries): Depths => new Map(entries),
      () => null,
    );
    try {
      return await Promise.race([counts, timeout]);
    } finally {
      clearTimeout(timer);
    }
  }
}
