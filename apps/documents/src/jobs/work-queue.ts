import { Inject, Injectable, Logger, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { returnedRows } from '@crm/persistence';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource, EntityManager } from 'typeorm';
import { DOCUMENTS_CONFIG, type DocumentsConfig } from '../shared/documents-config';

export interface WorkJob {
  id: string;
  kind: string;
  payload: Record<string, unknown>;
  attempts: number;
  maxAttempts: number;
}

export type WorkHandler = (payload: Record<string, unknown>, job: WorkJob) => Promise<void>;

interface Recurring {
  everyMs: number;
}

export interface EnqueueOptions {
  runAt?: Date;
  /** At most one pending job with this key. */
  singletonKey?: string;
  maxAttempts?: number;
}

/** How long a claimed job is its worker's before another replica may take it (a worker that died). */
const LEASE_MS = 10 * 60 * 1000;
const BACKOFF_MS = [1_000, 5_000, 30_000, 120_000, 600_000];

/**
 * The service's durable work: rows in its own database (work_jobs), claimed
 * with FOR UPDATE SKIP LOCKED so each runs once across replicas, leased so a
 * job of a worker that died is run again, retried with backoff and kept
 * (failed_at, last_error) once its attempts are spent. Recurring jobs
 * (retention, sweeps) are one row per kind, rescheduled after each run, so
 * they survive restarts and never run twice at once.
 */
@Injectable()
export class WorkQueue implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger('WorkQueue');
  private readonly handlers = new Map<string, WorkHandler>();
  private readonly recurring = new Map<string, Recurring>();
  private timer?: NodeJS.Timeout;
  private running?: Promise<void>;
  private stopped = true;
  private wakeRequested = false;

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    @Inject(DOCUMENTS_CONFIG) private readonly config: DocumentsConfig,
  ) {}

  handle(kind: string, handler: WorkHandler): void {
    this.handlers.set(kind, handler);
  }

  /** A job of this kind runs every `everyMs` (first run after one period, or at once with `now`). */
  every(kind: string, everyMs: number, handler: WorkHandler): void {
    this.handlers.set(kind, handler);
    this.recurring.set(kind, { everyMs });
  }

  /** Adds a job inside the caller's transaction (it exists exactly when the change is committed). */
  async enqueue(
    m: EntityManager | DataSource,
    kind: string,
    payload: Record<string, unknown>,
    options: EnqueueOptions = {},
  ): Promise<void> {
    await m.query(
      `INSERT INTO work_jobs (kind, payload, run_at, singleton_key, max_attempts)
       VALUES ($1, $2::jsonb, COALESCE($3::timestamptz, now()), $4, $5)
       ON CONFLICT (singleton_key) DO NOTHING`,
      [kind, JSON.stringify(payload), options.runAt ?? null, options.singletonKey ?? null, options.maxAttempts ?? 5],
    );
  }

  /** Look for due work now instead of at the next poll (after committing new jobs). */
  wake(): void {
    if (this.stopped) return;
    if (this.running) {
      this.wakeRequested = true;
      return;
    }
    clearTimeout(this.timer);
    this.timer = setTimeout(() => this.tick(), 0);
  }

  async onApplicationBootstrap(): Promise<void> {
    for (const [kind, r] of this.recurring) {
      await this.dataSource.query(
        `INSERT INTO work_jobs (kind, payload, run_at, singleton_key, max_attempts)
         VALUES ($1, '{}', now() + ($2::int * interval '1 millisecond'), $1, 1000000)
         ON CONFLICT (singleton_key) DO UPDATE SET
           run_at = LEAST(work_jobs.run_at, EXCLUDED.run_at), failed_at = NULL`,
        [kind, r.everyMs],
      );
    }
    this.stopped = false;
    this.wake();
  }

  async onApplicationShutdown(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.timer);
    await this.running;
  }

  private tick(): void {
    if (this.stopped) return;
    this.running = this.drain()
      .catch((error: unknown) => this.logger.warn(`work queue pass failed: ${(error as Error).message}`))
      .finally(() => {
        this.running = undefined;
        if (this.stopped) return;
        const again = this.wakeRequested;
        this.wakeRequested = false;
        this.timer = setTimeout(() => this.tick(), again ? 0 : this.config.WORK_POLL_MS);
      });
  }

  /** Runs due jobs one after another until none is due. */
  private async drain(): Promise<void> {
    for (let n = 0; n < 1000 && !this.stopped; n++) {
      const job = await this.claim();
      if (!job) return;
      await this.run(job);
    }
  }

  /** Takes the next due job this replica knows how to run. */
  async claim(): Promise<WorkJob | undefined> {
    const kinds = [...this.handlers.keys()];
    if (kinds.length === 0) return undefined;
    const rows: {
      id: string;
      kind: string;
      payload: Record<string, unknown>;
      attempts: number;
      max_attempts: number;
    }[] = await this.dataSource
      .query(
        `UPDATE work_jobs SET attempts = attempts + 1, locked_until = now() + ($2::int * interval '1 millisecond')
          WHERE id = (
            SELECT id FROM work_jobs
             WHERE failed_at IS NULL AND run_at <= now() AND kind = ANY($1::text[])
               AND (locked_until IS NULL OR locked_until < now())
             ORDER BY run_at, id LIMIT 1 FOR UPDATE SKIP LOCKED)
          RETURNING id, kind, payload, attempts, max_attempts`,
        [kinds, LEASE_MS],
      )
      .then((r: unknown) => returnedRows(r) as never);
    const r = rows[0];
    return r
      ? { id: r.id, kind: r.kind, payload: r.payload, attempts: r.attempts, maxAttempts: r.max_attempts }
      : undefined;
  }

  async run(job: WorkJob): Promise<void> {
    const handler = this.handlers.get(job.kind);
    const recurring = this.recurring.get(job.kind);
    try {
      if (!handler) throw new Error(`no handler for ${job.kind}`);
      await handler(job.payload, job);
      if (recurring) {
        await this.dataSource.query(
          `UPDATE work_jobs SET run_at = now() + ($2::int * interval '1 millisecond'), attempts = 0,
                  locked_until = NULL, last_error = NULL WHERE id = $1`,
          [job.id, recurring.everyMs],
        );
      } else {
        await this.dataSource.query(`DELETE FROM work_jobs WHERE id = $1`, [job.id]);
      }
    } catch (error) {
      const message = (error instanceof Error ? error.message : String(error)).slice(0, 2000);
      const spent = !recurring && job.attempts >= job.maxAttempts;
      const pause = recurring?.everyMs ?? BACKOFF_MS[Math.min(job.attempts - 1, BACKOFF_MS.length - 1)];
      this.logger.warn(`${job.kind} job ${job.id} failed (attempt ${job.attempts}): ${message}`);
      await this.dataSource.query(
        `UPDATE work_jobs SET locked_until = NULL, last_error = $2,
                run_at = now() + ($3::int * interval '1 millisecond'),
                failed_at = CASE WHEN $4 THEN now() END
          WHERE id = $1`,
        [job.id, message, pause, spent],
      );
    }
  }

  /** Pending and failed jobs, for readiness metrics and specs. */
  async counts(): Promise<{ kind: string; pending: number; failed: number }[]> {
    return this.dataSource.query(
      `SELECT kind, count(*) FILTER (WHERE failed_at IS NULL)::int AS pending,
              count(*) FILTER (WHERE failed_at IS NOT NULL)::int AS failed
         FROM work_jobs GROUP BY kind ORDER BY kind`,
    );
  }
}
