import { JobQueue, QueueWorkers } from '@farmhand/core';
import {
  createTestDatabase,
  startWorker,
  testRedisPrefix,
  waitFor,
  type RoleHarness,
  type TestDatabase,
} from '@farmhand/testing';
import type { Job } from 'bullmq';
import { Client } from 'pg';

/** The worker's SIGTERM path when a job outlasts the grace period: it is handed back, and another worker runs it. */
describe('worker drain past the grace period', () => {
  let database: TestDatabase;
  // Both workers share the database and the queues: the second takes the job the first hands back.
  let redisPrefix: string;
  const settings = { QUEUE_LOCK_DURATION_MS: '30000' };
  const workers: RoleHarness[] = [];
  let blocker: Client;

  beforeAll(async () => {
    database = await createTestDatabase();
    redisPrefix = testRedisPrefix();
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
    const first = await startWorker(settings, { database, redisPrefix });
    workers.push(first);
    // The prune job blocks on this lock: a job that cannot finish within the grace period.
    await blocker.query('BEGIN');
    await blocker.query('LOCK TABLE audit_entries IN ACCESS EXCLUSIVE MODE');
    const jobs = first.app.get(JobQueue);
    await jobs.enqueue('audit.prune', { orgId: null, olderThanDays: 365 });
    const queue = jobs.queueFor('audit.prune');
    // The maintenance queue runs one job at a time: whichever prune runs first is stuck on the lock.
    let active: Job[] = [];
    await waitFor(async () => (active = await queue.getActive()).length > 0, 'a job running');

    // The lock would keep it for 30 s; handed back, it is waiting again right away. Other jobs the worker started
    // (a scheduled job that writes an audit entry waits on the same lock) are handed back too: count them all.
    const handedBack = await first.app.get(QueueWorkers).drain(300);
    expect(handedBack).toBeGreaterThanOrEqual(active.length);
    for (const job of active) expect(await queue.getJobState(job.id!)).toBe('waiting');

    await blocker.query('ROLLBACK');
    const second = await startWorker(settings, { database, redisPrefix });
    workers.push(second);
    for (const job of active) {
      await waitFor(async () => (await queue.getJobState(job.id!)) === 'completed', 'completed by the second worker');
    }
  });
});
