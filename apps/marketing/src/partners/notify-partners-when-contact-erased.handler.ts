import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { CONTACTS_EVENTS, type ContactErasedPayload } from '@crm/contracts';
import { OnEvent, type CloudEvent, type EventHandler } from '@crm/messaging';
import { DeletionNoticesService } from './deletion-notices.service';
import { PartnerAudiencesService } from './partner-audiences.service';

/**
 * An erased contact: partners that received them get a deletion notice, the
 * hashes kept in the share log go (the notices carry them until delivered),
 * and whatever partners told about this contact is deleted here.
 */
@Injectable()
@OnEvent(CONTACTS_EVENTS.contactErased)
export class NotifyPartnersWhenContactErasedHandler implements EventHandler<ContactErasedPayload> {
  constructor(
    private readonly notices: DeletionNoticesService,
    private readonly audiences: PartnerAudiencesService,
  ) {}

  async handle(event: CloudEvent<ContactErasedPayload>, manager: EntityManager): Promise<void> {
    const contactId = event.subject;
    await this.notices.queue(manager, contactId, 'erased');
    await manager.query(
      `UPDATE partner_share_contacts SET email_hash = NULL, phone_hash = NULL WHERE contact_id = $1`,
      [contactId],
    );
    await this.audiences.forgetContact(manager, contactId);
  }
}
