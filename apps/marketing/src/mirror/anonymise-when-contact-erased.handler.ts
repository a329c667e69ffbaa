import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import {
  CONTACTS_EVENTS,
  MARKETING_EVENTS,
  type ContactErasedPayload,
  type MarketingErasureCompletedPayload,
} from '@crm/contracts';
import { EventPublisher, OnEvent, type CloudEvent, type EventHandler } from '@crm/messaging';
import { DeletionNoticesService } from '../partners/deletion-notices.service';
import { PartnerAudiencesService } from '../partners/partner-audiences.service';
import { MembershipService } from '../segments/membership.service';

/**
 * After the mirror row is anonymised (ApplyContactChangesHandler, before this
 * one in the same transaction): addresses on messages and free-text survey
 * answers are cleared, static memberships removed, and marketing's part is
 * confirmed with crm.marketing.erasure.completed through the outbox.
 * Touchpoints, coupons and points stay as non-personal facts on the id.
 * Partners that received the contact get a deletion notice (queued here,
 * delivered by a durable job), listed in the receipt; what partners told
 * about them is deleted.
 */
@Injectable()
@OnEvent(CONTACTS_EVENTS.contactErased)
export class AnonymiseWhenContactErasedHandler implements EventHandler<ContactErasedPayload> {
  constructor(
    private readonly events: EventPublisher,
    private readonly membership: MembershipService,
    private readonly partnerNotices: DeletionNoticesService,
    private readonly partnerAudiences: PartnerAudiencesService,
  ) {}

  async handle(event: CloudEvent<ContactErasedPayload>, manager: EntityManager): Promise<void> {
    const contactId = event.subject;
    // Even a stale (older-version) erased event must leave no personal data behind.
    const [, mirror] = await manager.query(
      `UPDATE contact_mirror SET status = 'erased', email = NULL, phone = NULL, first_name = NULL, last_name = NULL,
         display_name = NULL, city = NULL, region = NULL, birth_date = NULL, tags = '{}', custom_fields = '{}',
         account_id = NULL, time_zone = NULL, updated_at = clock_timestamp()
       WHERE contact_id = $1`,
      [contactId],
    );
    const [, messages] = await manager.query(
      `UPDATE campaign_messages SET address = NULL WHERE contact_id = $1 AND address IS NOT NULL`,
      [contactId],
    );
    const [, answers] = await manager.query(
      `UPDATE survey_responses SET answers = (SELECT COALESCE(jsonb_object_agg(k, v), '{}') FROM jsonb_each(answers) AS e(k, v)
                                              WHERE jsonb_typeof(v) <> 'string')
        WHERE contact_id = $1`,
      [contactId],
    );
    const left = (
      await manager.query(`DELETE FROM segment_members WHERE contact_id = $1 RETURNING segment_id, contact_id`, [
        contactId,
      ])
    )[0] as { segment_id: string; contact_id: string }[];
    await this.membership.announce(manager, [], left);
    const partners = await this.partnerNotices.forgetErasedContact(manager, contactId);
    const received = await this.partnerAudiences.forgetContact(manager, contactId);
    const requestId = event.data?.erasureRequestId;
    if (!requestId) return;
    const data: MarketingErasureCompletedPayload = {
      contactId,
      requestId,
      records: Number(mirror) + Number(messages) + Number(answers) + partners.cleared + received,
      completedAt: new Date().toISOString(),
      partnersNotified: partners.notified,
    };
    await this.events.publish(manager, {
      type: MARKETING_EVENTS.erasureCompleted,
      subject: contactId,
      version: event.version,
      data,
    });
  }
}
