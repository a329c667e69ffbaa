import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { ANALYTICS_EVENTS, type ErasureCompletedPayload } from '@crm/contracts';
import { EventPublisher, OnEvent, type CloudEvent, type EventHandler } from '@crm/messaging';

interface ErasedFields {
  erasureRequestId?: string;
}

/**
 * After the facts of an erased contact are updated (the handler before this
 * one, same transaction), confirms analytics' part with
 * crm.analytics.erasure.completed through the outbox: the receipt exists
 * exactly when the anonymisation was committed. analytics holds no personal
 * data, so its part is the facts row it keeps; `records` counts it.
 */
@Injectable()
@OnEvent('crm.contacts.contact.erased')
export class ConfirmErasureWhenContactErasedHandler implements EventHandler<ErasedFields> {
  constructor(private readonly events: EventPublisher) {}

  async handle(event: CloudEvent<ErasedFields>, manager: EntityManager): Promise<void> {
    const requestId = event.data?.erasureRequestId;
    // An erased event from before receipts existed names no request: nobody waits for it.
    if (!requestId) return;
    const [{ n }]: { n: number }[] = await manager.query(
      `SELECT count(*)::int AS n FROM customer_facts WHERE contact_id = $1`,
      [event.subject],
    );
    const data: ErasureCompletedPayload = {
      contactId: event.subject,
      requestId,
      records: n,
      completedAt: new Date().toISOString(),
    };
    await this.events.publish(manager, {
      type: ANALYTICS_EVENTS.erasureCompleted,
      subject: event.subject,
      version: event.version,
      data,
    });
  }

  /** `handle` for each, with one count and one outbox insert. */
  async handleBatch(events: CloudEvent<ErasedFields>[], manager: EntityManager): Promise<void> {
    const asked = events.flatMap((e) =>
      e.data?.erasureRequestId ? [{ event: e, requestId: e.data.erasureRequestId }] : [],
    );
    if (asked.length === 0) return;
    const rows: { id: string; n: number }[] = await manager.query(
      `SELECT c AS id, (SELECT count(*)::int FROM customer_facts WHERE contact_id = c) AS n
         FROM unnest($1::uuid[]) AS t(c)`,
      [asked.map((a) => a.event.subject)],
    );
    const records = new Map(rows.map((r) => [r.id, r.n]));
    await this.events.publishAll(
      manager,
      asked.map(({ event, requestId }) => {
        const data: ErasureCompletedPayload = {
          contactId: event.subject,
          requestId,
          records: records.get(event.subject.toLowerCase()) ?? 0,
          completedAt: new Date().toISOString(),
        };
        return { type: ANALYTICS_EVENTS.erasureCompleted, subject: event.subject, version: event.version, data };
      }),
    );
  }
}
