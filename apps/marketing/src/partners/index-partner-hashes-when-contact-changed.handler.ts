import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { CONTACTS_EVENTS, type ContactMergedPayload } from '@crm/contracts';
import { OnEvent, type CloudEvent, type EventHandler } from '@crm/messaging';
import { PartnerHashIndex } from './partner-hash-index.service';

/**
 * Runs after the mirror applied the contact event (same transaction): the
 * contact's keyed hashes follow its email and phone, and go when it is
 * erased or merged away.
 */
@Injectable()
@OnEvent(
  CONTACTS_EVENTS.contactCreated,
  CONTACTS_EVENTS.contactUpdated,
  CONTACTS_EVENTS.contactErased,
  CONTACTS_EVENTS.contactMerged,
)
export class IndexPartnerHashesWhenContactChangedHandler implements EventHandler<Partial<ContactMergedPayload>> {
  constructor(private readonly index: PartnerHashIndex) {}

  async handle(event: CloudEvent<Partial<ContactMergedPayload>>, manager: EntityManager): Promise<void> {
    if (event.type !== CONTACTS_EVENTS.contactMerged) return this.index.reindexContact(manager, event.subject);
    const { sourceId } = event.data ?? {};
    if (sourceId) await this.index.reindexContact(manager, sourceId);
  }
}
