import type { ModuleRef } from '@nestjs/core';
import { MetricsService } from '../metrics/metrics.service';
import { QueueMetrics } from './queue-metrics';
import { QueueName } from './queue.registry';

/** Queues as BullMQ would answer them; `fail` makes every count read reject (Redis away). */
function fakeQueues(counts: Record<string, number>) {
  const state = { reads: 0, fail: false };
  const queue = {
    getJobCounts: jest.fn(async (...states: string[]) => {
      state.reads += 1;
      if (state.fail) throw new Error('Connection is closed.');
      return Object.fromEntries(states.map((name) => [name, counts[name] ?? 0]));
    }),
  };
  const moduleRef = { get: () => queue } as unknown as ModuleRef;
  return { moduleRef, state };
}

describe('QueueMetrics', () => {
  it('times a job by queue, name and outcome, and rethrows a failure for BullMQ to retry', async () => {
    const metrics = new MetricsService();
    const queues = new QueueMetrics(fakeQueues({}).moduleRef, metrics);
    await expect(queues.timeJob('dispatch', 'copy.dispatch', async () => ({ status: 'printing' }))).resolves.toEqual({
      status: 'printing',
    });
    await expect(
      queues.timeJob('dispatch', 'copy.dispatch', async () => {
        throw new Error('no answer');
      }),
    ).rejects.toThrow('no answer');
    const text = await metrics.render();
    expect(text).toContain(
      'farmhand_job_duration_seconds_count{queue="dispatch",job="copy.dispatch",outcome="completed"} 1',
    );
    expect(text).toContain(
      'farmhand_job_duration_seconds_count{queue="dispatch",job="copy.dispatch",outcome="failed"} 1',
    );
  });

  it('reports depth per queue and state, read once for scrapes close together', async () => {
    const metrics = new MetricsService();
    const { moduleRef, state } = fakeQueues({ waiting: 3, active: 1, delayed: 2, failed: 0, completed: 99 });
    new QueueMetrics(moduleRef, metrics);
    const first = await metrics.render();
    const second = await metrics.render();
    for (const queue of Object.values(QueueName)) {
      expect(first).toContain(`farmhand_queue_jobs{queue="${queue}",state="waiting"} 3`);
      expect(first).toContain(`farmhand_queue_jobs{queue="${queue}",state="failed"} 0`);
    }
    expect(first).not.toContain('state="completed"');
    const depth = (text: string) => text.split('\n').filter((line) => line.startsWith('farmhand_queue_jobs{'));
    expect(depth(second)).toEqual(depth(first));
    // One read per queue, shared by both scrapes.
    expect(state.reads).toBe(Object.values(QueueName).length);
  });

  it('leaves depth out, rather than stale or zero, while Redis does not answer', async () => {
    const metrics = new MetricsService();
    const { moduleRef, state } = fakeQueues({ waiting: 3 });
    state.fail = true;
    new QueueMetrics(moduleRef, metrics);
    const text = await metrics.render();
    expect(text).toContain('# TYPE farmhand_queue_jobs gauge');
    expect(text).not.toMatch(/^farmhand_queue_jobs\{/m);
  });
});
