import { Inject, Injectable, Module, type DynamicModule } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { HealthRegistry, SERVICE_CONFIG, type ServiceConfig } from '@crm/platform';
import { postgresOptions, type PostgresOptionsInput } from './database/postgres-options';

export interface PersistenceModuleOptions {
  entities: PostgresOptionsInput['entities'];
  migrations: PostgresOptionsInput['migrations'];
  poolSize?: number;
}

@Injectable()
class DatabaseHealth {
  constructor(@Inject(DataSource) dataSource: DataSource, health: HealthRegistry) {
    health.register({
      name: 'database',
      check: async () => {
        await dataSource.query('SELECT 1');
      },
    });
  }
}

/** TypeORM on the service's own database (DATABASE_URL); migrations run separately, never here. */
@Module({})
export class PersistenceModule {
  static forRoot(options: PersistenceModuleOptions): DynamicModule {
    return {
      module: PersistenceModule,
      imports: [
        TypeOrmModule.forRootAsync({
          inject: [SERVICE_CONFIG],
          useFactory: (config: ServiceConfig) => ({
            ...postgresOptions({
              url: config.DATABASE_URL,
              entities: options.entities,
              migrations: options.migrations,
              poolSize: options.poolSize ?? config.DATABASE_POOL_SIZE,
              applicationName: config.SERVICE_NAME,
              preparedStatements: config.DATABASE_PREPARED_STATEMENTS !== 'false',
            }),
            retryAttempts: 3,
            retryDelay: 1000,
          }),
        }),
      ],
      providers: [DatabaseHealth],
    };
  }
}
