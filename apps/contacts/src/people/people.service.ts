import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource, EntityManager } from 'typeorm';
import { CONTACTS_EVENTS } from '@crm/contracts';
import { EventPublisher } from '@crm/messaging';
import { inTransaction, uuidv7 } from '@crm/persistence';
import { validationFailed, type FieldProblem } from '@crm/platform';
import { CustomFieldsService } from '../custom-fields/custom-fields.service';
import { notFound, searchText } from '../shared/normalise';
import { contactMerged, lockActive } from './active-person';
import {
  insertEmails,
  insertPhones,
  prepareEmails,
  preparePhones,
  replaceEmails,
  replacePhones,
} from './contact-points';
import { CLEARABLE_PERSON_FIELDS, type CreatePersonDto, type UpdatePersonDto } from './dto/person.dto';
import { Person } from './person.entity';
import { refreshSearchText } from './search-text';
import { loadPersonView, toPayload, toView, type PersonView } from './person-view';
import { contactsError } from '../shared/contacts-errors';
import { PERSON_IDS, prepareExternalIds, replaceExternalIds } from '../external-ids/external-ids';

@Injectable()
export class PeopleService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly events: EventPublisher,
    private readonly customFields: CustomFieldsService,
  ) {}

  /** One transaction of a few statements: the hot path of the suite, so no read-backs. */
  async create(dto: CreatePersonDto): Promise<PersonView> {
    const emails = prepareEmails(dto.emails ?? []);
    const phones = preparePhones(dto.phones ?? [], dto.country);
    const externalIds = prepareExternalIds(dto.externalIds);
    await this.customFields.check(this.dataSource.manager, dto.customFields ?? {}, false);
    return inTransaction(this.dataSource, async (m) => {
      const account = dto.accountId ? await findAccount(m, dto.accountId) : null;
      const now = new Date();
      const firstName = dto.firstName.trim();
      const lastName = dto.lastName.trim();
      const person = m.getRepository(Person).create({
        id: uuidv7(),
        firstName,
        lastName,
        displayName: `${firstName} ${lastName}`,
        birthDate: dto.birthDate ?? null,
        country: dto.country?.toUpperCase() ?? null,
        region: dto.region ?? null,
        city: dto.city ?? null,
        locale: dto.locale ?? null,
        occupation: dto.occupation ?? null,
        address: dto.address ? { ...dto.address } : null,
        lifecycleStage: dto.lifecycleStage ?? 'lead',
        ownerId: dto.ownerId ?? null,
        tags: [...new Set(dto.tags ?? [])],
        customFields: dto.customFields ?? {},
        source: dto.source ? { ...dto.source, firstTouchAt: dto.source.firstTouchAt ?? now.toISOString() } : {},
        socialProfiles: (dto.socialProfiles ?? []).map((s) => ({ ...s })),
        status: 'active',
        mergedInto: null,
        searchText: searchText([firstName, lastName, ...emails.map((e) => e.address), account?.name]),
        version: 1,
        createdAt: now,
        updatedAt: now,
      });
      await m.query(
        `INSERT INTO people (id, first_name, last_name, display_name, birth_date, country, region, city, locale, occupation, address,
           lifecycle_stage, owner_id, tags, custom_fields, source, social_profiles, status, search_text, version, created_at, updated_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, 'active', $18, 1, $19, $19)`,
        [
          person.id,
          person.firstName,
          person.lastName,
          person.displayName,
          person.birthDate,
          person.country,
          person.region,
          person.city,
          person.locale,
          person.occupation,
          person.address === null ? null : JSON.stringify(person.address),
          person.lifecycleStage,
          person.ownerId,
          person.tags,
          JSON.stringify(person.customFields),
          JSON.stringify(person.source),
          JSON.stringify(person.socialProfiles),
          person.searchText,
          now,
        ],
      );
      await insertEmails(m, person.id, emails);
      await insertPhones(m, person.id, phones);
      await replaceExternalIds(m, PERSON_IDS, person.id, externalIds, { fresh: true });
      if (account) {
        await m.query(`INSERT INTO person_accounts (person_id, account_id, is_primary) VALUES ($1, $2, true)`, [
          person.id,
          account.id,
        ]);
      }
      const view = toView(
        person,
        emails,
        phones,
        account ? { id: account.id, name: account.name, role: null, title: null } : null,
        externalIds,
      );
      await this.events.publish(m, {
        type: CONTACTS_EVENTS.contactCreated,
        subject: person.id,
        version: 1,
        data: toPayload(view),
      });
      return view;
    });
  }

  /** A merged contact answers 410 naming where it went; an erased one is shown, anonymised. */
  async get(id: string): Promise<PersonView> {
    const view = await loadPersonView(this.dataSource.manager, id);
    if (!view) throw notFound('CONTACT', id);
    if (view.status === 'merged') throw contactMerged(id, view.mergedInto);
    return view;
  }

  async update(id: string, dto: UpdatePersonDto, ifMatch: number | undefined): Promise<PersonView> {
    const nulls: FieldProblem[] = Object.entries(dto)
      .filter(([key, value]) => value === null && !(CLEARABLE_PERSON_FIELDS as readonly string[]).includes(key))
      .map(([field]) => ({ field, message: 'cannot be cleared; leave it out or give a value' }));
    if (nulls.length) throw validationFailed(nulls);
    return inTransaction(this.dataSource, async (m) => {
      // Accounts before people, as a rename does: crossing orders deadlock.
      if (dto.accountId) await findAccount(m, dto.accountId, 'FOR SHARE');
      const person = await lockActive(m, id);
      const expected = ifMatch ?? dto.version;
      if (expected !== undefined && expected !== person.version) {
        throw contactsError('VERSION_CONFLICT', `Contact ${id} is at version ${person.version}, not ${expected}`, {
          currentVersion: person.version,
        });
      }
      if (dto.customFields) {
        await this.customFields.check(m, dto.customFields, true);
        person.customFields = Object.fromEntries(
          Object.entries({ ...person.customFields, ...dto.customFields }).filter(([, v]) => v !== null),
        );
      }
      if (dto.emails) await replaceEmails(m, id, prepareEmails(dto.emails));
      const country = dto.country === undefined ? person.country : dto.country;
      if (dto.phones) await replacePhones(m, id, preparePhones(dto.phones, country));
      if (dto.externalIds) await replaceExternalIds(m, PERSON_IDS, id, prepareExternalIds(dto.externalIds));
      if (dto.accountId) {
        await m.query(`UPDATE person_accounts SET is_primary = false WHERE person_id = $1`, [id]);
        await m.query(
          `INSERT INTO person_accounts (person_id, account_id, is_primary) VALUES ($1, $2, true)
           ON CONFLICT (person_id, account_id) DO UPDATE SET is_primary = true`,
          [id, dto.accountId],
        );
      }
      applyChanges(person, dto);
      person.version += 1;
      person.updatedAt = new Date();
      await m.getRepository(Person).save(person);
      return this.publishChange(m, id, CONTACTS_EVENTS.contactUpdated);
    });
  }

  /** Refreshes the search text, then records the event carrying the person as it now is. */
  async publishChange(m: EntityManager, id: string, type: string): Promise<PersonView> {
    await refreshSearchText(m, [id]);
    const view = (await loadPersonView(m, id)) as PersonView;
    await this.events.publish(m, { type, subject: id, version: view.version, data: toPayload(view) });
    return view;
  }
}

function applyChanges(person: Person, dto: UpdatePersonDto): void {
  const plain = ['birthDate', 'region', 'city', 'locale', 'occupation', 'lifecycleStage', 'ownerId'] as const;
  for (const key of plain) if (dto[key] !== undefined) Object.assign(person, { [key]: dto[key] });
  if (dto.firstName !== undefined) person.firstName = dto.firstName.trim();
  if (dto.lastName !== undefined) person.lastName = dto.lastName.trim();
  person.displayName = `${person.firstName} ${person.lastName}`;
  if (dto.country !== undefined) person.country = dto.country?.toUpperCase() ?? null;
  if (dto.address !== undefined) person.address = dto.address ? { ...dto.address } : null;
  if (dto.tags !== undefined) person.tags = [...new Set(dto.tags)];
  if (dto.source !== undefined) person.source = { ...person.source, ...dto.source };
  if (dto.socialProfiles !== undefined) person.socialProfiles = dto.socialProfiles.map((s) => ({ ...s }));
}

async function findAccount(
  m: EntityManager,
  accountId: string,
  lock: '' | 'FOR SHARE' = '',
): Promise<{ id: string; name: string }> {
  const found: { id: string; name: string }[] = await m.query(`SELECT id, name FROM accounts WHERE id = $1 ${lock}`, [
    accountId,
  ]);
  if (!found.length) throw validationFailed([{ field: 'accountId', message: `no account ${accountId}` }]);
  return found[0];
}
