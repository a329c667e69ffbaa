import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { CONTACTS_EVENTS, type ConsentChangedPayload } from '@crm/contracts';
import { OnEvent, type CloudEvent, type EventHandler } from '@crm/messaging';
import { MembershipService } from '../segments/membership.service';

/**
 * Mirrors consent per channel and purpose. Consent events carry no entity
 * version: the decision time orders them, so a late older decision is ignored.
 */
@Injectable()
@OnEvent(CONTACTS_EVENTS.consentChanged)
export class ApplyConsentChangeHandler implements EventHandler<ConsentChangedPayload> {
  constructor(private readonly membership: MembershipService) {}

  async handle(event: CloudEvent<ConsentChangedPayload>, manager: EntityManager): Promise<void> {
    const d = event.data;
    if (!d?.contactId || !d.channel || !d.purpose || typeof d.granted !== 'boolean') return;
    // Lock (or create) the contact's mirror row first: membership of one contact is evaluated under its row lock.
    await manager.query(
      `INSERT INTO contact_mirror (contact_id, status) VALUES ($1, 'unknown') ON CONFLICT (contact_id) DO UPDATE SET updated_at = clock_timestamp()`,
      [d.contactId],
    );
    const applied: unknown[] = await manager.query(
      `INSERT INTO consent_mirror AS c (contact_id, channel, purpose, granted, decided_at) VALUES ($1, $2, $3, $4, $5)
       ON CONFLICT (contact_id, channel, purpose) DO UPDATE SET granted = EXCLUDED.granted, decided_at = EXCLUDED.decided_at
       WHERE c.decided_at <= EXCLUDED.decided_at RETURNING contact_id`,
      [d.contactId, d.channel, d.purpose, d.granted, d.decidedAt ?? event.time],
    );
    if (applied.length) await this.membership.reevaluate(manager, [d.contactId]);
  }
}
