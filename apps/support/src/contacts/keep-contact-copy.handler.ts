import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { CONTACTS_EVENTS } from '@crm/contracts';
import { OnEvent, type CloudEvent, type EventHandler } from '@crm/messaging';

interface ContactFields {
  displayName?: string | null;
  primaryEmail?: string | null;
  status?: string | null;
}

/** The two contact fields support shows (name, email), kept by version; a stale event changes nothing. */
@Injectable()
@OnEvent(CONTACTS_EVENTS.contactCreated, CONTACTS_EVENTS.contactUpdated)
export class KeepContactCopyHandler implements EventHandler<ContactFields> {
  async handle(event: CloudEvent<ContactFields>, m: EntityManager): Promise<void> {
    const d = event.data ?? {};
    await m.query(
      `INSERT INTO contacts AS c (id, version, display_name, email, status, updated_at)
       VALUES ($1, $2, $3, $4, $5, now())
       ON CONFLICT (id) DO UPDATE SET version = EXCLUDED.version, display_name = EXCLUDED.display_name,
         email = EXCLUDED.email, status = CASE WHEN c.status IN ('merged', 'erased') THEN c.status ELSE EXCLUDED.status END,
         updated_at = now()
       WHERE c.version < EXCLUDED.version`,
      [
        event.subject,
        event.version,
        d.displayName ?? null,
        d.primaryEmail?.toLowerCase() ?? null,
        d.status ?? 'active',
      ],
    );
  }
}
