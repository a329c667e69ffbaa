import type { EntityManager } from 'typeorm';
import { uuidv7 } from '@crm/persistence';
import { DomainError } from '@crm/platform';
import { normaliseEmail, normalisePhone } from '../shared/normalise';
import type { EmailDto, PhoneDto } from './dto/person.dto';
import { contactsError } from '../shared/contacts-errors';

export interface PreparedEmail {
  address: string;
  primary: boolean;
}

export interface PreparedPhone {
  number: string;
  type: string;
  primary: boolean;
}

/** Normalised, without repeats, exactly one primary (the first marked, else the first). */
export function prepareEmails(emails: EmailDto[]): PreparedEmail[] {
  const seen = new Map<string, PreparedEmail>();
  for (const e of emails) {
    const address = normaliseEmail(e.address);
    if (!seen.has(address)) seen.set(address, { address, primary: !!e.primary });
  }
  return withOnePrimary([...seen.values()]);
}

/** E.164 (national numbers read in the contact's country), without repeats, exactly one primary. */
export function preparePhones(phones: PhoneDto[], country: string | null | undefined): PreparedPhone[] {
  const list = phones.map((p, i) => ({
    number: normalisePhone(p.number, country, `phones.${i}.number`),
    type: p.type ?? 'mobile',
    primary: !!p.primary,
  }));
  return withOnePrimary(list.filter((p, i) => list.findIndex((q) => q.number === p.number) === i));
}

function withOnePrimary<T extends { primary: boolean }>(list: T[]): T[] {
  const primaryIndex = Math.max(
    0,
    list.findIndex((x) => x.primary),
  );
  return list.map((x, i) => ({ ...x, primary: i === primaryIndex }));
}

/**
 * Inserts the emails; the partial unique index on active addresses decides
 * races. A taken address is answered 409 with the contact that has it, and
 * the caller's transaction rolls back.
 */
export async function insertEmails(m: EntityManager, personId: string, emails: PreparedEmail[]): Promise<void> {
  if (!emails.length) return;
  const values: unknown[] = [];
  const rows = emails.map((e, i) => {
    values.push(uuidv7(), personId, e.address, e.primary);
    return `($${i * 4 + 1}, $${i * 4 + 2}, $${i * 4 + 3}, $${i * 4 + 4})`;
  });
  const inserted: unknown[] = await m.query(
    `INSERT INTO person_emails (id, person_id, address, is_primary) VALUES ${rows.join(', ')}
     ON CONFLICT (address) WHERE active DO NOTHING RETURNING address`,
    values,
  );
  if (inserted.length === emails.length) return;
  const taken: { person_id: string; address: string }[] = await m.query(
    `SELECT person_id, address FROM person_emails WHERE active AND address = ANY($1) AND person_id <> $2 ORDER BY address LIMIT 1`,
    [emails.map((e) => e.address), personId],
  );
  throw emailTaken(taken[0]?.address ?? emails[0].address, taken[0]?.person_id ?? null);
}

export async function replaceEmails(m: EntityManager, personId: string, emails: PreparedEmail[]): Promise<void> {
  await m.query(`DELETE FROM person_emails WHERE person_id = $1`, [personId]);
  await insertEmails(m, personId, emails);
}

export async function insertPhones(m: EntityManager, personId: string, phones: PreparedPhone[]): Promise<void> {
  if (!phones.length) return;
  const values: unknown[] = [];
  const rows = phones.map((p, i) => {
    values.push(uuidv7(), personId, p.number, p.type, p.primary);
    return `($${i * 5 + 1}, $${i * 5 + 2}, $${i * 5 + 3}, $${i * 5 + 4}, $${i * 5 + 5})`;
  });
  await m.query(
    `INSERT INTO person_phones (id, person_id, number, type, is_primary) VALUES ${rows.join(', ')}`,
    values,
  );
}

export async function replacePhones(m: EntityManager, personId: string, phones: PreparedPhone[]): Promise<void> {
  await m.query(`DELETE FROM person_phones WHERE person_id = $1`, [personId]);
  await insertPhones(m, personId, phones);
}

function emailTaken(address: string, existingId: string | null): DomainError {
  return contactsError('CONTACT_EMAIL_TAKEN', `${address} already belongs to contact ${existingId}`, {
    existingId,
    errors: [{ field: 'emails', message: `${address} already belongs to another contact` }],
  });
}
