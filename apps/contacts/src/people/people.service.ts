import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource, EntityManager } from 'typeorm';
import { CONTACTS_EVENTS } from '@crm/contracts';
import { EventPublisher } from '@crm/messaging';
import { uuidv7 } from '@crm/persistence';
import { DomainError, validationFailed, type Principal } from '@crm/platform';
import { CustomFieldsService } from '../custom-fields/custom-fields.service';
import { normaliseEmail, normalisePhone, notFound, searchText } from '../shared/normalise';
import type { CreatePersonDto, EmailDto, PhoneDto, UpdatePersonDto } from './dto/person.dto';
import { Person } from './person.entity';
import { PersonEmail } from './person-email.entity';
import { PersonPhone } from './person-phone.entity';
import { loadPersonView, toPayload, toView, type PersonView } from './person-view';

@Injectable()
export class PeopleService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly events: EventPublisher,
    private readonly customFields: CustomFieldsService,
  ) {}

  /** One transaction of a few statements: the hot path of the suite, so no read-backs. */
  async create(dto: CreatePersonDto, _by: Principal): Promise<PersonView> {
    const emails = prepareEmails(dto.emails ?? []);
    const phones = preparePhones(dto.phones ?? [], dto.country);
    await this.customFields.check(this.dataSource.manager, dto.customFields ?? {}, false);
    try {
      return await this.dataSource.transaction(async (m) => {
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
            person.id, person.firstName, person.lastName, person.displayName, person.birthDate, person.country, person.region, person.city,
            person.locale, person.occupation, person.address === null ? null : JSON.stringify(person.address), person.lifecycleStage,
            person.ownerId, person.tags, JSON.stringify(person.customFields), JSON.stringify(person.source), JSON.stringify(person.socialProfiles),
            person.searchText, now,
          ],
        );
        await insertEmails(m, person.id, emails);
        await insertPhones(m, person.id, phones);
        if (account) {
          await m.query(`INSERT INTO person_accounts (person_id, account_id, is_primary) VALUES ($1, $2, true)`, [person.id, account.id]);
        }
        const view = toView(
          person,
          emails.map((e) => ({ address: e.address, primary: e.primary })),
          phones.map((p) => ({ number: p.number, type: p.type, primary: p.primary })),
          account ? { id: account.id, name: account.name, role: null, title: null } : null,
        );
        await this.events.publish(m, { type: CONTACTS_EVENTS.contactCreated, subject: person.id, version: 1, data: toPayload(view) });
        return view;
      });
    } catch (error) {
      throw await this.explainUniqueViolation(error);
    }
  }

  async get(id: string): Promise<PersonView> {
    const view = await loadPersonView(this.dataSource.manager, id);
    if (!view) throw notFound('CONTACT', id);
    if (view.status === 'merged') {
      throw new DomainError('CONTACT_MERGED', `Contact ${id} was merged into ${view.mergedInto}`, 'gone', { mergedInto: view.mergedInto });
    }
    return view;
  }

  async update(id: string, dto: UpdatePersonDto, ifMatch: number | undefined): Promise<PersonView> {
    return this.inTransaction(async (m) => {
      const person = await lockActive(m, id);
      const expected = ifMatch ?? dto.version;
      if (expected !== undefined && expected !== person.version) {
        throw new DomainError('VERSION_CONFLICT', `Contact ${id} is at version ${person.version}, not ${expected}`, 'precondition_failed', {
          currentVersion: person.version,
        });
      }
      if (dto.customFields) {
        await this.customFields.check(m, dto.customFields, true);
        person.customFields = Object.fromEntries(
          Object.entries({ ...person.customFields, ...dto.customFields }).filter(([, v]) => v !== null),
        );
      }
      if (dto.emails) {
        const emails = prepareEmails(dto.emails);
        await assertEmailsFree(m, emails.map((e) => e.address), id);
        await replaceEmails(m, id, emails);
      }
      if (dto.phones) await replacePhones(m, id, preparePhones(dto.phones, dto.country ?? person.country));
      if (dto.accountId) {
        await findAccount(m, dto.accountId);
        await m.query(`UPDATE person_accounts SET is_primary = false WHERE person_id = $1`, [id]);
        await m.query(
          `INSERT INTO person_accounts (person_id, account_id, is_primary) VALUES ($1, $2, true)
           ON CONFLICT (person_id, account_id) DO UPDATE SET is_primary = true`,
          [id, dto.accountId],
        );
      }
      const simple = ['birthDate', 'region', 'city', 'locale', 'occupation', 'lifecycleStage', 'ownerId'] as const;
      for (const key of simple) if (dto[key] !== undefined) Object.assign(person, { [key]: dto[key] });
      if (dto.firstName !== undefined) person.firstName = dto.firstName.trim();
      if (dto.lastName !== undefined) person.lastName = dto.lastName.trim();
      person.displayName = `${person.firstName} ${person.lastName}`;
      if (dto.country !== undefined) person.country = dto.country.toUpperCase();
      if (dto.address !== undefined) person.address = { ...dto.address };
      if (dto.tags !== undefined) person.tags = [...new Set(dto.tags)];
      if (dto.source !== undefined) person.source = { ...person.source, ...dto.source };
      if (dto.socialProfiles !== undefined) person.socialProfiles = dto.socialProfiles.map((s) => ({ ...s }));
      person.version += 1;
      person.updatedAt = new Date();
      await m.getRepository(Person).save(person);
      return this.publishChange(m, id, CONTACTS_EVENTS.contactUpdated);
    });
  }

  /** Refreshes the search text, then records the event carrying the person as it now is. */
  async publishChange(m: EntityManager, id: string, type: string): Promise<PersonView> {
    await m.query(
      `UPDATE people p SET search_text = lower(concat_ws(' ', p.first_name, p.last_name,
          (SELECT string_agg(e.address, ' ') FROM person_emails e WHERE e.person_id = p.id AND e.active),
          (SELECT string_agg(a.name, ' ') FROM person_accounts pa JOIN accounts a ON a.id = pa.account_id WHERE pa.person_id = p.id)))
        WHERE p.id = $1`,
      [id],
    );
    const view = (await loadPersonView(m, id)) as PersonView;
    await this.events.publish(m, { type, subject: id, version: view.version, data: toPayload(view) });
    return view;
  }

  private async inTransaction<T>(work: (m: EntityManager) => Promise<T>): Promise<T> {
    try {
      return await this.dataSource.transaction(work);
    } catch (error) {
      throw await this.explainUniqueViolation(error);
    }
  }

  /** The unique index on active emails decides; the 409 names the contact that has the address. */
  private async explainUniqueViolation(error: unknown): Promise<unknown> {
    const e = error as { code?: string; constraint?: string; detail?: string };
    if (e.code !== '23505' || e.constraint !== 'person_emails_active_address_uq') return error;
    const address = /\(address\)=\((.*)\)/.exec(e.detail ?? '')?.[1] ?? '';
    const owner: { person_id: string }[] = await this.dataSource.query(`SELECT person_id FROM person_emails WHERE active AND address = $1`, [address]);
    return emailTaken(address, owner[0]?.person_id ?? null);
  }
}

interface PreparedEmail {
  address: string;
  primary: boolean;
}

function prepareEmails(emails: EmailDto[]): PreparedEmail[] {
  const seen = new Map<string, PreparedEmail>();
  for (const e of emails) {
    const address = normaliseEmail(e.address);
    if (!seen.has(address)) seen.set(address, { address, primary: !!e.primary });
  }
  const list = [...seen.values()];
  const primaryIndex = Math.max(0, list.findIndex((e) => e.primary));
  return list.map((e, i) => ({ ...e, primary: i === primaryIndex }));
}

function preparePhones(phones: PhoneDto[], country: string | null | undefined): { number: string; type: string; primary: boolean }[] {
  const list = phones.map((p, i) => ({ number: normalisePhone(p.number, country, `phones.${i}.number`), type: p.type ?? 'mobile', primary: !!p.primary }));
  const unique = list.filter((p, i) => list.findIndex((q) => q.number === p.number) === i);
  const primaryIndex = Math.max(0, unique.findIndex((p) => p.primary));
  return unique.map((p, i) => ({ ...p, primary: i === primaryIndex }));
}

async function replaceEmails(m: EntityManager, personId: string, emails: PreparedEmail[]): Promise<void> {
  await m.getRepository(PersonEmail).delete({ personId });
  await insertEmails(m, personId, emails);
}

async function insertEmails(m: EntityManager, personId: string, emails: PreparedEmail[]): Promise<void> {
  if (!emails.length) return;
  const values: unknown[] = [];
  const rows = emails.map((e, i) => {
    values.push(uuidv7(), personId, e.address, e.primary);
    return `($${i * 4 + 1}, $${i * 4 + 2}, $${i * 4 + 3}, $${i * 4 + 4})`;
  });
  await m.query(`INSERT INTO person_emails (id, person_id, address, is_primary) VALUES ${rows.join(', ')}`, values);
}

async function replacePhones(m: EntityManager, personId: string, phones: { number: string; type: string; primary: boolean }[]): Promise<void> {
  await m.getRepository(PersonPhone).delete({ personId });
  await insertPhones(m, personId, phones);
}

async function insertPhones(m: EntityManager, personId: string, phones: { number: string; type: string; primary: boolean }[]): Promise<void> {
  if (!phones.length) return;
  const values: unknown[] = [];
  const rows = phones.map((p, i) => {
    values.push(uuidv7(), personId, p.number, p.type, p.primary);
    return `($${i * 5 + 1}, $${i * 5 + 2}, $${i * 5 + 3}, $${i * 5 + 4}, $${i * 5 + 5})`;
  });
  await m.query(`INSERT INTO person_phones (id, person_id, number, type, is_primary) VALUES ${rows.join(', ')}`, values);
}

export async function assertEmailsFree(m: EntityManager, addresses: string[], exceptPersonId: string | null): Promise<void> {
  if (!addresses.length) return;
  const taken: { person_id: string; address: string }[] = await m.query(
    `SELECT person_id, address FROM person_emails WHERE active AND address = ANY($1) AND ($2::uuid IS NULL OR person_id <> $2) LIMIT 1`,
    [addresses, exceptPersonId],
  );
  if (taken.length) throw emailTaken(taken[0].address, taken[0].person_id);
}

function emailTaken(address: string, existingId: string | null): DomainError {
  return new DomainError('CONTACT_EMAIL_TAKEN', `${address} already belongs to contact ${existingId}`, 'conflict', {
    existingId,
    errors: [{ field: 'emails', message: `${address} already belongs to another contact` }],
  });
}

async function findAccount(m: EntityManager, accountId: string): Promise<{ id: string; name: string }> {
  const found: { id: string; name: string }[] = await m.query(`SELECT id, name FROM accounts WHERE id = $1`, [accountId]);
  if (!found.length) throw validationFailed([{ field: 'accountId', message: `no account ${accountId}` }]);
  return found[0];
}

/** Locks an active person for the rest of the transaction. */
export async function lockActive(m: EntityManager, id: string): Promise<Person> {
  const person = await m.getRepository(Person).findOne({ where: { id }, lock: { mode: 'pessimistic_write' } });
  if (!person) throw notFound('CONTACT', id);
  if (person.status === 'merged') {
    throw new DomainError('CONTACT_MERGED', `Contact ${id} was merged into ${person.mergedInto}`, 'gone', { mergedInto: person.mergedInto });
  }
  if (person.status === 'erased') throw new DomainError('CONTACT_ERASED', `Contact ${id} was erased`, 'conflict');
  return person;
}

