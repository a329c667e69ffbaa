import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { CONTACTS_EVENTS } from '@crm/contracts';
import { OnEvent, type CloudEvent, type EventHandler } from '@crm/messaging';

/** The few contact fields sales keeps; every other field of the event is ignored. */
interface ContactFields {
  displayName?: string | null;
  primaryEmail?: string | null;
  accountId?: string | null;
  externalId?: string | null;
  status?: string | null;
}

/**
 * Keeps contact_mirror in step with contact created/updated events.
 * A stale or redelivered event (version not newer than the row's) changes
 * nothing. A merged contact keeps its merged status whatever comes later.
 * Erasure has its own handler (anonymise-when-contact-erased).
 */
@Injectable()
@OnEvent(CONTACTS_EVENTS.contactCreated, CONTACTS_EVENTS.contactUpdated)
export class MirrorContactChangesHandler implements EventHandler<ContactFields> {
  async handle(event: CloudEvent<ContactFields>, manager: EntityManager): Promise<void> {
    const d = event.data ?? {};
    await manager.query(
      `INSERT INTO contact_mirror AS c (contact_id, version, status, display_name, primary_email, account_id, external_id, updated_at)
       VALUES ($1, $2, $3, $4, $5, $6, $7, clock_timestamp())
       ON CONFLICT (contact_id) DO UPDATE SET
         version = EXCLUDED.version,
         status = CASE WHEN c.status = 'merged' THEN c.status ELSE EXCLUDED.status END,
         display_name = EXCLUDED.display_name,
         primary_email = EXCLUDED.primary_email,
         account_id = EXCLUDED.account_id,
         external_id = EXCLUDED.external_id,
         updated_at = clock_timestamp()
       WHERE c.version < EXCLUDED.version`,
      [
        event.subject,
        event.version ?? 1,
        d.status === 'erased' ? 'erased' : 'active',
        d.displayName ?? null,
        d.primaryEmail ?? null,
        d.accountId ?? null,
        d.externalId ?? null,
      ],
    );
  }
}
