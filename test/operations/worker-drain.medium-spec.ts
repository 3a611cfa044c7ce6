import { createLogger, JobQueue, loadConfig, QueueWorkers, type AppConfig } from '@farmhand/core';
import { createTestDatabase, REDIS_URL, testRedisPrefix, type TestDatabase } from '@farmhand/testing';
import type { INestApplicationContext } from '@nestjs/common';
import type { Job } from 'bullmq';
import { Client } from 'pg';
import { createWorker } from '../../apps/worker/src/bootstrap';
import { waitFor } from '../agents/agent-harness';

/** The worker's SIGTERM path when a job outlasts the grace period: it is handed back, and another worker runs it. */
describe('worker drain past the grace period', () => {
  let database: TestDatabase;
  let config: AppConfig;
  const workers: INestApplicationContext[] = [];
  let blocker: Client;

  beforeAll(async () => {
    database = await createTestDatabase();
    config = loadConfig({
      NODE_ENV: 'test',
      DATABASE_URL: database.url,
      REDIS_URL,
      REDIS_PREFIX: testRedisPrefix(),
      LOG_LEVEL: 'silent',
      METRICS_PORT: '0',
      QUEUE_LOCK_DURATION_MS: '30000',
    });
    blocker = new Client({ connectionString: database.url });
    await blocker.connect();
  });

  afterAll(async () => {
    await blocker.query('ROLLBACK').catch(() => undefined);
    await blocker.end();
    for (const worker of workers) await worker.close();
    await database.drop();
  });

  it('hands a job still running after the grace period back to the queue, at once, for another worker', async () => {
    const first = await createWorker(config, createLogger('worker-test', 'silent'));
    workers.push(first);
    // The prune job blocks on this lock: a job that cannot finish within the grace period.
    await blocker.query('BEGIN');
    await blocker.query('LOCK TABLE audit_entries IN ACCESS EXCLUSIVE MODE');
    const jobs = first.get(JobQueue);
    await jobs.enqueue('audit.prune', { orgId: null, olderThanDays: 365 });
    const queue = jobs.queueFor('audit.prune');
    // The maintenance queue runs one job at a time: whichever prune runs first is stuck on the lock.
    let active: Job[] = [];
    await waitFor(async () => (active = await queue.getActive()).length > 0, 'a job running');

    // The lock would keep it for 30 s; handed back, it is waiting again right away.
    const handedBack = await first.get(QueueWorkers).drain(300);
    expect(handedBack).toBe(active.length);
    for (const job of active) expect(await queue.getJobState(job.id!)).toBe('waiting');

    await blocker.query('ROLLBACK');
    const second = await createWorker(config, createLogger('worker-test', 'silent'));
    workers.push(second);
    for (const job of active) {
      await waitFor(async () => (await queue.getJobState(job.id!)) === 'completed', 'completed by the second worker');
    }
  });
});
