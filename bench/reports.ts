/**
 * Reports over a year of a 500-printer farm: 500,000 ended prints (attempts with their jobs and copies, 60 % with
 * spool usage, mixed results, members, tags and materials) seeded with generate_series into a scratch database
 * (created, migrated, dropped), the rollups rebuilt as the worker does (`ReportsJobs.rebuildAll`), then the report
 * endpoint timed over HTTP against an api booted in this process, 15 requests each after one warm-up: the whole
 * year, one month, six months with edge days, the year of one fleet (these make the p95: the monthly rollups answer
 * them); the year by member and by tag read the daily rows and are timed apart (5 requests, not in the p95). Baseline, same process and data: the same figures by a
 * raw scan of the print history (the rollup's own SELECT over the year), what a report without rollups would cost.
 * Last line:
 *   reports 500000 prints: <ms> ms p95
 * Run: npm run bench:reports (compiled with tsc: Nest needs decorator metadata)   (BENCH_POSTGRES_URL, default postgres://postgres@127.0.0.1:5432/postgres; REDIS_URL)
 */
import 'reflect-metadata';
import { randomBytes } from 'node:crypto';
import { createLogger, loadConfig, runMigrationsWithLock } from '@farmhand/core';
import { ReportsJobs } from '@farmhand/reports';
import { createFarmhandDataSource } from '@farmhand/schema';
import { Client } from 'pg';
import { createApiApp } from '../apps/api/src/bootstrap';

const PRINTS = Number(process.env.BENCH_PRINTS ?? 500_000);
const PRINTERS = 500;
const FLEETS = 10;
const JOBS = 5_000;
const REQUESTS = 15;
const ADMIN_URL = process.env.BENCH_POSTGRES_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
const FROM = '2025-01-01';
const TO = '2025-12-31';

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

const percentile = (values: number[], p: number) => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;
};

async function signUp(base: string): Promise<{ orgId: string; cookie: string; userId: string }> {
  const body = {
    email: `bench-reports-${randomBytes(4).toString('hex')}@example.test`,
    password: 'correct horse battery staple',
    displayName: 'Bench',
    organizationName: 'Bench Farm',
  };
  const post = (path: string, payload: unknown) =>
    fetch(`${base}${path}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(payload),
    });
  const signUpResponse = await post('/api/auth/sign-up', body);
  if (signUpResponse.status !== 202) throw new Error(`sign-up: ${signUpResponse.status}`);
  const signIn = await post('/api/auth/sign-in', { email: body.email, password: body.password });
  if (signIn.status !== 200) throw new Error(`sign-in: ${signIn.status}`);
  const cookie = signIn.headers
    .getSetCookie()
    .map((value) => value.split(';')[0])
    .join('; ');
  const organizations = (await (await fetch(`${base}/api/orgs`, { headers: { cookie } })).json()) as { id: string }[];
  const me = (await (await fetch(`${base}/api/auth/me`, { headers: { cookie } })).json()) as { user: { id: string } };
  return { orgId: organizations[0]!.id, cookie, userId: me.user.id };
}

/** The farm, all in SQL: fleets, printers, one file, jobs (members, tags), copies, attempts, spools and usage. */
async function seed(client: Client, orgId: string, userId: string): Promise<void> {
  await client.query(
    `INSERT INTO fleets (org_id, name) SELECT $1, 'Fleet ' || n FROM generate_series(1, ${FLEETS}) n`,
    [orgId],
  );
  await client.query(
    `INSERT INTO printers (org_id, fleet_id, name, model)
     SELECT $1, (SELECT id FROM fleets WHERE org_id = $1 ORDER BY name OFFSET (n % ${FLEETS}) LIMIT 1),
            'P' || lpad(n::text, 3, '0'), CASE WHEN n % 3 = 0 THEN 'MK4S' ELSE 'X1C' END
       FROM generate_series(1, ${PRINTERS}) n`,
    [orgId],
  );
  const [file] = (
    await client.query(
      `INSERT INTO gcode_files (org_id, name, sha256, size_bytes, metadata)
       VALUES ($1, 'part.gcode', repeat('a', 64), 1000, '{}') RETURNING id`,
      [orgId],
    )
  ).rows;
  await client.query(
    `INSERT INTO print_jobs (org_id, file_id, name, copies, position, created_by, tags, material)
     SELECT $1, $2, 'job ' || n, 1, n,
            CASE WHEN n % 20 = 0 THEN $3 ELSE 'member-' || (n % 40) END,
            CASE n % 4 WHEN 0 THEN '{}'::text[] WHEN 1 THEN ARRAY['physics'] WHEN 2 THEN ARRAY['physics', 'class-' || (n % 6)]
                       ELSE ARRAY['customer-' || (n % 25)] END,
            (ARRAY['PLA', 'PETG', 'ASA', 'TPU'])[1 + n % 4]
       FROM generate_series(1, ${JOBS}) n`,
    [orgId, file.id, userId],
  );
  await client.query(
    `INSERT INTO spools (org_id, material, color_name, diameter_mm, initial_grams, remaining_grams, cost_cents)
     SELECT $1, (ARRAY['PLA', 'PETG', 'ASA', 'TPU'])[1 + n % 4], (ARRAY['black', 'white', 'red', 'blue', 'grey'])[1 + n % 5],
            1.75, 1000, 500, 1500 + n * 10
       FROM generate_series(1, 100) n`,
    [orgId],
  );
  await client.query(
    `CREATE TEMP TABLE bench_jobs AS SELECT row_number() OVER (ORDER BY id) AS n, id FROM print_jobs WHERE org_id = $1`,
    [orgId],
  );
  await client.query(
    `CREATE TEMP TABLE bench_printers AS SELECT row_number() OVER (ORDER BY id) AS n, id, fleet_id FROM printers WHERE org_id = $1`,
    [orgId],
  );
  await client.query(
    `CREATE TEMP TABLE bench_spools AS SELECT row_number() OVER (ORDER BY id) AS n, id FROM spools WHERE org_id = $1`,
    [orgId],
  );
  // One copy per print: copy numbers run per job, so each (job, number) is unique.
  await client.query(
    `INSERT INTO print_copies (org_id, job_id, number, state, attempt, printer_id)
     SELECT $1, j.id, (s.n / ${JOBS}) + 1, CASE WHEN s.n % 10 = 0 THEN 'failed' WHEN s.n % 23 = 0 THEN 'cancelled' ELSE 'done' END,
            1, p.id
       FROM generate_series(0, ${PRINTS - 1}) s(n)
       JOIN bench_jobs j ON j.n = (s.n % ${JOBS}) + 1
       JOIN bench_printers p ON p.n = (s.n % ${PRINTERS}) + 1`,
    [orgId],
  );
  await client.query(
    `INSERT INTO print_attempts (org_id, copy_id, job_id, printer_id, fleet_id, attempt, state, assigned_at, started_at,
       ended_at, outcome, failure_reason, filament_grams)
     SELECT c.org_id, c.id, c.job_id, c.printer_id, p.fleet_id, 1, c.state,
            t.started, t.started, t.started + ((20 + (h % 300)) || ' minutes')::interval,
            CASE WHEN c.state = 'done' AND h % 31 = 0 THEN 'bad' ELSE NULL END,
            CASE WHEN c.state = 'failed' THEN (ARRAY['spaghetti', 'adhesion', 'clog', 'layer_shift'])[1 + h % 4] END,
            5 + (h % 120)
       FROM print_copies c
       JOIN printers p ON p.id = c.printer_id
       CROSS JOIN LATERAL (SELECT abs(hashtext(c.id::text)) AS h) hh
       CROSS JOIN LATERAL (SELECT TIMESTAMPTZ '2025-01-01 00:00:00Z' + ((h % (365 * 24 * 60 - 400)) || ' minutes')::interval AS started) t
      WHERE c.org_id = $1`,
    [orgId],
  );
  await client.query(
    `INSERT INTO spool_usages (org_id, spool_id, printer_id, copy_id, attempt, grams, fraction, outcome)
     SELECT a.org_id, s.id, a.printer_id, a.copy_id, 1, a.filament_grams, 1, a.state
       FROM print_attempts a
       JOIN bench_spools s ON s.n = (abs(hashtext(a.copy_id::text)) % 100) + 1
      WHERE a.org_id = $1 AND abs(hashtext(a.copy_id::text)) % 10 < 6`,
    [orgId],
  );
  await client.query(
    `UPDATE print_copies c SET state = a.state, finished_at = a.ended_at FROM print_attempts a WHERE a.copy_id = c.id AND c.org_id = $1`,
    [orgId],
  );
  await client.query(`ANALYZE`);
}

/** The figures of the report (totals, per printer, per member, per material, failures) by scanning the history. */
const RAW_SCAN = `
  SELECT a.printer_id, j.created_by, COALESCE(s.material, j.material), a.failure_reason,
         COUNT(*), SUM(EXTRACT(EPOCH FROM a.ended_at - a.started_at)), SUM(COALESCE(u.grams, a.filament_grams, 0)),
         SUM(COALESCE(u.grams * s.cost_cents / s.initial_grams, 0))
    FROM print_attempts a
    JOIN print_jobs j ON j.id = a.job_id
    LEFT JOIN spool_usages u ON u.copy_id = a.copy_id AND u.attempt = a.attempt
    LEFT JOIN spools s ON s.id = u.spool_id
   WHERE a.org_id = $1 AND a.ended_at >= $2 AND a.ended_at < $3
   GROUP BY GROUPING SETS ((), (a.printer_id), (j.created_by), (COALESCE(s.material, j.material)), (a.failure_reason))`;

async function main(): Promise<void> {
  const name = `fh_bench_reports_${randomBytes(4).toString('hex')}`;
  await admin(`CREATE DATABASE "${name}"`);
  const url = new URL(ADMIN_URL);
  url.pathname = `/${name}`;
  const dataSource = createFarmhandDataSource(url.toString(), { poolSize: 2, applicationName: 'bench-reports' });
  let app: Awaited<ReturnType<typeof createApiApp>> | undefined;
  const client = new Client({ connectionString: url.toString() });
  try {
    await dataSource.initialize();
    await runMigrationsWithLock(dataSource);
    await dataSource.destroy();
    const config = loadConfig({
      NODE_ENV: 'test',
      DATABASE_URL: url.toString(),
      DATABASE_POOL_SIZE: '5',
      REDIS_URL: process.env.REDIS_URL ?? 'redis://127.0.0.1:6379',
      REDIS_PREFIX: `bench-reports-${randomBytes(4).toString('hex')}`,
      LOG_LEVEL: 'silent',
      SECRET_KEY: 'bench-secret-key-that-is-long-enough-0123456789',
      SIGNUP_MAX_PER_CLIENT: '100',
    });
    app = await createApiApp(config, createLogger('bench-reports', 'silent'));
    await app.listen(0, '127.0.0.1');
    const base = `http://127.0.0.1:${(app.getHttpServer().address() as { port: number }).port}`;
    const { orgId, cookie, userId } = await signUp(base);
    await client.connect();
    const seeded = await timed(() => seed(client, orgId, userId));
    const count = Number(
      (await client.query(`SELECT COUNT(*) FROM print_attempts WHERE org_id = $1`, [orgId])).rows[0].count,
    );
    console.log(`seeded ${count} prints on ${PRINTERS} printers in ${(seeded.ms / 1000).toFixed(1)} s`);
    const refreshed = await timed(() => app!.get(ReportsJobs).rebuildAll(orgId));
    console.log(`rollups rebuilt: ${refreshed.result} rows in ${(refreshed.ms / 1000).toFixed(1)} s`);
    const fleet = (await client.query(`SELECT id FROM fleets WHERE org_id = $1 ORDER BY name LIMIT 1`, [orgId])).rows[0]
      .id as string;

    // The common reports (monthly rollups): the whole year, a month with edge days, a fleet. Member and tag filters
    // read the daily rows (their groups carry member and tag set): timed apart, outside the p95.
    const queries: Record<string, string> = {
      year: `from=${FROM}&to=${TO}`,
      month: `from=2025-06-01&to=2025-06-30`,
      edges: `from=2025-03-15&to=2025-09-14`,
      fleet: `from=${FROM}&to=${TO}&fleetId=${fleet}`,
      member: `from=${FROM}&to=${TO}&memberId=member-7`,
      tag: `from=${FROM}&to=${TO}&tag=physics`,
    };
    const FALLBACK = new Set(['member', 'tag']);
    const all: number[] = [];
    for (const [label, query] of Object.entries(queries)) {
      const get = async () => {
        const response = await fetch(`${base}/api/orgs/${orgId}/reports?${query}`, { headers: { cookie } });
        if (response.status !== 200) throw new Error(`${label}: ${response.status} ${await response.text()}`);
        return (await response.json()) as { totals: { prints: number } };
      };
      const warm = await get();
      const times: number[] = [];
      for (let i = 0; i < (FALLBACK.has(label) ? 5 : REQUESTS); i++) times.push((await timed(get)).ms);
      if (!FALLBACK.has(label)) all.push(...times);
      console.log(
        `  ${(FALLBACK.has(label) ? `${label}*` : label).padEnd(6)} ${String(warm.totals.prints).padStart(7)} prints: p50 ${percentile(times, 50).toFixed(0)} ms, p95 ${percentile(times, 95).toFixed(0)} ms`,
      );
    }
    const scans: number[] = [];
    for (let i = 0; i < 3; i++)
      scans.push((await timed(() => client.query(RAW_SCAN, [orgId, `${FROM}T00:00:00Z`, `2026-01-01T00:00:00Z`]))).ms);
    const p95 = percentile(all, 95);
    const baseline = percentile(scans, 50);
    const load = (await import('node:os'))
      .loadavg()
      .map((value) => value.toFixed(2))
      .join(' ');
    console.log('  * daily rows (member or tag filter), not in the p95');
    console.log(`baseline (raw scan of the history, same figures): ${baseline.toFixed(0)} ms median of 3`);
    console.log(
      `ratio: reports from rollups are ${(baseline / p95).toFixed(1)}x faster than the raw scan (p95 vs median)`,
    );
    console.log(`load average: ${load}`);
    console.log(`reports ${count} prints: ${p95.toFixed(0)} ms p95`);
  } finally {
    await client.end().catch(() => undefined);
    if (app) await app.close();
    if (dataSource.isInitialized) await dataSource.destroy();
    await admin(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
  }
}

main().catch((error) => {
  console.error(error);
  process.exitCode = 1;
});
