/**
 * Scheduler pass over a large queue, in a real scratch database (created, migrated, dropped): 10,000 queued copies
 * (2,000 jobs of 5, mixed materials, sizes, priorities, some limited to fleets or tags) and 1,000 ready printers in
 * 10 fleets, every printer online. One pass = read ready printers, take fleet locks, lock printers, read the queue,
 * match in memory, lock the chosen copies (SKIP LOCKED), assign them with their attempt rows, audit: one transaction.
 * The stagger is lifted (1,000 starts per fleet per minute) so the pass can fill every printer it can.
 * Baseline, same process and data: the two plain reads any pass needs (ready printers, queued jobs with counts),
 * no locks, no matching, no writes. Three rounds, the queue reset between them; the best round counts.
 * Last line:
 *   scheduler 10000 copies x 1000 printers: pass <ms> ms, <n> assignments/s
 * Run: npx tsx bench/scheduler.ts   (BENCH_POSTGRES_URL, default postgres://postgres@127.0.0.1:5432/postgres)
 */
import 'reflect-metadata';
import { randomBytes } from 'node:crypto';
import { runMigrationsWithLock } from '@farmhand/core';
import { SchedulerRepository } from '@farmhand/jobs';
import { createFarmhandDataSource } from '@farmhand/schema';
import { Client } from 'pg';
import { SchedulerFixture, standaloneScheduler, type JobSpec, type PrinterSpec } from '../test/jobs/scheduler-fixture';

const COPIES = 10_000;
const COPIES_PER_JOB = 5;
const PRINTERS = 1_000;
const FLEETS = 10;
const ROUNDS = 3;
const ADMIN_URL = process.env.BENCH_POSTGRES_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';

/** Deterministic, so every run benchmarks the same farm. */
function random(seed: number): () => number {
  let state = seed;
  return () => {
    state = (state * 1_103_515_245 + 12_345) % 2_147_483_648;
    return state / 2_147_483_648;
  };
}

async function admin(sql: string): Promise<void> {
  const client = new Client({ connectionString: ADMIN_URL });
  await client.connect();
  try {
    await client.query(sql);
  } finally {
    await client.end();
  }
}

async function timed<T>(run: () => Promise<T>): Promise<{ ms: number; result: T }> {
  const start = process.hrtime.bigint();
  const result = await run();
  return { ms: Number(process.hrtime.bigint() - start) / 1e6, result };
}

async function main(): Promise<void> {
  const name = `fh_bench_scheduler_${randomBytes(4).toString('hex')}`;
  await admin(`CREATE DATABASE "${name}"`);
  const url = new URL(ADMIN_URL);
  url.pathname = `/${name}`;
  const dataSource = createFarmhandDataSource(url.toString(), { poolSize: 4, applicationName: 'bench-scheduler' });
  try {
    await dataSource.initialize();
    await runMigrationsWithLock(dataSource);
    const fixture = new SchedulerFixture(dataSource);
    const fleets = await fixture.createOrganization(FLEETS);
    const next = random(42);
    const materials = ['PLA', 'PLA', 'PLA', 'PLA', 'PLA', 'PLA', 'PLA', 'PETG', 'PETG', 'ABS'];
    const beds: [number, number, number][] = [
      [250, 210, 220],
      [250, 210, 220],
      [300, 300, 300],
      [350, 350, 350],
    ];
    const printers: PrinterSpec[] = Array.from({ length: PRINTERS }, (_, index) => ({
      fleetId: fleets[index % FLEETS]!,
      material: materials[Math.floor(next() * materials.length)]!,
      nozzle: next() < 0.9 ? 0.4 : 0.6,
      build: beds[Math.floor(next() * beds.length)]!,
      tags: next() < 0.2 ? ['enclosed'] : [],
    }));
    await fixture.addPrinters(printers);
    const jobs: JobSpec[] = Array.from({ length: COPIES / COPIES_PER_JOB }, () => {
      const size = next();
      return {
        copies: COPIES_PER_JOB,
        priority: Math.floor(next() * 11) - 5,
        material: materials[Math.floor(next() * materials.length)]!,
        nozzle: next() < 0.9 ? 0.4 : null,
        minBuild: size < 0.1 ? [280, 280, 100] : size < 0.15 ? [320, 320, 200] : [180, 180, 50],
        fleetIds: next() < 0.1 ? [fleets[Math.floor(next() * FLEETS)]!] : [],
        requiredTags: next() < 0.05 ? ['enclosed'] : [],
      };
    });
    await fixture.addJobs(jobs);
    await dataSource.query('ANALYZE');
    console.log(`seeded ${PRINTERS} printers in ${FLEETS} fleets, ${jobs.length} jobs, ${COPIES} queued copies`);

    const { scheduler } = standaloneScheduler(dataSource, 1_000);
    const repository = new SchedulerRepository();
    let bestPass = Infinity;
    let bestBaseline = Infinity;
    let assigned = 0;
    for (let round = 1; round <= ROUNDS; round++) {
      const baseline = await timed(async () => {
        const ready = await repository.readyPrinters(dataSource.manager, { orgId: fixture.orgId });
        const queued = await repository.queuedJobs(dataSource.manager, fixture.orgId, fleets);
        return { ready: ready.length, queued: queued.reduce((sum, job) => sum + job.queued, 0) };
      });
      const pass = await timed(() => scheduler.pass(fixture.orgId));
      assigned = pass.result.assigned.length;
      const printersUsed = new Set(pass.result.assigned.map((copy) => copy.printerId)).size;
      if (printersUsed !== assigned) throw new Error('a printer got two copies');
      console.log(
        `round ${round}: baseline reads ${baseline.ms.toFixed(1)} ms (${baseline.result.ready} ready printers, ` +
          `${baseline.result.queued} queued copies), pass ${pass.ms.toFixed(1)} ms, ${assigned} assigned`,
      );
      bestPass = Math.min(bestPass, pass.ms);
      bestBaseline = Math.min(bestBaseline, baseline.ms);
      // Back to the seeded state for the next round.
      await dataSource.query(
        `UPDATE print_copies SET state = 'queued', printer_id = NULL, attempt = 0, assigned_at = NULL WHERE org_id = $1`,
        [fixture.orgId],
      );
      await dataSource.query('DELETE FROM print_attempts');
      await dataSource.query('VACUUM ANALYZE print_copies');
    }
    console.log(
      `baseline (plain candidate reads): ${bestBaseline.toFixed(1)} ms; pass is ${(bestPass / bestBaseline).toFixed(2)}x`,
    );
    console.log(
      `scheduler ${COPIES} copies x ${PRINTERS} printers: pass ${bestPass.toFixed(0)} ms, ` +
        `${Math.round(assigned / (bestPass / 1000))} assignments/s`,
    );
  } finally {
    if (dataSource.isInitialized) await dataSource.destroy();
    await admin(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
