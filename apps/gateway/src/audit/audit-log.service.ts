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
  status: number;
  durationMs: number;
  clientIp: string | null;
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
  status: number;
  duration_ms: number;
  client_ip: string | null;
}

const BATCH = 200;
const FLUSH_AFTER_MS = 100;
const MAX_QUEUED = 20_000;

/**
 * The audit log of writes. Records are queued when a response has finished
 * and inserted in batches, so the log never delays a response; the queue is
 * bounded and flushed on shutdown.
 */
@Injectable()
export class AuditLogService implements BeforeApplicationShutdown {
  private readonly logger = new Logger('Audit');
  private queue: AuditRecord[] = [];
  private timer?: NodeJS.Timeout;
  private flushing: Promise<void> = Promise.resolve();
  private dropped = 0;

  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  record(entry: AuditRecord): void {
    if (this.queue.length >= MAX_QUEUED) {
      this.dropped += 1;
      if (this.dropped === 1 || this.dropped % 1000 === 0) {
        this.logger.error(`audit queue full (database too slow or down): ${this.dropped} records dropped`);
      }
      return;
    }
    this.queue.push(entry);
    if (this.queue.length >= BATCH) void this.flush();
    else this.timer ??= setTimeout(() => void this.flush(), FLUSH_AFTER_MS);
  }

  flush(): Promise<void> {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    this.flushing = this.flushing.then(() => this.writeQueued());
    return this.flushing;
  }

  private async writeQueued(): Promise<void> {
    while (this.queue.length > 0) {
      const batch = this.queue.splice(0, BATCH);
      try {
        await this.dataSource.getRepository(AuditEntry).insert(batch);
      } catch (error) {
        // Put the batch back once; a database that stays down fills the bounded queue instead.
        this.logger.error(`could not write ${batch.length} audit records: ${(error as Error).message}`);
        if (this.queue.length + batch.length <= MAX_QUEUED) this.queue.unshift(...batch);
        this.timer ??= setTimeout(() => void this.flush(), 1000);
        return;
      }
    }
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
  };
}
