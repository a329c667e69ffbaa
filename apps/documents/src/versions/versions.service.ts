import { Inject, Injectable, Logger } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { IncomingMessage } from 'node:http';
import type { Readable } from 'node:stream';
import type { DataSource, EntityManager } from 'typeorm';
import { DOCUMENTS_EVENTS } from '@crm/contracts';
import { EventPublisher } from '@crm/messaging';
import { inTransaction, uuidv7 } from '@crm/persistence';
import { DomainError, type Page, type Principal } from '@crm/platform';
import {
  documentPayload,
  versionPayload,
  versionView,
  type DocumentRow,
  type VersionRow,
  type VersionView,
} from '../documents/document.mapper';
import { DocumentsService, notFound } from '../documents/documents.service';
import {
  findDocument,
  findVersion,
  linksOf,
  lockDocument,
  pickCurrentVersion,
  refreshSearchVector,
} from '../documents/documents.repository';
import { EXTRACT_JOB } from '../extraction/extraction.constants';
import { WorkQueue } from '../jobs/work-queue';
import { BLOB_STORE, type BlobStore, type BlobWrite, type ByteRange } from '../storage/blob-store';
import { DOCUMENTS_CONFIG, type DocumentsConfig } from '../shared/documents-config';
import { documentsError } from '../shared/documents-errors';
import { sniffMediaType } from '../uploads/media-type';
import { UploadMeter, UploadTooLargeError } from '../uploads/upload-meter';
import { discardRest, uploadSource } from '../uploads/upload-source';

export interface Content {
  version: VersionRow;
  stream?: Readable;
}

function versionNotFound(documentId: string, versionId: string) {
  return documentsError('VERSION_NOT_FOUND', `Document ${documentId} has no version ${versionId}`);
}

@Injectable()
export class VersionsService {
  private readonly logger = new Logger('Versions');

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    @Inject(DOCUMENTS_CONFIG) private readonly config: DocumentsConfig,
    @Inject(BLOB_STORE) private readonly store: BlobStore,
    private readonly events: EventPublisher,
    private readonly work: WorkQueue,
    private readonly documents: DocumentsService,
  ) {}

  /**
   * Streams the request's file into the store while hashing and counting it,
   * refusing it (nothing kept) past the size limit or when the type found in
   * its first bytes is not allowed; then records the version, storing the
   * blob once per sha-256.
   */
  async upload(
    documentId: string,
    raw: IncomingMessage,
    fileName: string | undefined,
    caller: Principal,
  ): Promise<VersionView> {
    const existing = await findDocument(this.dataSource.manager, documentId);
    if (!existing) {
      discardRest(raw);
      throw notFound(documentId);
    }
    const declaredLength = Number(raw.headers['content-length'] ?? NaN);
    if (Number.isFinite(declaredLength) && declaredLength > this.config.DOCUMENT_MAX_BYTES && !isMultipart(raw)) {
      discardRest(raw);
      throw tooLarge(this.config.DOCUMENT_MAX_BYTES);
    }
    let source;
    try {
      source = await uploadSource(raw, fileName);
    } catch (error) {
      discardRest(raw);
      throw error;
    }
    const key = `blobs/${uuidv7()}`;
    await this.dataSource.query(`INSERT INTO blob_uploads (storage_key) VALUES ($1)`, [key]);
    let mediaType = 'application/octet-stream';
    const meter = new UploadMeter(this.config.DOCUMENT_MAX_BYTES, async (head, complete) => {
      if (head.length === 0 && complete) {
        throw documentsError('UPLOAD_EMPTY', 'The file is empty', { errors: [{ field: 'file', message: 'is empty' }] });
      }
      mediaType = await sniffMediaType(head, complete, source.declaredType, source.fileName);
      if (!this.config.mediaTypes.includes(mediaType)) {
        throw documentsError('MEDIA_TYPE_NOT_ALLOWED', `Files of type ${mediaType} are not accepted`, {
          errors: [{ field: 'file', message: `is ${mediaType} (found from its content), which is not allowed` }],
          detected: mediaType,
        });
      }
    });
    let write: BlobWrite | undefined;
    try {
      const w = (write = await this.store.write(key));
      await new Promise<void>((resolve, reject) => {
        source.stream.once('error', reject);
        source.stream.once('aborted', () => reject(new Error('the client stopped sending')));
        meter.once('error', reject);
        w.sink.once('error', reject);
        w.finished.then(resolve, reject);
        source.stream.pipe(meter).pipe(w.sink);
      });
    } catch (error) {
      source.stream.unpipe(meter);
      meter.unpipe();
      discardRest(raw);
      if (source.stream !== raw) source.stream.resume();
      await write?.abort().catch(() => undefined);
      await this.dataSource.query(`DELETE FROM blob_uploads WHERE storage_key = $1`, [key]);
      if (error instanceof UploadTooLargeError) throw tooLarge(error.limit);
      if (error instanceof DomainError) throw error;
      if (error instanceof Error && /stopped sending|aborted|ECONNRESET/.test(error.message)) {
        throw documentsError('UPLOAD_MALFORMED', 'The upload ended before the whole file arrived', {
          errors: [{ field: 'body', message: 'ended early' }],
        });
      }
      this.logger.error(`storing an upload failed: ${(error as Error).message}`);
      throw documentsError('STORAGE_UNAVAILABLE', 'The file could not be stored; retry shortly');
    }
    if (meter.size === 0) {
      await this.store.remove(key).catch(() => undefined);
      await this.dataSource.query(`DELETE FROM blob_uploads WHERE storage_key = $1`, [key]);
      throw documentsError('UPLOAD_EMPTY', 'The file is empty', { errors: [{ field: 'file', message: 'is empty' }] });
    }
    const sha256 = meter.sha256;
    const size = meter.size;
    let duplicateOf: string | undefined;
    let recorded: { doc: DocumentRow; version: VersionRow };
    try {
      recorded = await inTransaction(this.dataSource, async (m) => {
        const doc = await lockDocument(m, documentId);
        if (!doc) throw notFound(documentId);
        const blob: { storage_key: string }[] = await m.query(
          `INSERT INTO blobs (sha256, storage_key, size, ref_count) VALUES ($1, $2, $3, 1)
           ON CONFLICT (sha256) DO UPDATE SET ref_count = blobs.ref_count + 1 RETURNING storage_key`,
          [sha256, key, size],
        );
        duplicateOf = blob[0].storage_key === key ? undefined : blob[0].storage_key;
        // A kept object stops being an upload in progress; a duplicate stays listed until it is removed.
        if (!duplicateOf) await m.query(`DELETE FROM blob_uploads WHERE storage_key = $1`, [key]);
        const versionId = uuidv7();
        const rows: VersionRow[] = await m.query(
          `INSERT INTO document_versions (id, document_id, number, sha256, size, media_type, file_name, author_id,
                                          text_status, created_at)
           VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, now()) RETURNING *`,
          [
            versionId,
            documentId,
            await nextNumber(m, documentId),
            sha256,
            size,
            mediaType,
            source.fileName,
            caller.subject,
            'pending',
          ],
        );
        await m.query(`UPDATE documents SET version = version + 1, updated_at = now() WHERE id = $1`, [documentId]);
        await pickCurrentVersion(m, documentId);
        await refreshSearchVector(m, documentId, this.config.EXTRACT_MAX_CHARS);
        await this.work.enqueue(m, EXTRACT_JOB, { versionId });
        const changed = (await findDocument(m, documentId)) as DocumentRow;
        await this.events.publish(m, {
          type: doc.version_count === 0 ? DOCUMENTS_EVENTS.documentUploaded : DOCUMENTS_EVENTS.versionAdded,
          subject: documentId,
          version: changed.version,
          data: versionPayload(changed, rows[0]),
        });
        return { doc: changed, version: rows[0] };
      });
    } catch (error) {
      await this.store.remove(key).catch(() => undefined);
      await this.dataSource.query(`DELETE FROM blob_uploads WHERE storage_key = $1`, [key]);
      throw error;
    }
    if (duplicateOf) {
      await this.store.remove(key);
      await this.dataSource.query(`DELETE FROM blob_uploads WHERE storage_key = $1`, [key]);
    }
    this.work.wake();
    return versionView(recorded.version);
  }

  async list(documentId: string): Promise<Page<VersionView>> {
    const doc = await findDocument(this.dataSource.manager, documentId);
    if (!doc) throw notFound(documentId);
    const rows: VersionRow[] = await this.dataSource.query(
      `SELECT * FROM document_versions WHERE document_id = $1 ORDER BY number DESC`,
      [documentId],
    );
    return { items: rows.map(versionView), nextCursor: null };
  }

  async get(documentId: string, versionId: string): Promise<VersionView> {
    const v = await findVersion(this.dataSource.manager, documentId, versionId);
    if (!v) throw versionNotFound(documentId, versionId);
    return versionView(v);
  }

  /** Deletes one version; its blob goes only when no other version (of any document) references it. */
  async remove(documentId: string, versionId: string): Promise<void> {
    await inTransaction(this.dataSource, async (m) => {
      const doc = await lockDocument(m, documentId);
      if (!doc) throw notFound(documentId);
      const v = await findVersion(m, documentId, versionId);
      if (!v) throw versionNotFound(documentId, versionId);
      await this.documents.assertNotHeld(m, documentId, 'deleting a version');
      await m.query(`DELETE FROM document_versions WHERE id = $1`, [versionId]);
      await this.documents.dropBlobRef(m, v.sha256);
      await m.query(
        `UPDATE documents SET version = version + 1, updated_at = now(),
                pinned_version_id = CASE WHEN pinned_version_id = $2 THEN NULL ELSE pinned_version_id END
          WHERE id = $1`,
        [documentId, versionId],
      );
      await pickCurrentVersion(m, documentId);
      await refreshSearchVector(m, documentId, this.config.EXTRACT_MAX_CHARS);
      const changed = (await findDocument(m, documentId)) as DocumentRow;
      await this.events.publish(m, {
        type: DOCUMENTS_EVENTS.documentUpdated,
        subject: documentId,
        version: changed.version,
        data: { ...documentPayload(changed, await linksOf(m, [documentId])), removedVersionId: versionId },
      });
    });
    this.work.wake();
  }

  /** The version to download: the given one, or the document's current one. */
  async resolve(documentId: string, versionId?: string): Promise<VersionRow> {
    if (versionId) {
      const v = await findVersion(this.dataSource.manager, documentId, versionId);
      if (!v) throw versionNotFound(documentId, versionId);
      return v;
    }
    const doc = await findDocument(this.dataSource.manager, documentId);
    if (!doc) throw notFound(documentId);
    if (!doc.current_version_id) {
      throw documentsError('DOCUMENT_HAS_NO_CONTENT', `Document ${documentId} has no version yet`);
    }
    return (await findVersion(this.dataSource.manager, documentId, doc.current_version_id)) as VersionRow;
  }

  async open(version: VersionRow, range?: ByteRange): Promise<Readable> {
    const rows: { storage_key: string }[] = await this.dataSource.query(
      `SELECT storage_key FROM blobs WHERE sha256 = $1`,
      [version.sha256],
    );
    if (!rows[0]) throw documentsError('STORAGE_UNAVAILABLE', 'The file of this version is missing from storage');
    try {
      return await this.store.read(rows[0].storage_key, range);
    } catch (error) {
      this.logger.error(`reading a blob failed: ${(error as Error).message}`);
      throw documentsError('STORAGE_UNAVAILABLE', 'The file could not be read from storage; retry shortly');
    }
  }
}

/** File version numbers only grow: a deleted version's number is not given again. */
async function nextNumber(m: EntityManager, documentId: string): Promise<number> {
  const rows: [{ last_version_number: number }[], number] = await m.query(
    `UPDATE documents SET last_version_number = last_version_number + 1 WHERE id = $1 RETURNING last_version_number`,
    [documentId],
  );
  return rows[0][0].last_version_number;
}

function isMultipart(raw: IncomingMessage): boolean {
  return /^multipart\//i.test(raw.headers['content-type'] ?? '');
}

function tooLarge(limit: number) {
  return documentsError('UPLOAD_TOO_LARGE', `Files are limited to ${limit} bytes`, { limit });
}
