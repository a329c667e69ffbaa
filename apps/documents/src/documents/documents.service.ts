import { Inject, Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource, EntityManager } from 'typeorm';
import { DOCUMENTS_EVENTS, type DocumentDeletedPayload, type DocumentLinkPayload } from '@crm/contracts';
import { EventPublisher } from '@crm/messaging';
import { decodeCursor, encodeCursor, inTransaction, isUuid, returnedRows, uuidv7 } from '@crm/persistence';
import { validationFailed, type Page, type Principal } from '@crm/platform';
import { WorkQueue } from '../jobs/work-queue';
import { DOCUMENTS_CONFIG, type DocumentsConfig } from '../shared/documents-config';
import { documentsError } from '../shared/documents-errors';
import { documentPayload, documentView, type DocumentRow, type DocumentView } from './document.mapper';
import {
  findDocument,
  holdsCovering,
  linksOf,
  lockDocument,
  pickCurrentVersion,
  refreshSearchVector,
  releaseBlob,
  versionsById,
} from './documents.repository';
import type { CreateDocumentDto, DocumentListQuery, LinkDto, UpdateDocumentDto } from './dto/document.dto';

export const REMOVE_OBJECT_JOB = 'remove-object';

export function notFound(id: string) {
  return documentsError('DOCUMENT_NOT_FOUND', `No document ${id}`);
}

function badCursor() {
  return documentsError('CURSOR_INVALID', 'The cursor is not valid', {
    errors: [{ field: 'cursor', message: 'is not a cursor of this listing' }],
  });
}

@Injectable()
export class DocumentsService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    @Inject(DOCUMENTS_CONFIG) private readonly config: DocumentsConfig,
    private readonly events: EventPublisher,
    private readonly work: WorkQueue,
  ) {}

  checkType(type: string): void {
    if (!this.config.documentTypes.includes(type)) {
      throw documentsError(
        'DOCUMENT_TYPE_NOT_ALLOWED',
        `The document type ${type} is not one of the configured types`,
        {
          errors: [{ field: 'type', message: `must be one of ${this.config.documentTypes.join(', ')}` }],
        },
      );
    }
  }

  private checkLanguage(language: string): void {
    if (!this.config.languages.includes(language)) {
      throw validationFailed([{ field: 'language', message: `must be one of ${this.config.languages.join(', ')}` }]);
    }
  }

  create(dto: CreateDocumentDto, caller: Principal): Promise<DocumentView> {
    this.checkType(dto.type);
    const language = dto.language ?? this.config.DOCUMENT_DEFAULT_LANGUAGE;
    this.checkLanguage(language);
    const links = dedupeLinks(dto.links ?? []);
    return inTransaction(this.dataSource, async (m) => {
      const id = uuidv7();
      const now = new Date();
      await m.query(
        `INSERT INTO documents (id, version, title, type, tags, language, owner_id, metadata, created_by, created_at, updated_at)
         VALUES ($1, 1, $2, $3, $4, $5::regconfig, $6, $7::jsonb, $8, $9, $9)`,
        [
          id,
          dto.title.trim(),
          dto.type,
          dedupeTags(dto.tags ?? []),
          language,
          dto.ownerId ?? null,
          JSON.stringify(dto.metadata ?? {}),
          caller.subject,
          now,
        ],
      );
      for (const l of links) {
        await m.query(
          `INSERT INTO document_links (document_id, record_kind, record_id, linked_by, linked_at) VALUES ($1, $2, $3, $4, $5)`,
          [id, l.kind, l.id, caller.subject, now],
        );
      }
      await refreshSearchVector(m, id, this.config.EXTRACT_MAX_CHARS);
      const doc = (await findDocument(m, id)) as DocumentRow;
      await this.events.publish(m, {
        type: DOCUMENTS_EVENTS.documentUpdated,
        subject: id,
        version: 1,
        data: documentPayload(doc, await linksOf(m, [id])),
      });
      return this.viewIn(m, doc);
    });
  }

  async get(id: string): Promise<DocumentView> {
    const doc = await findDocument(this.dataSource.manager, id);
    if (!doc) throw notFound(id);
    return this.viewIn(this.dataSource.manager, doc);
  }

  async viewIn(m: EntityManager, doc: DocumentRow): Promise<DocumentView> {
    const [view] = await this.views(m, [doc]);
    return view;
  }

  async views(m: EntityManager, docs: DocumentRow[]): Promise<DocumentView[]> {
    const ids = docs.map((d) => d.id);
    const [links, versions, holds] = await Promise.all([
      linksOf(m, ids),
      versionsById(
        m,
        docs.map((d) => d.current_version_id).filter((v): v is string => !!v),
      ),
      holdsCovering(m, ids),
    ]);
    return docs.map((d) =>
      documentView(
        d,
        links.filter((l) => l.document_id === d.id),
        versions.find((v) => v.id === d.current_version_id),
        holds.has(d.id),
      ),
    );
  }

  async list(query: DocumentListQuery): Promise<Page<DocumentView>> {
    const limit = query.limit ?? 50;
    const w = new Where();
    addFilters(query, w);
    if (query.textStatus) {
      w.parts.push(
        `EXISTS (SELECT 1 FROM document_versions v WHERE v.id = d.current_version_id AND v.text_status = ${w.param(query.textStatus)})`,
      );
    }
    if (query.flaggedForReview === 'true') w.parts.push('d.review_flagged_at IS NOT NULL');
    if (query.flaggedForReview === 'false') w.parts.push('d.review_flagged_at IS NULL');
    if (query.cursor) {
      const [after] = decodeCursor(query.cursor, 1);
      if (typeof after !== 'string' || !isUuid(after)) throw badCursor();
      w.parts.push(`d.id < ${w.param(after)}`);
    }
    const rows: DocumentRow[] = await this.dataSource.query(
      `SELECT d.* FROM documents d ${w.sql} ORDER BY d.id DESC LIMIT ${w.param(limit + 1)}`,
      w.params,
    );
    const page = rows.slice(0, limit);
    return {
      items: await this.views(this.dataSource.manager, page),
      nextCursor: rows.length > limit ? encodeCursor([page[page.length - 1].id]) : null,
    };
  }

  update(id: string, dto: UpdateDocumentDto, expected: number | undefined, caller: Principal): Promise<DocumentView> {
    if (dto.type !== undefined) this.checkType(dto.type);
    if (dto.language !== undefined) this.checkLanguage(dto.language);
    return inTransaction(this.dataSource, async (m) => {
      const doc = await lockDocument(m, id);
      if (!doc) throw notFound(id);
      if (expected !== undefined && expected !== doc.version) {
        throw documentsError('VERSION_CONFLICT', `Document ${id} is at version ${doc.version}, not ${expected}`, {
          currentVersion: doc.version,
        });
      }
      if (dto.pinnedVersionId) {
        const found: unknown[] = await m.query(`SELECT 1 FROM document_versions WHERE id = $1 AND document_id = $2`, [
          dto.pinnedVersionId,
          id,
        ]);
        if (found.length === 0) {
          throw documentsError('VERSION_NOT_FOUND', `Document ${id} has no version ${dto.pinnedVersionId}`, {
            errors: [{ field: 'pinnedVersionId', message: 'is not a version of this document' }],
          });
        }
      }
      await m.query(
        `UPDATE documents SET
           title = COALESCE($2, title), type = COALESCE($3, type), tags = COALESCE($4, tags),
           language = COALESCE($5::regconfig, language),
           owner_id = CASE WHEN $6 THEN $7 ELSE owner_id END,
           metadata = COALESCE($8::jsonb, metadata),
           pinned_version_id = CASE WHEN $9 THEN $10::uuid ELSE pinned_version_id END,
           version = version + 1, updated_at = now()
         WHERE id = $1`,
        [
          id,
          dto.title?.trim() ?? null,
          dto.type ?? null,
          dto.tags ? dedupeTags(dto.tags) : null,
          dto.language ?? null,
          dto.ownerId !== undefined,
          dto.ownerId ?? null,
          dto.metadata ? JSON.stringify(dto.metadata) : null,
          dto.pinnedVersionId !== undefined,
          dto.pinnedVersionId ?? null,
        ],
      );
      await pickCurrentVersion(m, id);
      await refreshSearchVector(m, id, this.config.EXTRACT_MAX_CHARS);
      const changed = (await findDocument(m, id)) as DocumentRow;
      await this.events.publish(m, {
        type: DOCUMENTS_EVENTS.documentUpdated,
        subject: id,
        version: changed.version,
        data: documentPayload(changed, await linksOf(m, [id])),
      });
      void caller;
      return this.viewIn(m, changed);
    });
  }

  /** Refuses when an active legal hold covers the document. */
  async assertNotHeld(m: EntityManager, id: string, what: string): Promise<void> {
    const holds = (await holdsCovering(m, [id])).get(id);
    if (holds?.length) {
      throw documentsError(
        'DOCUMENT_UNDER_HOLD',
        `Document ${id} is under legal hold; ${what} is blocked until released`,
        {
          holdIds: holds,
        },
      );
    }
  }

  async remove(id: string, expected: number | undefined): Promise<void> {
    await inTransaction(this.dataSource, async (m) => {
      const doc = await lockDocument(m, id);
      if (!doc) throw notFound(id);
      if (expected !== undefined && expected !== doc.version) {
        throw documentsError('VERSION_CONFLICT', `Document ${id} is at version ${doc.version}, not ${expected}`, {
          currentVersion: doc.version,
        });
      }
      await this.assertNotHeld(m, id, 'deletion');
      await this.deleteLocked(m, doc, 'user');
    });
    this.work.wake();
  }

  /**
   * Deletes a locked document in the caller's transaction: its versions'
   * blob references go, and blobs nobody references any more are removed
   * (their objects through durable jobs, after commit).
   */
  async deleteLocked(m: EntityManager, doc: DocumentRow, reason: string): Promise<void> {
    const versions: { sha256: string }[] = await m.query(
      `SELECT sha256 FROM document_versions WHERE document_id = $1`,
      [doc.id],
    );
    await m.query(`DELETE FROM documents WHERE id = $1`, [doc.id]);
    for (const v of versions) await this.dropBlobRef(m, v.sha256);
    const data: DocumentDeletedPayload = { documentId: doc.id, version: doc.version + 1, reason };
    await this.events.publish(m, {
      type: DOCUMENTS_EVENTS.documentDeleted,
      subject: doc.id,
      version: data.version,
      data,
    });
  }

  async dropBlobRef(m: EntityManager, sha256: string): Promise<void> {
    const key = await releaseBlob(m, sha256);
    if (key) await this.work.enqueue(m, REMOVE_OBJECT_JOB, { key }, { maxAttempts: 20 });
  }

  link(id: string, dto: LinkDto, caller: Principal): Promise<DocumentView> {
    return inTransaction(this.dataSource, async (m) => {
      const doc = await lockDocument(m, id);
      if (!doc) throw notFound(id);
      const added: unknown[] = await m.query(
        `INSERT INTO document_links (document_id, record_kind, record_id, linked_by, linked_at)
         VALUES ($1, $2, $3, $4, now()) ON CONFLICT DO NOTHING RETURNING document_id`,
        [id, dto.kind, dto.id, caller.subject],
      );
      if (added.length === 0) return this.viewIn(m, doc);
      return this.linkChanged(m, id, DOCUMENTS_EVENTS.documentLinked, { kind: dto.kind, id: dto.id });
    });
  }

  unlink(id: string, kind: LinkDto['kind'], recordId: string): Promise<DocumentView> {
    return inTransaction(this.dataSource, async (m) => {
      const doc = await lockDocument(m, id);
      if (!doc) throw notFound(id);
      const removed = await this.removeLink(m, id, kind, recordId);
      if (!removed) throw documentsError('LINK_NOT_FOUND', `Document ${id} is not linked to ${kind} ${recordId}`);
      return this.linkChanged(m, id, DOCUMENTS_EVENTS.documentUnlinked, { kind, id: recordId });
    });
  }

  /** Removes one link; the document remembers when its last link went (for retention after unlinking). */
  async removeLink(m: EntityManager, id: string, kind: string, recordId: string): Promise<boolean> {
    const removed: unknown[] = await m
      .query(
        `DELETE FROM document_links WHERE document_id = $1 AND record_kind = $2 AND record_id = $3 RETURNING document_id`,
        [id, kind, recordId],
      )
      .then((r: unknown) => returnedRows(r));
    if (removed.length === 0) return false;
    await m.query(
      `UPDATE documents SET last_unlinked_at = now()
        WHERE id = $1 AND NOT EXISTS (SELECT 1 FROM document_links WHERE document_id = $1)`,
      [id],
    );
    return true;
  }

  async linkChanged(
    m: EntityManager,
    id: string,
    type: string,
    link: DocumentLinkPayload['link'],
  ): Promise<DocumentView> {
    await m.query(`UPDATE documents SET version = version + 1, updated_at = now() WHERE id = $1`, [id]);
    const doc = (await findDocument(m, id)) as DocumentRow;
    const data: DocumentLinkPayload = { documentId: id, version: doc.version, link };
    await this.events.publish(m, { type, subject: id, version: doc.version, data });
    return this.viewIn(m, doc);
  }
}

/** SQL conditions with positional parameters, `?` standing for the next one. */
export class Where {
  readonly params: unknown[] = [];
  readonly parts: string[] = [];

  param(value: unknown): string {
    this.params.push(value);
    return `$${this.params.length}`;
  }

  get sql(): string {
    return this.parts.length ? `WHERE ${this.parts.join(' AND ')}` : '';
  }
}

/** Adds the listing/search filters (type, tag, linked record, created range). */
export function addFilters(
  q: { type?: string; tag?: string; recordKind?: string; recordId?: string; from?: string; to?: string },
  w: Where,
): void {
  if ((q.recordKind === undefined) !== (q.recordId === undefined)) {
    throw validationFailed([
      { field: q.recordKind ? 'recordId' : 'recordKind', message: 'recordKind and recordId go together' },
    ]);
  }
  if (q.type) w.parts.push(`d.type = ${w.param(q.type)}`);
  if (q.tag) w.parts.push(`d.tags @> ARRAY[${w.param(q.tag)}]::text[]`);
  if (q.recordKind && q.recordId) {
    w.parts.push(
      `EXISTS (SELECT 1 FROM document_links l WHERE l.document_id = d.id AND l.record_kind = ${w.param(q.recordKind)} AND l.record_id = ${w.param(q.recordId)})`,
    );
  }
  if (q.from) w.parts.push(`d.created_at >= ${w.param(q.from)}::timestamptz`);
  if (q.to) w.parts.push(`d.created_at < ${w.param(q.to)}::timestamptz`);
}

function dedupeTags(tags: string[]): string[] {
  return [...new Set(tags.map((t) => t.trim()))];
}

function dedupeLinks(links: LinkDto[]): LinkDto[] {
  const seen = new Set<string>();
  return links.filter((l) => {
    const key = `${l.kind}:${l.id.toLowerCase()}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}
