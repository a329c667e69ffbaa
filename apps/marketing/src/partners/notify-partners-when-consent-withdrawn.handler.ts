import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { CONTACTS_EVENTS, type ConsentChangedPayload } from '@crm/contracts';
import { OnEvent, type CloudEvent, type EventHandler } from '@crm/messaging';
import { DeletionNoticesService } from './deletion-notices.service';
import { AGREEMENT_PURPOSES } from './shareable-fields';

/**
 * Runs after the consent mirror applied the decision (same transaction): a
 * withdrawal now in force of `partner_sharing` sends a deletion notice to
 * every partner that received the contact; of `marketing` or `profiling`, to
 * the partners that received them under an agreement with that purpose.
 * Later shares leave them out anyway, since they read the consent mirror.
 */
@Injectable()
@OnEvent(CONTACTS_EVENTS.consentChanged)
export class NotifyPartnersWhenConsentWithdrawnHandler implements EventHandler<ConsentChangedPayload> {
  constructor(private readonly notices: DeletionNoticesService) {}

  async handle(event: CloudEvent<ConsentChangedPayload>, manager: EntityManager): Promise<void> {
    const d = event.data;
    if (!d?.contactId || d.granted !== false) return;
    if (d.purpose !== 'partner_sharing' && !(AGREEMENT_PURPOSES as readonly string[]).includes(d.purpose)) return;
    const [current]: { granted: boolean }[] = await manager.query(
      `SELECT granted FROM consent_mirror WHERE contact_id = $1 AND channel = $2 AND purpose = $3`,
      [d.contactId, d.channel, d.purpose],
    );
    // A late, older decision the mirror ignored changes nothing.
    if (!current || current.granted) return;
    await this.notices.queue(
      manager,
      d.contactId,
      'consent_withdrawn',
      d.purpose === 'partner_sharing' ? undefined : d.purpose,
    );
  }
}
