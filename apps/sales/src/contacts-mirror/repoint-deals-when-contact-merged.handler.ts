import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { CONTACTS_EVENTS, type ContactMergedPayload } from '@crm/contracts';
import { OnEvent, type CloudEvent, type EventHandler } from '@crm/messaging';
import { DealsService } from '../deals/deals.service';
import { repointContactReferences } from '../orders/order-contact-references';

/**
 * A merged-away contact's deals, quotes and orders now belong to the target (each deal's version
 * + 1 and deal.updated); the mirror remembers where the source went, so a late
 * event about it changes nothing. Runs in the consumer's transaction with its
 * inbox row: a redelivered merge re-points nothing twice.
 */
@Injectable()
@OnEvent(CONTACTS_EVENTS.contactMerged)
export class RepointDealsWhenContactMergedHandler implements EventHandler<ContactMergedPayload> {
  constructor(private readonly deals: DealsService) {}

  async handle(event: CloudEvent<ContactMergedPayload>, manager: EntityManager): Promise<void> {
    const sourceId = event.data?.sourceId ?? event.subject;
    const targetId = event.data?.targetId;
    if (!targetId || sourceId === targetId) return;
    await manager.query(
      `INSERT INTO contact_mirror AS c (contact_id, version, status, merged_into, updated_at)
       VALUES ($1, 2147483647, 'merged', $2, clock_timestamp())
       ON CONFLICT (contact_id) DO UPDATE SET status = 'merged', merged_into = $2, updated_at = clock_timestamp()`,
      [sourceId, targetId],
    );
    await this.deals.repointContact(manager, sourceId, targetId);
    // Quotes and orders (sales-orders' part) follow the contact in the same transaction.
    await repointContactReferences(manager, sourceId, targetId);
  }
}
