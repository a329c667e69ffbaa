import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { CONTACTS_EVENTS, type ConsentChangedPayload } from '@crm/contracts';
import { OnEvent, type CloudEvent, type EventHandler } from '@crm/messaging';
import { DeletionNoticesService } from './deletion-notices.service';

/**
 * Runs after the consent mirror applied the decision (same transaction): a
 * partner-sharing withdrawal now in force sends a deletion notice to every
 * partner that received the contact. Later shares leave them out anyway,
 * since they read the consent mirror.
 */
@Injectable()
@OnEvent(CONTACTS_EVENTS.consentChanged)
export class NotifyPartnersWhenConsentWithdrawnHandler implements EventHandler<ConsentChangedPayload> {
  constructor(private readonly notices: DeletionNoticesService) {}

  async handle(event: CloudEvent<ConsentChangedPayload>, manager: EntityManager): Promise<void> {
    const d = event.data;
    if (!d?.contactId || d.purpose !== 'partner_sharing' || d.granted !== false) return;
    const [current]: { granted: boolean }[] = await manager.query(
      `SELECT granted FROM consent_mirror WHERE contact_id = $1 AND channel = $2 AND purpose = 'partner_sharing'`,
      [d.contactId, d.channel],
    );
    // A late, older decision the mirror ignored changes nothing.
    if (!current || current.granted) return;
    await this.notices.queue(manager, d.contactId, 'consent_withdrawn');
  }
}
