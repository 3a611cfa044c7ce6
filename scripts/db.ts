/**
 * Database commands: `migrate` (apply pending migrations under the advisory lock), `check` (fail when entities and
 * migrations drift), `generate <Name>` (write a migration for the drift, to read and edit by hand).
 */
import 'reflect-metadata';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { loadConfig, pendingSchemaChanges, runMigrationsWithLock } from '@farmhand/core';
import { createFarmhandDataSource } from '@farmhand/schema';

async function main(): Promise<void> {
  const [command, name] = process.argv.slice(2);
  const config = loadConfig();
  const dataSource = createFarmhandDataSource(config.DATABASE_URL, { applicationName: 'farmhand-cli' });
  await dataSource.initialize();
  try {
    if (command === 'migrate') {
      const applied = await runMigrationsWithLock(dataSource);
      console.log(applied.length ? `applied: ${applied.join(', ')}` : 'database is up to date');
    } else if (command === 'check') {
      const pending = await pendingSchemaChanges(dataSource);
      if (pending.length) {
        console.error(`entities and migrations drift; generate a migration:\n${pending.join(';\n')}`);
        process.exitCode = 1;
      } else console.log('entities and migrations agree');
    } else if (command === 'generate' && name && /^[A-Za-z][A-Za-z0-9]*$/.test(name)) {
      const sql = await dataSource.driver.createSchemaBuilder().log();
      if (!sql.upQueries.length) {
        console.log('no changes');
        return;
      }
      const timestamp = Date.now();
      const className = `${name}${timestamp}`;
      const quote = (query: string) => '`' + query.replace(/\\/g, '\\\\').replace(/`/g, '\\`') + '`';
      const up = sql.upQueries.map((query) => `    await queryRunner.query(${quote(query.query)});`).join('\n');
      const down = sql.downQueries
        .reverse()
        .map((query) => `    await queryRunner.query(${quote(query.query)});`)
        .join('\n');
      const file = join('migrations', `${timestamp}-${name.replace(/([a-z])([A-Z])/g, '$1-$2').toLowerCase()}.ts`);
      writeFileSync(
        file,
        `import type { MigrationInterface, QueryRunner } from 'typeorm';\n\nexport class ${className} implements MigrationInterface {\n  name = '${className}';\n\n  async up(queryRunner: QueryRunner): Promise<void> {\n${up}\n  }\n\n  async down(queryRunner: QueryRunner): Promise<void> {\n${down}\n  }\n}\n`,
      );
      registerMigration(className, file);
      console.log(`wrote ${file} and added ${className} to migrations/schema.ts: read it before committing`);
    } else {
      console.error('usage: db migrate | db check | db generate <Name>');
      process.exitCode = 2;
    }
  } finally {
    await dataSource.destroy();
  }
}

/** Appends the new migration to MIGRATIONS in migrations/schema.ts (import + list entry). */
function registerMigration(className: string, file: string): void {
  const schemaFile = join('migrations', 'schema.ts');
  const module = `./${file.replace(/^migrations\//, '').replace(/\.ts$/, '')}`;
  let schema = readFileSync(schemaFile, 'utf8');
  schema = schema.replace(
    /(export const MIGRATIONS = \[)([^\]]*)(\])/,
    (_all, open: string, list: string, close: string) => {
      const entries = list
        .split(',')
        .map((entry) => entry.trim())
        .filter(Boolean);
      return `${open}${[...entries, className].join(', ')}${close}`;
    },
  );
  const lastImport = schema.lastIndexOf('\nimport ');
  const lineEnd = schema.indexOf('\n', lastImport + 1);
  schema = `${schema.slice(0, lineEnd + 1)}import { ${className} } from '${module}';\n${schema.slice(lineEnd + 1)}`;
  writeFileSync(schemaFile, schema);
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
