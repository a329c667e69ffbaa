import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource, EntityManager } from 'typeorm';
import { DOCUMENTS_EVENTS, type DocumentLinkRef, type LegalHoldPayload } from '@crm/contracts';
import { EventPublisher } from '@crm/messaging';
import { decodeCursor, encodeCursor, inTransaction, isUuid, uuidv7 } from '@crm/persistence';
import type { Page, Principal } from '@crm/platform';
import { findDocument } from '../documents/documents.repository';
import { notFound } from '../documents/documents.service';
import { documentsError } from '../shared/documents-errors';

interface HoldRow {
  id: string;
  document_id: string | null;
  record_kind: DocumentLinkRef['kind'] | null;
  record_id: string | null;
  reason: string;
  placed_by: string;
  placed_at: Date;
  released_by: string | null;
  released_at: Date | null;
  release_reason: string | null;
}

export interface HoldView extends LegalHoldPayload {
  releaseReason: string | null;
  active: boolean;
}

function view(h: HoldRow): HoldView {
  return {
    holdId: h.id,
    documentId: h.document_id,
    record: h.record_kind && h.record_id ? { kind: h.record_kind, id: h.record_id } : null,
    reason: h.reason,
    placedBy: h.placed_by,
    placedAt: h.placed_at.toISOString(),
    releasedBy: h.released_by,
    releasedAt: h.released_at?.toISOString() ?? null,
    releaseReason: h.release_reason,
    active: h.released_at === null,
  };
}

/**
 * Legal holds on one document or on everything linked to a record: while
 * active they block deleting the documents, their versions, retention and
 * erasure. Who placed and released each, when and why, stays on record.
 */
@Injectable()
export class HoldsService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly events: EventPublisher,
  ) {}

  place(
    target: { documentId: string } | { record: DocumentLinkRef },
    reason: string,
    caller: Principal,
  ): Promise<HoldView> {
    return inTransaction(this.dataSource, async (m) => {
      const documentId = 'documentId' in target ? target.documentId : null;
      if (documentId && !(await findDocument(m, documentId))) throw notFound(documentId);
      const record = 'record' in target ? target.record : null;
      const rows: HoldRow[] = await m.query(
        `INSERT INTO legal_holds (id, document_id, record_kind, record_id, reason, placed_by, placed_at)
         VALUES ($1, $2, $3, $4, $5, $6, now()) RETURNING *`,
        [uuidv7(), documentId, record?.kind ?? null, record?.id ?? null, reason.trim(), caller.subject],
      );
      const hold = view(rows[0]);
      await this.publish(m, DOCUMENTS_EVENTS.holdPlaced, hold, 1);
      return hold;
    });
  }

  release(id: string, reason: string, caller: Principal): Promise<HoldView> {
    return inTransaction(this.dataSource, async (m) => {
      const rows: HoldRow[] = await m.query(`SELECT * FROM legal_holds WHERE id = $1 FOR UPDATE`, [id]);
      if (!rows[0]) throw documentsError('HOLD_NOT_FOUND', `No legal hold ${id}`);
      if (rows[0].released_at) {
        throw documentsError(
          'HOLD_ALREADY_RELEASED',
          `Legal hold ${id} was released at ${rows[0].released_at.toISOString()}`,
        );
      }
      const changed: [HoldRow[], number] = await m.query(
        `UPDATE legal_holds SET released_by = $2, released_at = now(), release_reason = $3 WHERE id = $1 RETURNING *`,
        [id, caller.subject, reason.trim()],
      );
      const hold = view(changed[0][0]);
      await this.publish(m, DOCUMENTS_EVENTS.holdReleased, hold, 2);
      return hold;
    });
  }

  async get(id: string): Promise<HoldView> {
    if (!isUuid(id)) throw documentsError('HOLD_NOT_FOUND', `No legal hold ${id}`);
    const rows: HoldRow[] = await this.dataSource.query(`SELECT * FROM legal_holds WHERE id = $1`, [id]);
    if (!rows[0]) throw documentsError('HOLD_NOT_FOUND', `No legal hold ${id}`);
    return view(rows[0]);
  }

  async list(filter: {
    active?: boolean;
    documentId?: string;
    limit?: number;
    cursor?: string;
  }): Promise<Page<HoldView>> {
    const limit = filter.limit ?? 50;
    const params: unknown[] = [];
    const where: string[] = [];
    if (filter.active !== undefined) where.push(filter.active ? 'released_at IS NULL' : 'released_at IS NOT NULL');
    if (filter.documentId) {
      params.push(filter.documentId);
      where.push(`document_id = $${params.length}`);
    }
    if (filter.cursor) {
      const [after] = decodeCursor(filter.cursor, 1);
      if (typeof after !== 'string' || !isUuid(after)) {
        throw documentsError('CURSOR_INVALID', 'The cursor is not valid', {
          errors: [{ field: 'cursor', message: 'is not a cursor of this listing' }],
        });
      }
      params.push(after);
      where.push(`id < $${params.length}`);
    }
    params.push(limit + 1);
    const rows: HoldRow[] = await this.dataSource.query(
      `SELECT * FROM legal_holds ${where.length ? `WHERE ${where.join(' AND ')}` : ''} ORDER BY id DESC LIMIT $${params.length}`,
      params,
    );
    const page = rows.slice(0, limit);
    return {
      items: page.map(view),
      nextCursor: rows.length > limit ? encodeCursor([page[page.length - 1].id]) : null,
    };
  }

  private async publish(m: EntityManager, type: string, hold: HoldView, version: number): Promise<void> {
    const data: LegalHoldPayload = {
      holdId: hold.holdId,
      documentId: hold.documentId,
      record: hold.record,
      reason: hold.reason,
      placedBy: hold.placedBy,
      placedAt: hold.placedAt,
      releasedBy: hold.releasedBy,
      releasedAt: hold.releasedAt,
    };
    await this.events.publish(m, { type, subject: hold.holdId, version, data });
  }
}
