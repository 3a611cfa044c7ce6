import { DataSource, type DataSourceOptions, type MixedList, type EntitySchema } from 'typeorm';
import { SnakeNamingStrategy } from './snake-naming.strategy';

export interface DataSourceInput {
  url: string;
  poolSize?: number;
  // eslint-disable-next-line @typescript-eslint/no-unsafe-function-type
  entities: MixedList<Function | string | EntitySchema>;
  // eslint-disable-next-line @typescript-eslint/no-unsafe-function-type
  migrations: MixedList<Function | string>;
  applicationName?: string;
}

/** The one way a DataSource is built, for the apps, the CLI and the tests alike. Never synchronize. */
export function createDataSourceOptions(input: DataSourceInput): DataSourceOptions {
  return {
    type: 'postgres',
    // gen_random_uuid() is built into PostgreSQL 13+; no extension to install.
    uuidExtension: 'pgcrypto',
    url: input.url,
    entities: input.entities,
    migrations: input.migrations,
    migrationsTableName: 'migrations',
    migrationsTransactionMode: 'each',
    synchronize: false,
    migrationsRun: false,
    namingStrategy: new SnakeNamingStrategy(),
    applicationName: input.applicationName ?? 'farmhand',
    extra: {
      max: input.poolSize ?? 10,
      // A busy database host can take seconds to fork a backend; 5 s failed a request under CI's load.
      connectionTimeoutMillis: 15_000,
      statement_timeout: 30_000,
    },
  };
}

export function createDataSource(input: DataSourceInput): DataSource {
  return new DataSource(createDataSourceOptions(input));
}
