import type { DataSource } from 'typeorm';

/** Arbitrary but fixed: every Farmhand process that migrates takes this lock, so only one runs migrations at once. */
const MIGRATION_LOCK_ID = 7_305_116_001;

/**
 * Applies pending migrations while holding a session-level advisory lock on a dedicated connection, so several
 * instances starting together migrate once and the others wait, then find nothing pending.
 */
export async function runMigrationsWithLock(dataSource: DataSource): Promise<string[]> {
  const runner = dataSource.createQueryRunner();
  await runner.connect();
  try {
    await runner.query('SELECT pg_advisory_lock($1)', [MIGRATION_LOCK_ID]);
    const applied = await dataSource.runMigrations({ transaction: 'each' });
    return applied.map((migration) => migration.name);
  } finally {
    await runner.query('SELECT pg_advisory_unlock($1)', [MIGRATION_LOCK_ID]).catch(() => undefined);
    await runner.release();
  }
}

/** SQL that the entities would need beyond what the migrations created; empty when they agree. */
export async function pendingSchemaChanges(dataSource: DataSource): Promise<string[]> {
  const sql = await dataSource.driver.createSchemaBuilder().log();
  return sql.upQueries.map((query) => query.query);
}
