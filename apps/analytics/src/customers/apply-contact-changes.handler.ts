import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { OnEvent, type CloudEvent, type EventHandler } from '@crm/messaging';

/** The few contact fields analytics keeps; every other field of the event is ignored. */
interface ContactFields {
  lifecycleStage?: string | null;
  country?: string | null;
  source?: { channel?: string | null } | null;
  status?: string | null;
  createdAt?: string | null;
}

/**
 * Keeps customer_facts in step with contact created/updated/erased events.
 * A stale event (version not newer than the row's) changes nothing.
 * created/updated carry the whole snapshot, so a null there is a cleared
 * value and replaces the old one; erased keeps what the event leaves out.
 */
@Injectable()
@OnEvent('crm.contacts.contact.created', 'crm.contacts.contact.updated', 'crm.contacts.contact.erased')
export class ApplyContactChangesHandler implements EventHandler<ContactFields> {
  async handle(event: CloudEvent<ContactFields>, manager: EntityManager): Promise<void> {
    const d = event.data ?? {};
    const erased = event.type.endsWith('.erased');
    const status = erased ? 'erased' : (d.status ?? 'active');
    const stage = d.lifecycleStage ?? null;
    await manager.query(
      `INSERT INTO customer_facts AS f
         (contact_id, version, lifecycle_stage, country, acquisition_channel, status,
          became_customer_at, contact_created_at, last_event_at, updated_at)
       VALUES ($1, $2, $3, $4, $5, $6, CASE WHEN $3 = 'customer' THEN $7::timestamptz END, $8, $7, clock_timestamp())
       ON CONFLICT (contact_id) DO UPDATE SET
         version = EXCLUDED.version,
         lifecycle_stage = CASE WHEN $9 THEN COALESCE(EXCLUDED.lifecycle_stage, f.lifecycle_stage) ELSE EXCLUDED.lifecycle_stage END,
         country = CASE WHEN $9 THEN COALESCE(EXCLUDED.country, f.country) ELSE EXCLUDED.country END,
         acquisition_channel = CASE WHEN $9 THEN COALESCE(EXCLUDED.acquisition_channel, f.acquisition_channel) ELSE EXCLUDED.acquisition_channel END,
         status = CASE WHEN f.status = 'merged' THEN f.status ELSE EXCLUDED.status END,
         became_customer_at = COALESCE(f.became_customer_at, EXCLUDED.became_customer_at),
         contact_created_at = COALESCE(f.contact_created_at, EXCLUDED.contact_created_at),
         last_event_at = EXCLUDED.last_event_at,
         updated_at = clock_timestamp()
       WHERE f.version < EXCLUDED.version`,
      [
        event.subject,
        event.version,
        stage,
        d.country ?? null,
        d.source?.channel ?? null,
        status,
        event.time,
        d.createdAt ?? event.time,
        erased,
      ],
    );
  }
}
