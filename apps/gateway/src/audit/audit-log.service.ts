import { Injectable, Logger, type BeforeApplicationShutdown } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource } from 'typeorm';
import { AuditEntry } from './audit-entry.entity';
import { toPage } from '../paging/id-page';
import { auditPageQuery, type AuditFilter } from './audit-page';

export type AuditRecord = AuditEntry;

export interface AuditView {
  id: string;
  at: string;
  requestId: string;
  subject: string | null;
  subjectName: string | null;
  kind: string | null;
  method: string;
  path: string;
  service: string | null;
  status: number | null;
  durationMs: number | null;
  clientIp: string | null;
  outcome: string;
}

export interface AuditCompletion {
  id: string;
  status: number | null;
  durationMs: number;
  outcome: 'completed' | 'aborted';
}

interface Waiting {
  entry: AuditRecord;
  resolve: () => void;
  reject: (error: Error) => void;
}

interface AuditRow {
  id: string;
  at: Date;
  request_id: string;
  subject: string | null;
  subject_name: string | null;
  kind: string | null;
  method: string;
  path: string;
  service: string | null;
  status: number | null;
  duration_ms: number | null;
  client_ip: string | null;
  outcome: string;
}

const BATCH = 200;
const FLUSH_AFTER_MS = 100;
const MAX_QUEUED = 20_000;

/**
 * The audit log of writes. A write is put on record (`begin`, outcome
 * pending) before it is handled, so a client hanging up cannot leave a write
 * without a trace; concurrent begins share one INSERT. The answer completes
 * the entry (`complete`: status, duration, completed or aborted), and writes
 * refused before that are recorded whole (`record`); both are queued and
 * written in batches, never delaying a response. The queue is bounded; the
 * gateway flushes it after its HTTP server has closed.
 */
@Injectable()
export class AuditLogService implements BeforeApplicationShutdown {
  private readonly logger = new Logger('Audit');
  private queue: AuditRecord[] = [];
  private completions: AuditCompletion[] = [];
  private waiting: Waiting[] = [];
  private beginning = false;
  private timer?: NodeJS.Timeout;
  private flushing: Promise<void> = Promise.resolve();
  private dropped = 0;

  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  /** Writes the entry (outcome pending) and resolves once it is stored; rejects when it cannot be. */
  begin(entry: AuditRecord): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      this.waiting.push({ entry: { ...entry, outcome: 'pending' }, resolve, reject });
      if (!this.beginning) void this.writeBegins();
    });
  }

  private async writeBegins(): Promise<void> {
    this.beginning = true;
    try {
      while (this.waiting.length > 0) {
        const batch = this.waiting.splice(0, BATCH);
        try {
          await this.insert(batch.map((w) => w.entry));
          for (const w of batch) w.resolve();
        } catch (error) {
          for (const w of batch) w.reject(error as Error);
        }
      }
    } finally {
      this.beginning = false;
    }
  }

  /** Completes an entry `begin` wrote: how the write was answered, or that the client left first. */
  complete(completion: AuditCompletion): void {
    if (this.queue.length + this.completions.length >= MAX_QUEUED) return this.drop();
    this.completions.push(completion);
    this.schedule();
  }

  /** A write refused before it was put on record (401, 413, …): the whole entry at once. */
  record(entry: AuditRecord): void {
    if (this.queue.length + this.completions.length >= MAX_QUEUED) return this.drop();
    this.queue.push(entry);
    this.schedule();
  }

  private schedule(): void {
    if (this.queue.length + this.completions.length >= BATCH) void this.flush();
    else this.timer ??= setTimeout(() => void this.flush(), FLUSH_AFTER_MS);
  }

  private drop(): void {
    this.dropped += 1;
    if (this.dropped === 1 || this.dropped % 1000 === 0) {
      this.logger.error(`audit queue full (database too slow or down): ${this.dropped} records dropped`);
    }
  }

  flush(): Promise<void> {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    this.flushing = this.flushing.then(() => this.writeQueued());
    return this.flushing;
  }

  private async writeQueued(): Promise<void> {
    while (this.completions.length > 0) {
      const batch = this.completions.splice(0, BATCH);
      try {
        await this.dataSource.query(
          `UPDATE audit_log a SET status = v.status, duration_ms = v.duration_ms, outcome = v.outcome
             FROM unnest($1::uuid[], $2::int[], $3::int[], $4::text[]) AS v(id, status, duration_ms, outcome)
            WHERE a.id = v.id`,
          [
            batch.map((c) => c.id),
            batch.map((c) => c.status),
            batch.map((c) => c.durationMs),
            batch.map((c) => c.outcome),
          ],
        );
      } catch (error) {
        this.logger.error(`could not complete ${batch.length} audit records: ${(error as Error).message}`);
        if (this.queue.length + this.completions.length + batch.length <= MAX_QUEUED)
          this.completions.unshift(...batch);
        this.timer ??= setTimeout(() => void this.flush(), 1000);
        return;
      }
    }
    while (this.queue.length > 0) {
      const batch = this.queue.splice(0, BATCH);
      try {
        await this.insert(batch);
      } catch (error) {
        // Put the batch back once; a database that stays down fills the bounded queue instead.
        this.logger.error(`could not write ${batch.length} audit records: ${(error as Error).message}`);
        if (this.queue.length + batch.length <= MAX_QUEUED) this.queue.unshift(...batch);
        this.timer ??= setTimeout(() => void this.flush(), 1000);
        return;
      }
    }
  }

  /**
   * One statement of a fixed text whatever the batch's size (column arrays, not a VALUES list per
   * row): prepared once per connection, and no query builder run per write.
   */
  private async insert(entries: AuditRecord[]): Promise<void> {
    const column = <K extends keyof AuditRecord>(key: K) => entries.map((e) => e[key] ?? null);
    await this.dataSource.query(
      `INSERT INTO audit_log (id, at, request_id, subject, subject_name, kind, method, path, service, status,
                              duration_ms, outcome, client_ip)
       SELECT * FROM unnest($1::uuid[], $2::timestamptz[], $3::text[], $4::text[], $5::text[], $6::text[], $7::text[],
                            $8::text[], $9::text[], $10::int[], $11::int[], $12::text[], $13::text[])`,
      [
        column('id'),
        column('at'),
        column('requestId'),
        column('subject'),
        column('subjectName'),
        column('kind'),
        column('method'),
        column('path'),
        column('service'),
        column('status'),
        column('durationMs'),
        entries.map((e) => e.outcome ?? 'completed'),
        column('clientIp'),
      ],
    );
  }

  async beforeApplicationShutdown(): Promise<void> {
    await this.flush();
  }

  async list(filter: AuditFilter): Promise<{ items: AuditView[]; nextCursor: string | null }> {
    const q = auditPageQuery(filter);
    const rows: AuditRow[] = await this.dataSource.query(q.sql, q.params);
    const page = toPage(rows, filter.limit);
    return { items: page.items.map(toView), nextCursor: page.nextCursor };
  }
}

function toView(r: AuditRow): AuditView {
  return {
    id: r.id,
    at: r.at.toISOString(),
    requestId: r.request_id,
    subject: r.subject,
    subjectName: r.subject_name,
    kind: r.kind,
    method: r.method,
    path: r.path,
    service: r.service,
    status: r.status,
    durationMs: r.duration_ms,
    clientIp: r.client_ip,
    outcome: r.outcome,
  };
}
