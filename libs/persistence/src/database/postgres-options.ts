import type { DataSourceOptions, MixedList, EntitySchema } from 'typeorm';
import { PreparingClient } from './prepared-statements';
import { SafeQueryLogger } from './query-logger';

/* eslint-disable @typescript-eslint/no-unsafe-function-type -- TypeORM's own types for entity and migration classes */
export interface PostgresOptionsInput {
  url: string;
  entities: MixedList<Function | string | EntitySchema>;
  migrations: MixedList<Function | string>;
  /* eslint-enable @typescript-eslint/no-unsafe-function-type */
  poolSize?: number;
  applicationName?: string;
  /** Repeated statements as named prepared statements (default true; DATABASE_PREPARED_STATEMENTS). */
  preparedStatements?: boolean;
}

export function postgresOptions(o: PostgresOptionsInput): DataSourceOptions {
  return {
    type: 'postgres',
    url: o.url,
    entities: o.entities,
    migrations: o.migrations,
    migrationsTableName: 'migrations',
    migrationsTransactionMode: 'each',
    synchronize: false,
    migrationsRun: false,
    logging: ['error'],
    // Never TypeORM's own logger: it prints every parameter of a failed query.
    logger: new SafeQueryLogger(),
    applicationName: o.applicationName,
    extra: {
      max: o.poolSize ?? 20,
      connectionTimeoutMillis: 5000,
      idleTimeoutMillis: 30000,
      // Parsed once, still planned for each call's values as an unnamed statement is (no generic plans).
      ...(o.preparedStatements === false
        ? {}
        : { Client: PreparingClient, options: '-c plan_cache_mode=force_custom_plan' }),
    },
  };
}
