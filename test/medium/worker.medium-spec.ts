import { createLogger, JobQueue, loadConfig } from '@farmhand/core';
import { createTestDatabase, REDIS_URL, testRedisPrefix, type TestDatabase } from '@farmhand/testing';
import type { INestApplicationContext } from '@nestjs/common';
import { QueueEvents } from 'bullmq';
import { DataSource } from 'typeorm';
import { createWorker } from '../../apps/worker/src/bootstrap';

describe('worker', () => {
  let database: TestDatabase;
  let worker: INestApplicationContext;
  let prefix: string;
  beforeAll(async () => {
    database = await createTestDatabase();
    prefix = testRedisPrefix();
    const config = loadConfig({
      NODE_ENV: 'test',
      DATABASE_URL: database.url,
      REDIS_URL,
      REDIS_PREFIX: prefix,
      LOG_LEVEL: 'silent',
    });
    worker = await createWorker(config, createLogger('worker-test', 'silent'));
  });
  afterAll(async () => {
    await worker.close();
    await database.drop();
  });

  it('prunes audit entries past retention through the queue', async () => {
    const dataSource = worker.get(DataSource);
    await dataSource.query(
      `INSERT INTO audit_entries (org_id, actor_type, actor_label, action, subject_type, result, created_at)
       VALUES (NULL, 'system', 'test', 'old.thing', 'Test', 'success', now() - interval '400 days'),
              (NULL, 'system', 'test', 'new.thing', 'Test', 'success', now())`,
    );
    const queue = worker.get(JobQueue).queueFor('audit.prune');
    const events = new QueueEvents(queue.name, { connection: { url: REDIS_URL } as never, prefix: `${prefix}:bull` });
    await events.waitUntilReady();
    const id = await worker.get(JobQueue).enqueue('audit.prune', { orgId: null, olderThanDays: 365 });
    const job = await queue.getJob(id!);
    const result = await job!.waitUntilFinished(events, 30_000);
    await events.close();
    // The daily scheduler may have run first and done the work already; either way the old entry is gone.
    expect(result).toEqual({ status: 'pruned', deleted: expect.any(Number) });
    const remaining = await dataSource.query(`SELECT action FROM audit_entries`);
    expect(remaining.map((row: { action: string }) => row.action)).toEqual(['new.thing']);
  });

  it('declares its periodic maintenance once, however many workers start', async () => {
    const schedulers = await worker.get(JobQueue).queueFor('audit.prune').getJobSchedulers();
    expect(schedulers.map((s) => s.key ?? s.id).sort()).toEqual([
      'audit-prune-daily',
      'files-staging-prune-hourly',
      'frames-prune-hourly',
      'sessions-prune-hourly',
    ]);
  });
});
