import { pendingSchemaChanges } from '@farmhand/core';
import { createFarmhandDataSource } from '@farmhand/schema';
import { createTestDatabase, type TestDatabase } from '@farmhand/testing';
import type { DataSource } from 'typeorm';

describe('entities and migrations', () => {
  let database: TestDatabase;
  let dataSource: DataSource;
  beforeAll(async () => {
    database = await createTestDatabase();
    dataSource = createFarmhandDataSource(database.url);
    await dataSource.initialize();
  });
  afterAll(async () => {
    await dataSource.destroy();
    await database.drop();
  });

  it('agree: generating a migration against the migrated database produces nothing', async () => {
    // When this fails: `npm run db -- generate <Name>`, read the migration, add it to migrations/schema.ts.
    expect(await pendingSchemaChanges(dataSource)).toEqual([]);
  });

  it('every migration has been applied and none is pending', async () => {
    expect(await dataSource.showMigrations()).toBe(false);
  });
});
