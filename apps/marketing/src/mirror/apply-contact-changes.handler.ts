import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { CONTACTS_EVENTS, type ContactPayload } from '@crm/contracts';
import { OnEvent, type CloudEvent, type EventHandler } from '@crm/messaging';
import { MembershipService } from '../segments/membership.service';

type ContactFields = Partial<ContactPayload> & { timeZone?: string | null };

const text = (v: unknown): string | null => (typeof v === 'string' && v.length > 0 ? v : null);

/**
 * Keeps the contact mirror in step with contact created/updated/erased
 * (the whole snapshot each time), then re-evaluates only this contact's
 * segment memberships in the same transaction. A stale event (version not
 * newer than the row's) changes nothing, membership included. Erased: the
 * personal fields are cleared; order facts and country stay.
 */
@Injectable()
@OnEvent(CONTACTS_EVENTS.contactCreated, CONTACTS_EVENTS.contactUpdated, CONTACTS_EVENTS.contactErased)
export class ApplyContactChangesHandler implements EventHandler<ContactFields> {
  constructor(private readonly membership: MembershipService) {}

  async handle(event: CloudEvent<ContactFields>, manager: EntityManager): Promise<void> {
    const d = event.data ?? {};
    const erased = event.type === CONTACTS_EVENTS.contactErased;
    const keep = (v: unknown) => (erased ? null : text(v));
    const customFields = !erased && d.customFields && typeof d.customFields === 'object' ? d.customFields : {};
    const timeZone = text(d.timeZone) ?? text((customFields as Record<string, unknown>)['timeZone']);
    const birth = !erased && typeof d.birthDate === 'string' && /^\d{4}-\d{2}-\d{2}/.test(d.birthDate);
    const applied: unknown[] = await manager.query(
      `INSERT INTO contact_mirror AS m
         (contact_id, version, status, email, phone, first_name, last_name, display_name, locale, country, region, city,
          birth_date, lifecycle_stage, tags, account_id, source_channel, source_campaign, utm_source, utm_medium,
          utm_campaign, custom_fields, time_zone, contact_created_at, updated_at)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19, $20, $21, $22, $23, $24,
               clock_timestamp())
       ON CONFLICT (contact_id) DO UPDATE SET
         version = EXCLUDED.version,
         status = CASE WHEN m.status = 'merged' AND EXCLUDED.status <> 'erased' THEN m.status ELSE EXCLUDED.status END,
         email = EXCLUDED.email, phone = EXCLUDED.phone, first_name = EXCLUDED.first_name,
         last_name = EXCLUDED.last_name, display_name = EXCLUDED.display_name, locale = EXCLUDED.locale,
         country = CASE WHEN $25 THEN COALESCE(EXCLUDED.country, m.country) ELSE EXCLUDED.country END,
         region = EXCLUDED.region, city = EXCLUDED.city, birth_date = EXCLUDED.birth_date,
         lifecycle_stage = CASE WHEN $25 THEN COALESCE(EXCLUDED.lifecycle_stage, m.lifecycle_stage) ELSE EXCLUDED.lifecycle_stage END,
         tags = EXCLUDED.tags, account_id = EXCLUDED.account_id, source_channel = EXCLUDED.source_channel,
         source_campaign = EXCLUDED.source_campaign, utm_source = EXCLUDED.utm_source,
         utm_medium = EXCLUDED.utm_medium, utm_campaign = EXCLUDED.utm_campaign,
         custom_fields = EXCLUDED.custom_fields, time_zone = EXCLUDED.time_zone,
         contact_created_at = COALESCE(m.contact_created_at, EXCLUDED.contact_created_at),
         updated_at = clock_timestamp()
       WHERE m.version < EXCLUDED.version
       RETURNING contact_id`,
      [
        event.subject,
        event.version,
        erased ? 'erased' : d.status === 'merged' ? 'merged' : 'active',
        keep(d.primaryEmail),
        keep(d.primaryPhone),
        keep(d.firstName),
        keep(d.lastName),
        keep(d.displayName),
        text(d.locale),
        text(d.country),
        erased ? null : text(d.region),
        keep(d.city),
        birth ? (d.birthDate as string).slice(0, 10) : null,
        text(d.lifecycleStage),
        erased ? [] : Array.isArray(d.tags) ? d.tags.filter((t) => typeof t === 'string') : [],
        erased ? null : text(d.accountId),
        text(d.source?.channel),
        text(d.source?.campaign),
        text(d.source?.utmSource),
        text(d.source?.utmMedium),
        text(d.source?.utmCampaign),
        JSON.stringify(customFields),
        erased ? null : timeZone,
        text(d.createdAt) ?? event.time,
        erased,
      ],
    );
    if (applied.length) await this.membership.reevaluate(manager, [event.subject]);
  }
}
