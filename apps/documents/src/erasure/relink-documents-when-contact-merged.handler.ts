import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import type { ContactMergedPayload } from '@crm/contracts';
import { OnEvent, type CloudEvent, type EventHandler } from '@crm/messaging';

/**
 * A merged-away contact's documents belong to the target: links and legal
 * holds on the source move to it (a document linked to both keeps one link).
 */
@Injectable()
@OnEvent('crm.contacts.contact.merged')
export class RelinkDocumentsWhenContactMergedHandler implements EventHandler<ContactMergedPayload> {
  async handle(event: CloudEvent<ContactMergedPayload>, m: EntityManager): Promise<void> {
    const { sourceId, targetId } = event.data;
    if (!sourceId || !targetId || sourceId === targetId) return;
    await m.query(
      `INSERT INTO document_links (document_id, record_kind, record_id, linked_by, linked_at)
       SELECT document_id, 'contact', $2, linked_by, linked_at FROM document_links
        WHERE record_kind = 'contact' AND record_id = $1
       ON CONFLICT DO NOTHING`,
      [sourceId, targetId],
    );
    await m.query(`DELETE FROM document_links WHERE record_kind = 'contact' AND record_id = $1`, [sourceId]);
    await m.query(
      `UPDATE legal_holds SET record_id = $2 WHERE record_kind = 'contact' AND record_id = $1 AND released_at IS NULL`,
      [sourceId, targetId],
    );
    await m.query(
      `UPDATE documents SET version = version + 1, updated_at = now()
        WHERE id IN (SELECT document_id FROM document_links WHERE record_kind = 'contact' AND record_id = $1)`,
      [targetId],
    );
  }
}
