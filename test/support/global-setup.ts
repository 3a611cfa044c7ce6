import 'reflect-metadata';
import { randomBytes } from 'node:crypto';
import { runMigrationsWithLock } from '@farmhand/core';
import { createFarmhandDataSource } from '@farmhand/schema';
import { databaseUrl, templateDatabaseName, withAdminClient } from './test-env';

/**
 * Migrates one template database per test run (once, even when several Jest projects use it); each test file
 * then copies it with CREATE DATABASE ... TEMPLATE, so files run in parallel on their own data.
 */
export default async function globalSetup(): Promise<void> {
  process.env.FARMHAND_TEST_RUN ??= `${Date.now().toString(36)}${randomBytes(3).toString('hex')}`;
  const template = templateDatabaseName();
  const exists = await withAdminClient(async (client) => {
    const result = await client.query('SELECT 1 FROM pg_database WHERE datname = $1', [template]);
    if (result.rowCount) return true;
    await client.query(`CREATE DATABASE "${template}"`);
    return false;
  });
  if (exists) return;
  const dataSource = createFarmhandDataSource(databaseUrl(template), { applicationName: 'farmhand-test-setup' });
  await dataSource.initialize();
  try {
    await runMigrationsWithLock(dataSource);
  } finally {
    await dataSource.destroy();
  }
}
