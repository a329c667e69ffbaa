import type { DataSourceOptions, MixedList, EntitySchema } from 'typeorm';

/* eslint-disable-next-line @typescript-eslint/no-unsafe-function-type -- TypeORM's own type for entity and migration classes */
type ClassList = MixedList<Function | string | EntitySchema>;

export interface PostgresOptionsInput {
  url: string;
  entities: ClassList;
  migrations: ClassList;
  poolSize?: number;
  applicationName?: string;
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
    applicationName: o.applicationName,
    extra: {
      max: o.poolSize ?? 20,
      connectionTimeoutMillis: 5000,
      idleTimeoutMillis: 30000,
    },
  };
}
