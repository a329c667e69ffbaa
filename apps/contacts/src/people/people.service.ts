import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource, EntityManager } from 'typeorm';
import type { QueryDeepPartialEntity } from 'typeorm/query-builder/QueryPartialEntity';
import { CONTACTS_EVENTS } from '@crm/contracts';
import { EventPublisher } from '@crm/messaging';
import { uuidv7 } from '@crm/persistence';
import { DomainError, validationFailed, type Principal } from '@crm/platform';
import { CustomFieldsService } from '../custom-fields/custom-fields.service';
import { normaliseEmail, normalisePhone, notFound } from '../shared/normalise';
import type { CreatePersonDto, EmailDto, PhoneDto, UpdatePersonDto } from './dto/person.dto';
import { Person } from './person.entity';
import { PersonEmail } from './person-email.entity';
import { PersonPhone } from './person-phone.entity';
import { loadPersonView, toPayload, type PersonView } from './person-view';

@Injectable()
export class PeopleService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly events: EventPublisher,
    private readonly customFields: CustomFieldsService,
  ) {}

  async create(dto: CreatePersonDto, _by: Principal): Promise<PersonView> {
    const emails = prepareEmails(dto.emails ?? []);
    const phones = preparePhones(dto.phones ?? [], dto.country);
    return this.inTransaction(async (m) => {
      await this.customFields.check(m, dto.customFields ?? {}, false);
      await assertEmailsFree(m, emails.map((e) => e.address), null);
      if (dto.accountId) await assertAccountExists(m, dto.accountId);
      const id = uuidv7();
      const now = new Date();
      await m.getRepository(Person).insert({
        id,
        firstName: dto.firstName.trim(),
        lastName: dto.lastName.trim(),
        displayName: `${dto.firstName.trim()} ${dto.lastName.trim()}`,
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
        customFields: (dto.customFields ?? {}) as QueryDeepPartialEntity<Record<string, unknown>>,
        source: dto.source ? { ...dto.source, firstTouchAt: dto.source.firstTouchAt ?? now.toISOString() } : {},
        socialProfiles: (dto.socialProfiles ?? []).map((s) => ({ ...s })),
        status: 'active',
        mergedInto: null,
        searchText: '',
        version: 1,
        createdAt: now,
        updatedAt: now,
      });
      await replaceEmails(m, id, emails);
      await replacePhones(m, id, phones);
      if (dto.accountId) {
        await m.query(`INSERT INTO person_accounts (person_id, account_id, is_primary) VALUES ($1, $2, true)`, [id, dto.accountId]);
      }
      return this.publishChange(m, id, CONTACTS_EVENTS.contactCreated);
    });
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
        await assertAccountExists(m, dto.accountId);
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

  private inTransaction<T>(work: (m: EntityManager) => Promise<T>): Promise<T> {
    return this.dataSource.transaction(work).catch((error: unknown) => {
      throw mapUniqueViolation(error);
    });
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
  if (emails.length) {
    await m.getRepository(PersonEmail).insert(emails.map((e) => ({ id: uuidv7(), personId, address: e.address, isPrimary: e.primary, active: true })));
  }
}

async function replacePhones(m: EntityManager, personId: string, phones: { number: string; type: string; primary: boolean }[]): Promise<void> {
  await m.getRepository(PersonPhone).delete({ personId });
  if (phones.length) {
    await m.getRepository(PersonPhone).insert(phones.map((p) => ({ id: uuidv7(), personId, number: p.number, type: p.type, isPrimary: p.primary })));
  }
}

export async function assertEmailsFree(m: EntityManager, addresses: string[], exceptPersonId: string | null): Promise<void> {
  if (!addresses.length) return;
  const taken: { person_id: string; address: string }[] = await m.query(
    `SELECT person_id, address FROM person_emails WHERE active AND address = ANY($1) AND ($2::uuid IS NULL OR person_id <> $2) LIMIT 1`,
    [addresses, exceptPersonId],
  );
  if (taken.length) throw emailTaken(taken[0].address, taken[0].person_id);
}

function emailTaken(address: string, existingId: string): DomainError {
  return new DomainError('CONTACT_EMAIL_TAKEN', `${address} already belongs to contact ${existingId}`, 'conflict', {
    existingId,
    errors: [{ field: 'emails', message: `${address} already belongs to another contact` }],
  });
}

/** Two creates racing for one address: the unique index decides, and the loser gets the same 409. */
function mapUniqueViolation(error: unknown): unknown {
  const e = error as { code?: string; constraint?: string; detail?: string };
  if (e.code === '23505' && e.constraint === 'person_emails_active_address_uq') {
    const address = /\(address\)=\((.*)\)/.exec(e.detail ?? '')?.[1] ?? 'this address';
    return new DomainError('CONTACT_EMAIL_TAKEN', `${address} already belongs to another contact`, 'conflict', {
      errors: [{ field: 'emails', message: `${address} already belongs to another contact` }],
    });
  }
  return error;
}

async function assertAccountExists(m: EntityManager, accountId: string): Promise<void> {
  const found: unknown[] = await m.query(`SELECT 1 FROM accounts WHERE id = $1`, [accountId]);
  if (!found.length) throw validationFailed([{ field: 'accountId', message: `no account ${accountId}` }]);
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

