/**
 * Before starting Farmhand: can we reach PostgreSQL and Redis? One line each that fails, saying how to start it.
 * Creates the configured database when the server is up but the database does not exist yet.
 */
import { Redis } from 'ioredis';
import { Client } from 'pg';
import { loadConfig } from '@farmhand/core';

async function checkPostgres(url: string): Promise<string | null> {
  const target = new URL(url);
  const database = decodeURIComponent(target.pathname.slice(1));
  const admin = new URL(url);
  admin.pathname = '/postgres';
  const client = new Client({ connectionString: admin.toString(), connectionTimeoutMillis: 3_000 });
  try {
    await client.connect();
  } catch (error) {
    return `PostgreSQL is not reachable at ${target.host} (${(error as Error).message}); start it with: pg_ctlcluster --skip-systemctl-redirect $(ls /etc/postgresql) main start`;
  }
  try {
    const exists = await client.query('SELECT 1 FROM pg_database WHERE datname = $1', [database]);
    if (!exists.rowCount) {
      await client.query(`CREATE DATABASE "${database.replace(/"/g, '""')}"`);
      console.log(`created database ${database}`);
    }
    return null;
  } finally {
    await client.end();
  }
}

async function checkRedis(url: string): Promise<string | null> {
  const redis = new Redis(url, {
    lazyConnect: true,
    connectTimeout: 3_000,
    maxRetriesPerRequest: 0,
    retryStrategy: () => null,
  });
  redis.on('error', () => undefined); // reported below, once
  try {
    await redis.connect();
    await redis.ping();
    return null;
  } catch (error) {
    return `Redis is not reachable at ${new URL(url).host} (${(error as Error).message}); start it with: redis-server --daemonize yes --bind 127.0.0.1 -::1 --port 6379 --save "" --appendonly no`;
  } finally {
    redis.disconnect();
  }
}

async function main(): Promise<void> {
  const config = loadConfig();
  const problems = (await Promise.all([checkPostgres(config.DATABASE_URL), checkRedis(config.REDIS_URL)])).filter(
    Boolean,
  );
  for (const problem of problems) console.error(problem);
  if (problems.length) process.exit(1);
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : String(error));
  process.exit(1);
});
