import { Inject, Injectable, Logger, type OnModuleInit } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { Readable } from 'node:stream';
import type { DataSource, EntityManager } from 'typeorm';
import { DOCUMENTS_EVENTS, type TextExtractedPayload } from '@crm/contracts';
import { EventPublisher } from '@crm/messaging';
import { inTransaction } from '@crm/persistence';
import { findVersion, lockDocument, refreshSearchVector, storeText } from '../documents/documents.repository';
import { notFound } from '../documents/documents.service';
import { WorkQueue } from '../jobs/work-queue';
import { BLOB_STORE, type BlobStore } from '../storage/blob-store';
import { DOCUMENTS_CONFIG, type DocumentsConfig } from '../shared/documents-config';
import { documentsError } from '../shared/documents-errors';
import { EXTRACT_JOB } from './extraction.constants';
import type * as Extractors from './extract-text';

let extractors: Promise<typeof Extractors> | undefined;
const loadExtractors = () => (extractors ??= import('./extract-text'));

interface Outcome {
  status: 'done' | 'failed' | 'skipped';
  text?: string;
  error?: string;
}

async function readAll(stream: Readable, max: number): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of stream) {
    size += (chunk as Buffer).length;
    if (size > max) {
      stream.destroy();
      throw new Error(`the file is larger than ${max} bytes`);
    }
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks);
}

/** Postgres text holds no NUL; the index gets at most `max` characters. */
function storable(text: string, max: number): string {
  const clean = text
    .split('\u0000')
    .join('')
    .replace(/[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g, '');
  return clean.length > max ? clean.slice(0, max) : clean;
}

/**
 * Extracts a version's text in the background (a durable job per upload)
 * and indexes it with the document. A file that cannot be read is recorded
 * as failed with the reason, visible on the version and in
 * GET /documents?textStatus=failed; storage errors are retried.
 */
@Injectable()
export class ExtractionService implements OnModuleInit {
  private readonly logger = new Logger('Extraction');

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    @Inject(DOCUMENTS_CONFIG) private readonly config: DocumentsConfig,
    @Inject(BLOB_STORE) private readonly store: BlobStore,
    private readonly events: EventPublisher,
    private readonly work: WorkQueue,
  ) {}

  onModuleInit(): void {
    this.work.handle(EXTRACT_JOB, (payload) => this.extract(String(payload['versionId'])));
  }

  async extract(versionId: string): Promise<void> {
    const rows: { document_id: string; size: string; media_type: string; storage_key: string | null }[] =
      await this.dataSource.query(
        `SELECT v.document_id, v.size, v.media_type, b.storage_key
           FROM document_versions v LEFT JOIN blobs b ON b.sha256 = v.sha256 WHERE v.id = $1`,
        [versionId],
      );
    const v = rows[0];
    if (!v) return; // deleted since
    let outcome: Outcome;
    if (Number(v.size) > this.config.EXTRACT_MAX_BYTES) {
      outcome = { status: 'skipped', error: `larger than EXTRACT_MAX_BYTES (${this.config.EXTRACT_MAX_BYTES})` };
    } else if (!v.storage_key) {
      outcome = { status: 'failed', error: 'the blob is missing' };
    } else {
      // Storage errors throw from here: the job is tried again later.
      const bytes = await readAll(await this.store.read(v.storage_key), this.config.EXTRACT_MAX_BYTES);
      // The extractors (pdf.js, mammoth, mailparser) load on the first extraction, not at start-up.
      const { extractText, NoTextError } = await loadExtractors();
      try {
        const text = storable(
          await extractText(v.media_type, bytes, this.config.EXTRACT_TIMEOUT_MS),
          this.config.EXTRACT_MAX_CHARS,
        );
        outcome = { status: 'done', text };
      } catch (error) {
        outcome =
          error instanceof NoTextError
            ? { status: 'skipped', error: error.message }
            : { status: 'failed', error: (error as Error).message.slice(0, 1000) };
        if (outcome.status === 'failed')
          this.logger.warn(`text extraction of version ${versionId} failed: ${outcome.error}`);
      }
    }
    await inTransaction(this.dataSource, (m) => this.record(m, v.document_id, versionId, outcome));
  }

  private async record(m: EntityManager, documentId: string, versionId: string, outcome: Outcome): Promise<void> {
    // The text and its vector first, before the document is locked: parsing 1 MB of text takes tens of
    // milliseconds, which an upload or an edit of the same document would otherwise wait out.
    if (outcome.text !== undefined) await this.saveText(m, versionId, outcome.text);
    const doc = await lockDocument(m, documentId);
    if (!doc || !(await findVersion(m, documentId, versionId))) return;
    await m.query(
      `UPDATE document_versions SET text_status = $2, text_error = $3, text_extracted_at = now() WHERE id = $1`,
      [versionId, outcome.status, outcome.error ?? null],
    );
    if (doc.current_version_id === versionId) await this.reindex(m, documentId);
    const data: TextExtractedPayload = {
      documentId,
      version: doc.version,
      versionId,
      status: outcome.status,
      characters: outcome.text?.length ?? 0,
    };
    await this.events.publish(m, {
      type: DOCUMENTS_EVENTS.textExtracted,
      subject: documentId,
      version: doc.version,
      data,
    });
  }

  /** A text whose lexemes overflow a tsvector (1 MB) is indexed by a shorter start of it. */
  private async saveText(m: EntityManager, versionId: string, text: string): Promise<void> {
    await this.shortening((chars) => storeText(m, versionId, text, chars), m);
  }

  /** The stored text vector joined to the short ones; parsed again from a shorter start if the sum overflows. */
  private async reindex(m: EntityManager, documentId: string): Promise<void> {
    let first = true;
    await this.shortening((chars) => {
      const parse = !first;
      first = false;
      return refreshSearchVector(m, documentId, chars, parse);
    }, m);
  }

  private async shortening(step: (chars: number) => Promise<void>, m: EntityManager): Promise<void> {
    for (let chars = this.config.EXTRACT_MAX_CHARS; ; chars = Math.floor(chars / 4)) {
      await m.query(`SAVEPOINT reindex`);
      try {
        await step(chars);
        await m.query(`RELEASE SAVEPOINT reindex`);
        return;
      } catch (error) {
        await m.query(`ROLLBACK TO SAVEPOINT reindex`);
        if ((error as { code?: string }).code !== '54000' || chars < 1000) throw error;
      }
    }
  }

  /** Runs the extraction of a version again (after a fix, or for a failed one). */
  async retry(documentId: string, versionId: string): Promise<void> {
    await inTransaction(this.dataSource, async (m) => {
      const doc = await lockDocument(m, documentId);
      if (!doc) throw notFound(documentId);
      if (!(await findVersion(m, documentId, versionId))) {
        throw documentsError('VERSION_NOT_FOUND', `Document ${documentId} has no version ${versionId}`);
      }
      await m.query(`UPDATE document_versions SET text_status = 'pending', text_error = NULL WHERE id = $1`, [
        versionId,
      ]);
      await this.work.enqueue(m, EXTRACT_JOB, { versionId });
    });
    this.work.wake();
  }
}
