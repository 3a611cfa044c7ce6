import { Redis } from 'ioredis';
import { REDIS_URL, runId, withAdminClient } from './test-env';

/** Removes every database and Redis key this run created. */
export default async function globalTeardown(): Promise<void> {
  const id = runId();
  await withAdminClient(async (client) => {
    const result = await client.query<{ datname: string }>('SELECT datname FROM pg_database WHERE datname LIKE $1', [
      `fh_test_${id}_%`,
    ]);
    for (const { datname } of result.rows) {
      await client.query(`DROP DATABASE IF EXISTS "${datname}" WITH (FORCE)`);
    }
  });
  const redis = new Redis(REDIS_URL);
  try {
    let cursor = '0';
    do {
      const [next, keys] = await redis.scan(cursor, 'MATCH', `fh_test_${id}*`, 'COUNT', 1000);
      cursor = next;
      if (keys.length) await redis.del(...keys);
    } while (cursor !== '0');
  } finally {
    redis.disconnect();
  }
}
