import { Logger } from '@nestjs/common';
import PgBoss from 'pg-boss';
import type { EntityManager } from 'typeorm';
import { jobMetrics } from './jobs.metrics';

/** The schema pg-boss keeps its tables in, inside the service's own database. */
export const JOBS_SCHEMA = 'pgboss';

/** A kind of durable work: a queue, its handler, and optionally a schedule that feeds it. */
export interface JobDefinition<T extends object = object> {
  /** Queue name, `<service>-<what>` (letters, digits, `-`, `_`), e.g. `sales-quote-expiry`. */
  name: string;
  /** Runs one job; throwing fails it, and it is retried up to `retryLimit` times. */
  handler(data: T, job: { id: string; name: string }): Promise<void>;
  /** Five-field cron; pg-boss enqueues one job per tick across every replica (its schedule is kept in Postgres). */
  cron?: string;
  /** Time zone of `cron`; UTC by default. */
  timezone?: string;
  /** Data of the scheduled jobs. */
  cronData?: T;
  /** Retries after a failure (default 3). */
  retryLimit?: number;
  /** Seconds before the first retry (default 5); doubled each time with `retryBackoff` (default true). */
  retryDelaySeconds?: number;
  retryBackoff?: boolean;
  /** A job running longer than this is failed and retried (default 15 minutes). */
  expireInSeconds?: number;
  /** How often an idle worker looks for new jobs (default 2 s, at least 0.5 s). */
  pollingIntervalSeconds?: number;
  /** Jobs fetched and handled together by one worker (default 1). */
  batchSize?: number;
  /**
   * `singleton` keeps at most one job of the queue queued (a schedule tick that finds one waiting adds none);
   * `stately` at most one queued and one active. Default `standard`.
   */
  policy?: 'standard' | 'singleton' | 'stately' | 'short';
}

export interface SendJobOptions {
  /** Not before this time. */
  startAfter?: Date;
  /** Jobs with one key in a queue are one job while one is waiting (deduplication). */
  singletonKey?: string;
  /** A UUID: sending the same id twice creates one job. */
  id?: string;
  priority?: number;
}

export interface JobRunnerOptions {
  databaseUrl: string;
  /** `application_name` of its connections, e.g. `sales-jobs`. */
  applicationName: string;
  schema?: string;
  /** Connections of pg-boss's own pool (default 4). */
  poolSize?: number;
  /** Seconds stop() waits for running jobs before giving up on them (they are then retried elsewhere). */
  stopTimeoutSeconds?: number;
}

/** pg-boss's `db` option over a TypeORM transaction, so a job is queued in the same commit as the change. */
function transactionDb(manager: EntityManager): PgBoss.Db {
  return {
    executeSql: async (text, values) => ({ rows: (await manager.query(text, values)) as unknown[] as never[] }),
  };
}

function describe(error: unknown): string {
  return error instanceof Error ? `${error.name}: ${error.message}` : String(error);
}

/**
 * Durable jobs in the service's own database (pg-boss): handlers registered before `start()`,
 * cron schedules that fire once across replicas, retries with backoff, jobs queued in the
 * caller's transaction. A job that was running when its process died is retried after
 * `expireInSeconds`; handlers must therefore be idempotent (as event handlers are).
 */
export class JobRunner {
  private readonly logger = new Logger('Jobs');
  private readonly definitions = new Map<string, JobDefinition<object>>();
  private boss?: PgBoss;
  private starting?: Promise<void>;
  private stopped = false;

  constructor(private readonly options: JobRunnerOptions) {}

  /** Adds a kind of job; call before start() (e.g. from a provider's constructor or onModuleInit). */
  register<T extends object>(definition: JobDefinition<T>): void {
    if (!/^[A-Za-z0-9_-]{1,100}$/.test(definition.name)) {
      throw new Error(`job name "${definition.name}" must be letters, digits, "-" or "_"`);
    }
    if (this.definitions.has(definition.name)) throw new Error(`job "${definition.name}" is registered twice`);
    if (this.boss) throw new Error(`job "${definition.name}" registered after the job runner started`);
    this.definitions.set(definition.name, definition as unknown as JobDefinition<object>);
  }

  get started(): boolean {
    return this.boss !== undefined && !this.stopped;
  }

  /** Connects, creates the queues, applies the schedules and starts a worker per queue. Idempotent. */
  start(): Promise<void> {
    this.starting ??= this.doStart();
    return this.starting;
  }

  private async doStart(): Promise<void> {
    const boss = new PgBoss({
      connectionString: this.options.databaseUrl,
      schema: this.options.schema ?? JOBS_SCHEMA,
      application_name: this.options.applicationName,
      max: this.options.poolSize ?? 4,
      // The schema is installed by `main.js migrate` (installJobSchema), not raced by every replica.
      migrate: false,
    });
    boss.on('error', (error) => this.logger.error(`pg-boss: ${describe(error)}`));
    try {
      await boss.start();
    } catch (error) {
      await boss.stop({ graceful: false, wait: true, close: true }).catch(() => undefined);
      throw new Error(
        `job runner could not start (${describe(error)}); is the job schema installed? \`main.js migrate\` installs it`,
      );
    }
    this.boss = boss;
    for (const d of this.definitions.values()) {
      const queue = {
        policy: d.policy ?? 'standard',
        retryLimit: d.retryLimit ?? 3,
        retryDelay: d.retryDelaySeconds ?? 5,
        retryBackoff: d.retryBackoff ?? true,
        expireInSeconds: d.expireInSeconds ?? 900,
      } as const;
      await boss.createQueue(d.name, queue);
      const { policy: _policy, ...changeable } = queue;
      await boss.updateQueue(d.name, changeable);
      if (d.cron) {
        await boss.schedule(d.name, d.cron, d.cronData ?? {}, { tz: d.timezone ?? 'UTC' });
      } else {
        // A schedule removed from the code stops firing.
        await boss.unschedule(d.name);
      }
      await boss.work<object>(
        d.name,
        { pollingIntervalSeconds: d.pollingIntervalSeconds ?? 2, batchSize: d.batchSize ?? 1 },
        (jobs) => this.handle(d, jobs),
      );
    }
  }

  private async handle(d: JobDefinition<object>, jobs: PgBoss.Job<object>[]): Promise<void> {
    // pg-boss fails the whole batch when this throws; with batchSize 1 that is the one job.
    for (const job of jobs) {
      const end = jobMetrics.duration.startTimer({ job: d.name });
      try {
        await d.handler(job.data ?? {}, { id: job.id, name: job.name });
        jobMetrics.completed.inc({ job: d.name });
      } catch (error) {
        jobMetrics.failed.inc({ job: d.name });
        this.logger.warn(`job ${d.name} ${job.id} failed: ${describe(error)}`);
        throw error;
      } finally {
        end();
      }
    }
  }

  /** Queues a job now (or after `startAfter`); with `manager`, inside that transaction. Returns its id, or null when deduplicated. */
  async send<T extends object>(
    name: string,
    data: T,
    options: SendJobOptions = {},
    manager?: EntityManager,
  ): Promise<string | null> {
    const boss = this.requireBoss();
    return boss.send(name, data, {
      ...(options.startAfter && { startAfter: options.startAfter }),
      ...(options.singletonKey && { singletonKey: options.singletonKey }),
      ...(options.id && { id: options.id }),
      ...(options.priority !== undefined && { priority: options.priority }),
      ...(manager && { db: transactionDb(manager) }),
    });
  }

  /** Cancels a queued job (e.g. a reminder no longer needed). */
  async cancel(name: string, id: string, manager?: EntityManager): Promise<void> {
    await this.requireBoss().cancel(name, id, manager ? { db: transactionDb(manager) } : undefined);
  }

  /** Counts of a queue's jobs, for readiness and tests. */
  async queueStats(name: string): Promise<{ queued: number; active: number; deferred: number }> {
    const q = await this.requireBoss().getQueueStats(name);
    return { queued: q.queuedCount, active: q.activeCount, deferred: q.deferredCount };
  }

  /** The state of one job (created, retry, active, completed, cancelled, failed), or null. */
  async jobState(name: string, id: string): Promise<string | null> {
    const job = await this.requireBoss().getJobById(name, id);
    return job?.state ?? null;
  }

  /** Stops fetching, waits for running jobs up to the timeout, closes the pool. */
  async stop(): Promise<void> {
    if (this.stopped) return;
    this.stopped = true;
    await this.starting?.catch(() => undefined);
    const boss = this.boss;
    if (!boss) return;
    const timeout = (this.options.stopTimeoutSeconds ?? 10) * 1000;
    const done = new Promise<void>((resolve) => boss.once('stopped', () => resolve()));
    await boss.stop({ graceful: true, wait: true, close: true, timeout });
    await Promise.race([done, new Promise((r) => setTimeout(r, timeout + 1000).unref())]);
  }

  private requireBoss(): PgBoss {
    if (!this.boss || this.stopped) throw new Error('the job runner is not running');
    return this.boss;
  }
}

/**
 * Creates or upgrades pg-boss's schema in the service's database; `main.js migrate` calls it
 * (once, by the launcher, the compose one-shot or the Kubernetes Job), never each replica.
 */
export async function installJobSchema(databaseUrl: string, schema = JOBS_SCHEMA): Promise<void> {
  const boss = new PgBoss({
    connectionString: databaseUrl,
    schema,
    max: 1,
    migrate: true,
    supervise: false,
    schedule: false,
    application_name: 'jobs-migrate',
  });
  boss.on('error', () => undefined);
  await boss.start();
  await boss.stop({ graceful: false, wait: true, close: true });
}
