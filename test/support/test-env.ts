import { Client } from 'pg';

/** The servers every machine (CI included) already runs; tests make their own databases and key prefixes on them. */
export const POSTGRES_ADMIN_URL = process.env.TEST_POSTGRES_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
export const REDIS_URL = process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';

export function databaseUrl(name: string): string {
  const url = new URL(POSTGRES_ADMIN_URL);
  url.pathname = `/${name}`;
  return url.toString();
}

export async function withAdminClient<T>(fn: (client: Client) => Promise<T>): Promise<T> {
  const client = new Client({ connectionString: POSTGRES_ADMIN_URL });
  await client.connect();
  try {
    return await fn(client);
  } finally {
    await client.end();
  }
}

export function runId(): string {
  const id = process.env.FARMHAND_TEST_RUN;
  if (!id) throw new Error('FARMHAND_TEST_RUN is not set: run tests through jest (global setup sets it)');
  return id;
}

export function templateDatabaseName(): string {
  return `fh_test_${runId()}_template`;
}
