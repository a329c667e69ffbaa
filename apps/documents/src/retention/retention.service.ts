import { Inject, Injectable, Logger, type OnModuleInit } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource } from 'typeorm';
import { DOCUMENTS_EVENTS, type RetentionExpiredPayload } from '@crm/contracts';
import { EventPublisher } from '@crm/messaging';
import { inTransaction } from '@crm/persistence';
import type { Principal } from '@crm/platform';
import type { DocumentRow } from '../documents/document.mapper';
import { holdsCovering, lockDocument } from '../documents/documents.repository';
import { DocumentsService } from '../documents/documents.service';
import { WorkQueue } from '../jobs/work-queue';
import { DOCUMENTS_CONFIG, type DocumentsConfig } from '../shared/documents-config';
import { documentsError } from '../shared/documents-errors';

export const RETENTION_JOB = 'retention-sweep';
/** Documents handled per sweep transaction. */
const BATCH = 200;

interface PolicyRow {
  document_type: string;
  keep_days: number;
  basis: 'created' | 'unlinked';
  action: 'delete' | 'review';
  version: number;
  updated_by: string;
  updated_at: Date;
}

export interface RetentionPolicy {
  documentType: string;
  keepDays: number;
  basis: 'created' | 'unlinked';
  action: 'delete' | 'review';
  version: number;
  updatedBy: string;
  updatedAt: string;
}

function view(p: PolicyRow): RetentionPolicy {
  return {
    documentType: p.document_type,
    keepDays: p.keep_days,
    basis: p.basis,
    action: p.action,
    version: p.version,
    updatedBy: p.updated_by,
    updatedAt: p.updated_at.toISOString(),
  };
}

/**
 * Retention per document type: keep N days after creation, or after the
 * last link was removed (and only while none is left), then delete or flag
 * for review. A durable recurring job (work_jobs) sweeps; a document under
 * legal hold is skipped until the hold is released.
 */
@Injectable()
export class RetentionService implements OnModuleInit {
  private readonly logger = new Logger('Retention');

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    @Inject(DOCUMENTS_CONFIG) private readonly config: DocumentsConfig,
    private readonly events: EventPublisher,
    private readonly work: WorkQueue,
    private readonly documents: DocumentsService,
  ) {}

  onModuleInit(): void {
    this.work.every(RETENTION_JOB, this.config.RETENTION_SWEEP_MS, () => this.sweep().then(() => undefined));
  }

  async list(): Promise<RetentionPolicy[]> {
    const rows: PolicyRow[] = await this.dataSource.query(`SELECT * FROM retention_policies ORDER BY document_type`);
    return rows.map(view);
  }

  async put(
    type: string,
    p: { keepDays: number; basis: 'created' | 'unlinked'; action: 'delete' | 'review' },
    caller: Principal,
  ): Promise<RetentionPolicy> {
    this.documents.checkType(type);
    const rows: PolicyRow[] = await this.dataSource.query(
      `INSERT INTO retention_policies (document_type, keep_days, basis, action, version, updated_by, updated_at)
       VALUES ($1, $2, $3, $4, 1, $5, now())
       ON CONFLICT (document_type) DO UPDATE SET keep_days = EXCLUDED.keep_days, basis = EXCLUDED.basis,
         action = EXCLUDED.action, version = retention_policies.version + 1,
         updated_by = EXCLUDED.updated_by, updated_at = now()
       RETURNING *`,
      [type, p.keepDays, p.basis, p.action, caller.subject],
    );
    return view(rows[0]);
  }

  async remove(type: string): Promise<void> {
    const rows = await this.dataSource.query(`DELETE FROM retention_policies WHERE document_type = $1 RETURNING 1`, [
      type,
    ]);
    if ((rows as [unknown[], number])[1] === 0) {
      throw documentsError('RETENTION_POLICY_NOT_FOUND', `No retention policy for ${type}`);
    }
  }

  /** One pass: every due document not under hold is deleted or flagged. Returns what it did. */
  async sweep(): Promise<{ deleted: number; flagged: number; held: number }> {
    const out = { deleted: 0, flagged: 0, held: 0 };
    const seenHeld = new Set<string>();
    for (let round = 0; round < 1000; round++) {
      const due: { id: string; action: 'delete' | 'review'; due_at: Date; type: string }[] =
        await this.dataSource.query(
          `SELECT d.id, p.action, d.type,
                CASE p.basis WHEN 'created' THEN d.created_at ELSE d.last_unlinked_at END
                  + p.keep_days * interval '1 day' AS due_at
           FROM documents d JOIN retention_policies p ON p.document_type = d.type
          WHERE d.anonymised_at IS NULL
            AND NOT (d.id = ANY($1::uuid[]))
            AND (p.action = 'delete' OR d.review_flagged_at IS NULL)
            AND CASE p.basis
                  WHEN 'created' THEN d.created_at + p.keep_days * interval '1 day' <= now()
                  ELSE d.last_unlinked_at + p.keep_days * interval '1 day' <= now()
                       AND NOT EXISTS (SELECT 1 FROM document_links l WHERE l.document_id = d.id)
                END
          ORDER BY d.id LIMIT $2`,
          [[...seenHeld], BATCH],
        );
      if (due.length === 0) break;
      for (const d of due) {
        const done = await inTransaction(this.dataSource, async (m) => {
          const doc = (await lockDocument(m, d.id)) as DocumentRow | undefined;
          if (!doc) return 'gone' as const;
          if ((await holdsCovering(m, [d.id])).has(d.id)) return 'held' as const;
          const data: RetentionExpiredPayload = {
            documentId: d.id,
            version: doc.version + 1,
            documentType: d.type,
            action: d.action,
            dueAt: d.due_at.toISOString(),
          };
          await this.events.publish(m, {
            type: DOCUMENTS_EVENTS.retentionExpired,
            subject: d.id,
            version: data.version,
            data,
          });
          if (d.action === 'delete') {
            await this.documents.deleteLocked(m, { ...doc, version: doc.version + 1 }, 'retention');
            return 'deleted' as const;
          }
          await m.query(
            `UPDATE documents SET review_flagged_at = now(), version = version + 1, updated_at = now() WHERE id = $1`,
            [d.id],
          );
          return 'flagged' as const;
        });
        if (done === 'held') {
          seenHeld.add(d.id);
          out.held++;
        } else if (done === 'deleted') out.deleted++;
        else if (done === 'flagged') out.flagged++;
      }
    }
    if (out.deleted || out.flagged) {
      this.logger.log(`retention: ${out.deleted} deleted, ${out.flagged} flagged, ${out.held} held back`);
      this.work.wake();
    }
    return out;
  }
}
