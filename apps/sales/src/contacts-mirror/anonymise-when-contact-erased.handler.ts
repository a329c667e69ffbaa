import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { CONTACTS_EVENTS, SALES_EVENTS, type ContactErasedPayload, type ErasureCompletedPayload } from '@crm/contracts';
import { EventPublisher, OnEvent, type CloudEvent, type EventHandler } from '@crm/messaging';
import { anonymiseContactReferences } from '../orders/order-contact-references';

/**
 * Erases what sales holds about the person: the mirror's name, email and
 * external id, and (sales-orders' part) the billing snapshot on orders and
 * quotes, keeping amounts. Deals keep the contact id and their amounts: no
 * personal data. Then, in the same transaction, confirms sales' part with
 * crm.sales.erasure.completed through the outbox, so the receipt exists
 * exactly when the anonymisation was committed.
 */
@Injectable()
@OnEvent(CONTACTS_EVENTS.contactErased)
export class AnonymiseWhenContactErasedHandler implements EventHandler<Partial<ContactErasedPayload>> {
  constructor(private readonly events: EventPublisher) {}

  async handle(event: CloudEvent<Partial<ContactErasedPayload>>, manager: EntityManager): Promise<void> {
    const contactId = event.subject;
    // `held` reads the row as it was before this statement: whether there was anything personal to erase.
    const [{ held }]: { held: number }[] = await manager.query(
      `WITH held AS (
         SELECT contact_id FROM contact_mirror
          WHERE contact_id = $1 AND (display_name IS NOT NULL OR primary_email IS NOT NULL OR external_id IS NOT NULL))
       INSERT INTO contact_mirror AS c (contact_id, version, status, updated_at)
       VALUES ($1, $2, 'erased', clock_timestamp())
       ON CONFLICT (contact_id) DO UPDATE SET
         status = CASE WHEN c.status = 'merged' THEN c.status ELSE 'erased' END,
         version = GREATEST(c.version, EXCLUDED.version),
         display_name = NULL, primary_email = NULL, external_id = NULL, updated_at = clock_timestamp()
       RETURNING (SELECT count(*) FROM held)::int AS held`,
      [contactId, event.version ?? 1],
    );
    // The billing snapshots of the person's orders and quotes (sales-orders' part), in the same transaction.
    const orders = await anonymiseContactReferences(manager, contactId);
    const requestId = event.data?.erasureRequestId;
    // An erased event from before receipts existed names no request: nobody waits for it.
    if (!requestId) return;
    const data: ErasureCompletedPayload = {
      contactId,
      requestId,
      records: held + orders,
      completedAt: new Date().toISOString(),
    };
    await this.events.publish(manager, {
      type: SALES_EVENTS.erasureCompleted,
      subject: contactId,
      version: event.version,
      data,
    });
  }
}
