import { JobQueue } from '@farmhand/core';
import { REDIS_URL, startWorker, type RoleHarness } from '@farmhand/testing';
import { QueueEvents } from 'bullmq';
import { DataSource } from 'typeorm';

describe('worker', () => {
  let worker: RoleHarness;
  beforeAll(async () => {
    worker = await startWorker();
  });
  afterAll(async () => {
    await worker.close();
  });

  it('prunes audit entries past retention through the queue', async () => {
    const dataSource = worker.app.get(DataSource);
    await dataSource.query(
      `INSERT INTO audit_entries (org_id, actor_type, actor_label, action, subject_type, result, created_at)
       VALUES (NULL, 'system', 'test', 'old.thing', 'Test', 'success', now() - interval '400 days'),
              (NULL, 'system', 'test', 'new.thing', 'Test', 'success', now())`,
    );
    const queue = worker.app.get(JobQueue).queueFor('audit.prune');
    const events = new QueueEvents(queue.name, {
      connection: { url: REDIS_URL } as never,
      prefix: `${worker.config.REDIS_PREFIX}:bull`,
    });
    await events.waitUntilReady();
    const id = await worker.app.get(JobQueue).enqueue('audit.prune', { orgId: null, olderThanDays: 365 });
    const job = await queue.getJob(id!);
    const result = await job!.waitUntilFinished(events, 30_000);
    await events.close();
    // The daily scheduler may have run first and done the work already; either way the old entry is gone.
    expect(result).toEqual({ status: 'pruned', deleted: expect.any(Number) });
    const remaining = await dataSource.query(`SELECT action FROM audit_entries`);
    expect(remaining.map((row: { action: string }) => row.action)).toEqual(['new.thing']);
  });

  it('declares its periodic maintenance once, however many workers start', async () => {
    const schedulers = await worker.app.get(JobQueue).queueFor('audit.prune').getJobSchedulers();
    expect(schedulers.map((s) => s.key ?? s.id).sort()).toEqual([
      'audit-prune-daily',
      'files-staging-prune-hourly',
      'frames-prune-hourly',
      'maintenance-due-sweep',
      'reports-refresh',
      'sessions-prune-hourly',
    ]);
  });
});
