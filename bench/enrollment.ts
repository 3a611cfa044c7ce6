// Bulk CSV enrollment against the real database, through the HTTP endpoint of a booted api: dry run and commit of a
// generated 10,000-row CSV, with the in-process parse of the same bytes as the baseline. Creates a scratch database
// (migrated) and Redis prefix, and removes both. Run: npx tsx bench/enrollment.ts [rows] [runs]
// Last line: `enrollment 10000 rows: dry-run <s> s, commit <s> s` (medians).
import { signUpAndSignIn } from './fleet';
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import Module, { createRequire } from 'node:module';
import { join } from 'node:path';
import type * as CoreModule from '@farmhand/core';
import type * as EnrollmentModule from '@farmhand/enrollment';
import type * as SchemaModule from '@farmhand/schema';
import { Client } from 'pg';
import ts from 'typescript';
import type * as BootstrapModule from '../apps/api/src/bootstrap';

const rows = Number(process.argv[2] ?? 10_000);
const runs = Number(process.argv[3] ?? 3);
const ADMIN_URL = process.env.BENCH_POSTGRES_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
const REDIS_URL = process.env.BENCH_REDIS_URL ?? 'redis://127.0.0.1:6379';
const PASSWORD = 'correct horse battery staple';
const FLEETS = ['Fleet A', 'Fleet B', 'Fleet C', 'Fleet D'];

/**
 * tsx compiles with esbuild, which drops the decorator metadata Nest's dependency injection reads. The api's own
 * sources are compiled with TypeScript instead (as `npm run build:server` and ts-jest do), so everything Nest touches is loaded
 * after this hook, through `load`.
 */
function compileWithDecoratorMetadata(): void {
  const root = join(__dirname, '..');
  const { config } = ts.readConfigFile(join(root, 'tsconfig.json'), ts.sys.readFile);
  const compilerOptions: ts.CompilerOptions = {
    ...ts.convertCompilerOptionsFromJson(config.compilerOptions, root).options,
    module: ts.ModuleKind.CommonJS,
    moduleResolution: ts.ModuleResolutionKind.Node10,
    sourceMap: false,
    inlineSourceMap: true,
    declaration: false,
  };
  const extensions = (Module as unknown as { _extensions: Record<string, (module: any, file: string) => void> })
    ._extensions;
  const esbuild = extensions['.ts']!;
  extensions['.ts'] = (module, file) => {
    if (file.includes(`${'/'}node_modules/`)) return esbuild(module, file);
    const { outputText } = ts.transpileModule(readFileSync(file, 'utf8'), { fileName: file, compilerOptions });
    module._compile(outputText, file);
  };
}

compileWithDecoratorMetadata();
const load = createRequire(__filename);
load('reflect-metadata');
const core = load('@farmhand/core') as typeof CoreModule;
const enrollment = load('@farmhand/enrollment') as typeof EnrollmentModule;
const schema = load('@farmhand/schema') as typeof SchemaModule;
const { createApiApp } = load('../apps/api/src/bootstrap') as typeof BootstrapModule;

async function admin<T>(work: (client: Client) => Promise<T>): Promise<T> {
  const client = new Client({ connectionString: ADMIN_URL });
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.end();
  }
}

function databaseUrl(name: string): string {
  const url = new URL(ADMIN_URL);
  url.pathname = `/${name}`;
  return url.toString();
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)]!;
}

async function timed<T>(work: () => Promise<T>): Promise<{ ms: number; value: T }> {
  const start = process.hrtime.bigint();
  const value = await work();
  return { ms: Number(process.hrtime.bigint() - start) / 1e6, value };
}

async function main(): Promise<void> {
  const name = `fh_bench_enrollment_${randomBytes(4).toString('hex')}`;
  const prefix = `fh_bench_${randomBytes(4).toString('hex')}`;
  await admin((client) => client.query(`CREATE DATABASE "${name}"`));
  let app: Awaited<ReturnType<typeof createApiApp>> | undefined;
  try {
    const migrations = schema.createFarmhandDataSource(databaseUrl(name), { applicationName: 'farmhand-bench' });
    await migrations.initialize();
    await core.runMigrationsWithLock(migrations);
    await migrations.destroy();

    const config = core.loadConfig({
      NODE_ENV: 'test',
      DATABASE_URL: databaseUrl(name),
      REDIS_URL,
      REDIS_PREFIX: prefix,
      LOG_LEVEL: 'warn',
      SECRET_KEY: randomBytes(32).toString('hex'),
    });
    app = await createApiApp(config, core.createLogger('bench', 'warn'));
    await app.listen(0, '127.0.0.1');
    const base = `http://127.0.0.1:${(app.getHttpServer().address() as { port: number }).port}`;

    /** A fresh organization with the sample's fleets; returns its id and the owner's session cookie. */
    const organization = async (label: string) => {
      const { orgId, cookie } = await signUpAndSignIn(base, {
        email: `bench-${label}-${randomBytes(3).toString('hex')}@example.test`,
        password: PASSWORD,
        displayName: 'Bench',
        organizationName: `Bench ${label}`,
      });
      for (const fleet of FLEETS) {
        const created = await fetch(`${base}/api/orgs/${orgId}/fleets`, {
          method: 'POST',
          headers: { 'content-type': 'application/json', cookie },
          body: JSON.stringify({ name: fleet }),
        });
        if (created.status !== 201) throw new Error(`fleet: ${created.status}`);
      }
      return { orgId, cookie };
    };
    const upload = async (org: { orgId: string; cookie: string }, query: string, body: Buffer) => {
      const response = await fetch(`${base}/api/orgs/${org.orgId}/enrollment/imports?${query}`, {
        method: 'POST',
        headers: { 'content-type': 'text/csv', cookie: org.cookie },
        body,
      });
      const text = await response.text();
      if (response.status !== 200) throw new Error(`${query}: ${response.status} ${text.slice(0, 500)}`);
      return text;
    };

    const csv = Buffer.from(enrollment.generateSampleEnrollmentCsv(rows, { fleets: FLEETS }));
    console.log(`csv: ${rows} rows, ${(csv.length / 1024).toFixed(0)} KB`);

    // Baseline: the same bytes parsed and validated in process (no HTTP, no database).
    await enrollment.parseEnrollmentCsv(csv);
    const parses: number[] = [];
    for (let run = 0; run < Math.max(runs, 5); run++) {
      parses.push((await timed(() => enrollment.parseEnrollmentCsv(csv))).ms);
    }
    const parseMs = median(parses);
    console.log(`baseline parse+validate in process: median ${parseMs.toFixed(0)} ms over ${parses.length} runs`);

    const dryOrg = await organization('dry');
    await upload(dryOrg, 'mode=dry-run', csv);
    const dryRuns: number[] = [];
    let dryAnswer = '';
    for (let run = 0; run < runs; run++) {
      const { ms, value } = await timed(() => upload(dryOrg, 'mode=dry-run', csv));
      dryRuns.push(ms);
      dryAnswer = value;
    }
    const report = JSON.parse(dryAnswer) as { valid: boolean; summary: { create: number } };
    if (!report.valid || report.summary.create !== rows) throw new Error('the dry run did not validate every row');
    const dryMs = median(dryRuns);
    console.log(
      `dry-run over HTTP: median ${dryMs.toFixed(0)} ms over ${runs} runs (${(dryMs / parseMs).toFixed(1)}x baseline), ` +
        `answer ${(Buffer.byteLength(dryAnswer) / 1024).toFixed(0)} KB`,
    );

    const commits: number[] = [];
    let last = { org: dryOrg, answer: '' };
    for (let run = 0; run < runs; run++) {
      const org = await organization(`commit-${run}`);
      const { ms, value } = await timed(() => upload(org, 'mode=commit', csv));
      const lines = value.trimEnd().split('\r\n').length - 1;
      if (lines !== rows) throw new Error(`the credentials CSV has ${lines} lines`);
      commits.push(ms);
      last = { org, answer: value };
    }
    const commitMs = median(commits);
    console.log(
      `commit over HTTP (${rows} printers + ${rows} tokens, one transaction, credentials CSV): median ` +
        `${commitMs.toFixed(0)} ms over ${runs} fresh organizations (${(commitMs / parseMs).toFixed(1)}x baseline), ` +
        `answer ${(Buffer.byteLength(last.answer) / 1024).toFixed(0)} KB`,
    );
    const again = await timed(() => upload(last.org, 'mode=commit&format=json', csv));
    const updated = (JSON.parse(again.value) as { updated: number }).updated;
    console.log(`re-commit of the same file (idempotent: ${updated} updates, new tokens): ${again.ms.toFixed(0)} ms`);

    console.log(
      `enrollment ${rows} rows: dry-run ${(dryMs / 1000).toFixed(2)} s, commit ${(commitMs / 1000).toFixed(2)} s`,
    );
  } finally {
    await app?.close();
    await admin((client) => client.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`));
    const redis = core.createRedis(REDIS_URL, 'farmhand-bench');
    let cursor = '0';
    do {
      const [next, keys] = await redis.scan(cursor, 'MATCH', `${prefix}:*`, 'COUNT', 1000);
      if (keys.length > 0) await redis.del(...keys);
      cursor = next;
    } while (cursor !== '0');
    await redis.quit();
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
