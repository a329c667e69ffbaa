import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { CONTACTS_EVENTS, SUPPORT_EVENTS, type ErasureCompletedPayload } from '@crm/contracts';
import { EventPublisher, OnEvent, type CloudEvent, type EventHandler } from '@crm/messaging';

interface ErasedFields {
  erasureRequestId?: string;
}

export const ERASED_TEXT = '[erased]';

/**
 * Erases what support holds about a person: the requester name and email on
 * their tickets, the text of the messages they wrote (and their name and
 * address on them), their CSAT comments and the local contact copy. The
 * ticket facts stay (status, priority, SLA outcome, assets, scores). Then,
 * in the same transaction, confirms with crm.support.erasure.completed.
 */
@Injectable()
@OnEvent(CONTACTS_EVENTS.contactErased)
export class AnonymiseWhenContactErasedHandler implements EventHandler<ErasedFields> {
  constructor(private readonly events: EventPublisher) {}

  async handle(event: CloudEvent<ErasedFields>, m: EntityManager): Promise<void> {
    const id = event.subject;
    const [{ email }]: { email: string | null }[] = await m.query(
      `SELECT (SELECT email FROM contacts WHERE id = $1) AS email`,
      [id],
    );
    const [, messages] = (await m.query(
      `UPDATE ticket_messages SET body = $3, author_name = NULL, author_email = NULL, attachments = '[]'
        WHERE author_type = 'customer' AND body <> $3
          AND (ticket_id IN (SELECT id FROM tickets WHERE requester_id = $1)
               OR ($2::text IS NOT NULL AND lower(author_email) = $2))`,
      [id, email, ERASED_TEXT],
    )) as [unknown, number];
    const [, tickets] = (await m.query(
      `UPDATE tickets SET requester_name = NULL, requester_email = NULL, description = $2, updated_at = now()
        WHERE requester_id = $1`,
      [id, ERASED_TEXT],
    )) as [unknown, number];
    const [, surveys] = (await m.query(
      `UPDATE csat_surveys SET comment = NULL WHERE requester_id = $1 AND comment IS NOT NULL`,
      [id],
    )) as [unknown, number];
    await m.query(
      `INSERT INTO contacts (id, version, status) VALUES ($1, $2, 'erased')
       ON CONFLICT (id) DO UPDATE SET display_name = NULL, email = NULL, status = 'erased', updated_at = now()`,
      [id, event.version],
    );
    const requestId = event.data?.erasureRequestId;
    if (!requestId) return;
    const data: ErasureCompletedPayload = {
      contactId: id,
      requestId,
      records: tickets + messages + surveys,
      completedAt: new Date().toISOString(),
    };
    await this.events.publish(m, { type: SUPPORT_EVENTS.erasureCompleted, subject: id, version: event.version, data });
  }
}
