import type { EntityManager } from 'typeorm';
import type { ContactPayload } from '@crm/contracts';
import { Person, type AcquisitionSource, type PostalAddress, type SocialProfile } from './person.entity';
import { PersonEmail } from './person-email.entity';
import { PersonPhone } from './person-phone.entity';

export interface PersonView {
  id: string;
  version: number;
  status: Person['status'];
  mergedInto: string | null;
  firstName: string;
  lastName: string;
  displayName: string;
  emails: { address: string; primary: boolean }[];
  phones: { number: string; type: string; primary: boolean }[];
  birthDate: string | null;
  country: string | null;
  region: string | null;
  city: string | null;
  locale: string | null;
  occupation: string | null;
  address: PostalAddress | null;
  lifecycleStage: string;
  ownerId: string | null;
  tags: string[];
  customFields: Record<string, unknown>;
  source: AcquisitionSource;
  socialProfiles: SocialProfile[];
  account: { id: string; name: string; role: string | null; title: string | null } | null;
  createdAt: string;
  updatedAt: string;
}

/** The person as the API shows it, with emails, phones and primary account. */
export async function loadPersonView(manager: EntityManager, id: string): Promise<PersonView | null> {
  const person = await manager.getRepository(Person).findOneBy({ id });
  if (!person) return null;
  const [emails, phones, accounts] = await Promise.all([
    manager.getRepository(PersonEmail).find({ where: { personId: id, active: true }, order: { isPrimary: 'DESC', createdAt: 'ASC' } }),
    manager.getRepository(PersonPhone).find({ where: { personId: id }, order: { isPrimary: 'DESC', createdAt: 'ASC' } }),
    manager.query(
      `SELECT a.id, a.name, pa.role, pa.title FROM person_accounts pa JOIN accounts a ON a.id = pa.account_id
        WHERE pa.person_id = $1 ORDER BY pa.is_primary DESC, a.name LIMIT 1`,
      [id],
    ) as Promise<{ id: string; name: string; role: string | null; title: string | null }[]>,
  ]);
  return toView(person, emails, phones, accounts[0] ?? null);
}

export function toView(
  p: Person,
  emails: PersonEmail[],
  phones: PersonPhone[],
  account: PersonView['account'],
): PersonView {
  return {
    id: p.id,
    version: p.version,
    status: p.status,
    mergedInto: p.mergedInto,
    firstName: p.firstName,
    lastName: p.lastName,
    displayName: p.displayName,
    emails: emails.map((e) => ({ address: e.address, primary: e.isPrimary })),
    phones: phones.map((ph) => ({ number: ph.number, type: ph.type, primary: ph.isPrimary })),
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
    createdAt: v.createdAt,
    updatedAt: v.updatedAt,
  };
}
