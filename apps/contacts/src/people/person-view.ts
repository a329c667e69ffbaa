import type { EntityManager } from 'typeorm';
import type { ContactPayload, ContactView, ExternalId } from '@crm/contracts';
import { externalIdsJson, PERSON_IDS } from '../external-ids/external-ids';
import type { Person, AcquisitionSource, PostalAddress, SocialProfile } from './person.entity';

/** The person as the API and the customer 360 show it. */
export type PersonView = ContactView & { externalIds: ExternalId[] };

/** Loads a person with emails, phones and primary account in one query; null if unknown. */
export async function loadPersonView(manager: EntityManager, id: string): Promise<PersonView | null> {
  const rows: PersonRow[] = await manager.query(
    `SELECT p.*, to_char(p.birth_date, 'YYYY-MM-DD') AS birth_date,
            COALESCE((SELECT json_agg(json_build_object('address', e.address, 'primary', e.is_primary) ORDER BY e.is_primary DESC, e.created_at)
                        FROM person_emails e WHERE e.person_id = p.id AND e.active), '[]') AS emails_json,
            COALESCE((SELECT json_agg(json_build_object('number', ph.number, 'type', ph.type, 'primary', ph.is_primary) ORDER BY ph.is_primary DESC, ph.created_at)
                        FROM person_phones ph WHERE ph.person_id = p.id), '[]') AS phones_json,
            (SELECT json_build_object('id', a.id, 'name', a.name, 'role', pa.role, 'title', pa.title)
               FROM person_accounts pa JOIN accounts a ON a.id = pa.account_id
              WHERE pa.person_id = p.id ORDER BY pa.is_primary DESC, a.name LIMIT 1) AS account_json,
            ${externalIdsJson(PERSON_IDS, 'p.id')} AS external_ids_json
       FROM people p WHERE p.id = $1`,
    [id],
  );
  return rows[0] ? rowToView(rows[0]) : null;
}

interface PersonRow {
  id: string;
  version: number;
  status: Person['status'];
  merged_into: string | null;
  first_name: string;
  last_name: string;
  display_name: string;
  birth_date: string | null;
  country: string | null;
  region: string | null;
  city: string | null;
  locale: string | null;
  occupation: string | null;
  address: PostalAddress | null;
  lifecycle_stage: string;
  owner_id: string | null;
  tags: string[];
  custom_fields: Record<string, unknown>;
  source: AcquisitionSource;
  social_profiles: SocialProfile[];
  created_at: Date;
  updated_at: Date;
  emails_json: PersonView['emails'];
  phones_json: PersonView['phones'];
  account_json: PersonView['account'];
  external_ids_json: ExternalId[];
}

function rowToView(r: PersonRow): PersonView {
  return {
    id: r.id,
    version: r.version,
    status: r.status,
    mergedInto: r.merged_into,
    firstName: r.first_name,
    lastName: r.last_name,
    displayName: r.display_name,
    emails: r.emails_json,
    phones: r.phones_json,
    birthDate: r.birth_date,
    country: r.country,
    region: r.region,
    city: r.city,
    locale: r.locale,
    occupation: r.occupation,
    address: r.address,
    lifecycleStage: r.lifecycle_stage,
    ownerId: r.owner_id,
    tags: r.tags,
    customFields: r.custom_fields,
    source: r.source,
    socialProfiles: r.social_profiles,
    account: r.account_json,
    externalIds: r.external_ids_json,
    createdAt: r.created_at.toISOString(),
    updatedAt: r.updated_at.toISOString(),
  };
}

export function toView(
  p: Person,
  emails: PersonView['emails'],
  phones: PersonView['phones'],
  account: PersonView['account'],
  externalIds: ExternalId[] = [],
): PersonView {
  return {
    id: p.id,
    version: p.version,
    status: p.status,
    mergedInto: p.mergedInto,
    firstName: p.firstName,
    lastName: p.lastName,
    displayName: p.displayName,
    emails,
    phones,
    birthDate: p.birthDate,
    country: p.country,
    region: p.region,
    city: p.city,
    locale: p.locale,
    occupation: p.occupation,
    address: p.address,
    lifecycleStage: p.lifecycleStage,
    ownerId: p.ownerId,
    tags: p.tags,
    customFields: p.customFields,
    source: p.source,
    socialProfiles: p.socialProfiles,
    account,
    externalIds,
    createdAt: p.createdAt.toISOString(),
    updatedAt: p.updatedAt.toISOString(),
  };
}

/** The data of contact.created/updated/erased events. */
export function toPayload(v: PersonView): ContactPayload {
  return {
    id: v.id,
    version: v.version,
    status: v.status,
    displayName: v.displayName,
    firstName: v.firstName,
    lastName: v.lastName,
    primaryEmail: v.emails.find((e) => e.primary)?.address ?? v.emails[0]?.address ?? null,
    primaryPhone: v.phones.find((p) => p.primary)?.number ?? v.phones[0]?.number ?? null,
    lifecycleStage: v.lifecycleStage,
    country: v.country,
    region: v.region,
    city: v.city,
    locale: v.locale,
    birthDate: v.birthDate,
    ownerId: v.ownerId,
    accountId: v.account?.id ?? null,
    tags: v.tags,
    source: {
      channel: v.source.channel ?? null,
      campaign: v.source.campaign ?? null,
      utmSource: v.source.utmSource ?? null,
      utmMedium: v.source.utmMedium ?? null,
      utmCampaign: v.source.utmCampaign ?? null,
      referrer: v.source.referrer ?? null,
      firstTouchAt: v.source.firstTouchAt ?? null,
    },
    customFields: v.customFields,
    externalIds: v.externalIds,
    createdAt: v.createdAt,
    updatedAt: v.updatedAt,
  };
}
