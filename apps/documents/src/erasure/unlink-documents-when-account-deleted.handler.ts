import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { OnEvent, type CloudEvent, type EventHandler } from '@crm/messaging';
import { DocumentsService } from '../documents/documents.service';

/** A deleted account's links go; its documents stay (they may be linked elsewhere, or retention takes them). */
@Injectable()
@OnEvent('crm.contacts.account.deleted')
export class UnlinkDocumentsWhenAccountDeletedHandler implements EventHandler<{ id?: string }> {
  constructor(private readonly documents: DocumentsService) {}

  async handle(event: CloudEvent<{ id?: string }>, m: EntityManager): Promise<void> {
    const rows: { document_id: string }[] = await m.query(
      `SELECT document_id FROM document_links WHERE record_kind = 'account' AND record_id = $1`,
      [event.subject],
    );
    for (const r of rows) {
      await this.documents.removeLink(m, r.document_id, 'account', event.subject);
      await m.query(`UPDATE documents SET version = version + 1, updated_at = now() WHERE id = $1`, [r.document_id]);
    }
  }
}
