import { Inject, Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { DOCUMENTS_EVENTS, type ContactErasedPayload, type DocumentsErasureCompletedPayload } from '@crm/contracts';
import { EventPublisher, OnEvent, type CloudEvent, type EventHandler } from '@crm/messaging';
import type { DocumentRow } from '../documents/document.mapper';
import { holdsCovering, lockDocument, refreshSearchVector } from '../documents/documents.repository';
import { DocumentsService } from '../documents/documents.service';
import { DOCUMENTS_CONFIG, type DocumentsConfig } from '../shared/documents-config';

/**
 * A person is erased: documents linked only to them are deleted, or kept
 * without content, title, tags or metadata (DOCUMENT_ERASURE_MODE), unless a
 * legal hold covers them: those stay whole and are named in the receipt.
 * Documents also linked to other records just lose the link to the person.
 * The receipt crm.documents.erasure.completed goes out in the same transaction.
 */
@Injectable()
@OnEvent('crm.contacts.contact.erased')
export class EraseDocumentsWhenContactErasedHandler implements EventHandler<Partial<ContactErasedPayload>> {
  constructor(
    private readonly events: EventPublisher,
    private readonly documents: DocumentsService,
    @Inject(DOCUMENTS_CONFIG) private readonly config: DocumentsConfig,
  ) {}

  async handle(event: CloudEvent<Partial<ContactErasedPayload>>, m: EntityManager): Promise<void> {
    const contactId = event.subject;
    const linked: { document_id: string; others: number }[] = await m.query(
      `SELECT l.document_id,
              (SELECT count(*)::int FROM document_links o
                WHERE o.document_id = l.document_id AND NOT (o.record_kind = 'contact' AND o.record_id = $1)) AS others
         FROM document_links l WHERE l.record_kind = 'contact' AND l.record_id = $1 ORDER BY l.document_id`,
      [contactId],
    );
    const ids = linked.map((l) => l.document_id);
    const holds = await holdsCovering(m, ids);
    const held: string[] = [];
    let records = 0;
    for (const l of linked) {
      const doc = (await lockDocument(m, l.document_id)) as DocumentRow | undefined;
      if (!doc) continue;
      if (holds.has(l.document_id)) {
        held.push(l.document_id);
        continue;
      }
      records++;
      if (l.others > 0) {
        await this.documents.removeLink(m, doc.id, 'contact', contactId);
        await m.query(`UPDATE documents SET version = version + 1, updated_at = now() WHERE id = $1`, [doc.id]);
      } else if (this.config.DOCUMENT_ERASURE_MODE === 'delete') {
        await this.documents.deleteLocked(m, doc, 'erasure');
      } else {
        await this.anonymise(m, doc, contactId);
      }
    }
    const requestId = event.data?.erasureRequestId;
    if (!requestId) return;
    const data: DocumentsErasureCompletedPayload = {
      contactId,
      requestId,
      records,
      completedAt: new Date().toISOString(),
      heldDocumentIds: held,
    };
    await this.events.publish(m, {
      type: DOCUMENTS_EVENTS.erasureCompleted,
      subject: contactId,
      version: event.version,
      data,
    });
  }

  /** Keeps the non-personal facts (type, dates, sizes) and drops everything that can say who it was about. */
  private async anonymise(m: EntityManager, doc: DocumentRow, contactId: string): Promise<void> {
    const versions: { id: string; sha256: string }[] = await m.query(
      `SELECT id, sha256 FROM document_versions WHERE document_id = $1`,
      [doc.id],
    );
    await m.query(`DELETE FROM document_versions WHERE document_id = $1`, [doc.id]);
    for (const v of versions) await this.documents.dropBlobRef(m, v.sha256);
    await m.query(`DELETE FROM document_links WHERE document_id = $1 AND record_kind = 'contact' AND record_id = $2`, [
      doc.id,
      contactId,
    ]);
    await m.query(
      `UPDATE documents SET title = 'erased', tags = '{}', metadata = '{}', owner_id = NULL,
              current_version_id = NULL, pinned_version_id = NULL, version_count = 0,
              anonymised_at = now(), version = version + 1, updated_at = now()
        WHERE id = $1`,
      [doc.id],
    );
    await refreshSearchVector(m, doc.id, this.config.EXTRACT_MAX_CHARS);
  }
}
