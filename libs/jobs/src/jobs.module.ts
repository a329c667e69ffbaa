import {
  Global,
  Inject,
  Injectable,
  Module,
  type BeforeApplicationShutdown,
  type DynamicModule,
  type OnApplicationBootstrap,
} from '@nestjs/common';
import { HealthRegistry, SERVICE_CONFIG, type ServiceConfig } from '@crm/platform';
import { JobRunner } from './job-runner';

export interface JobsModuleOptions {
  /** Connections of the job runner's own pool (default 4). */
  poolSize?: number;
}

/** Starts the runner once every module has registered its jobs, and stops it before the pools close. */
@Injectable()
class JobRunnerLifecycle implements OnApplicationBootstrap, BeforeApplicationShutdown {
  constructor(
    @Inject(JobRunner) private readonly runner: JobRunner,
    health: HealthRegistry,
  ) {
    health.register({
      name: 'jobs',
      check: async () => {
        if (!runner.started) throw new Error('job runner not running');
      },
      // Jobs wait in Postgres while the runner is down; the API still serves.
      critical: false,
    });
  }

  onApplicationBootstrap(): Promise<void> {
    return this.runner.start();
  }

  beforeApplicationShutdown(): Promise<void> {
    return this.runner.stop();
  }
}

/**
 * Durable jobs for a service (pg-boss in its own database, schema `pgboss`). Inject `JobRunner`,
 * `register()` your jobs from a constructor or `onModuleInit`, and `send()` work, optionally in
 * the same transaction as the change that needs it.
 */
@Global()
@Module({})
export class JobsModule {
  static forRoot(options: JobsModuleOptions = {}): DynamicModule {
    return {
      module: JobsModule,
      providers: [
        {
          provide: JobRunner,
          inject: [SERVICE_CONFIG],
          useFactory: (config: ServiceConfig) =>
            new JobRunner({
              databaseUrl: config.DATABASE_URL,
              applicationName: `${config.SERVICE_NAME ?? 'service'}-jobs`,
              poolSize: options.poolSize,
            }),
        },
        JobRunnerLifecycle,
      ],
      exports: [JobRunner],
    };
  }
}
