import type { EntityManager } from 'typeorm';
import { DomainError } from '@crm/platform';
import { notFound } from '../shared/normalise';
import { Person } from './person.entity';
import { contactsError } from '../shared/contacts-errors';

export function contactMerged(id: string, mergedInto: string | null): DomainError {
  return contactsError('CONTACT_MERGED', `Contact ${id} was merged into ${mergedInto}`, { mergedInto });
}

/**
 * Locks a person for the rest of the transaction, refusing one that can no
 * longer change: merged (410 with where it went) or erased (409).
 */
export async function lockActive(m: EntityManager, id: string): Promise<Person> {
  const person = await m.getRepository(Person).findOne({ where: { id }, lock: { mode: 'pessimistic_write' } });
  if (!person) throw notFound('CONTACT', id);
  if (person.status === 'merged') throw contactMerged(id, person.mergedInto);
  if (person.status === 'erased')
    throw contactsError('CONTACT_ERASED', `Contact ${id} was erased and can no longer change`);
  return person;
}

/**
 * Locks several people in id order, so two transactions locking overlapping
 * sets wait for each other instead of deadlocking. Take account locks first.
 */
export async function lockPeople(m: EntityManager, ids: string[]): Promise<void> {
  if (ids.length) await m.query(`SELECT id FROM people WHERE id = ANY($1::uuid[]) ORDER BY id FOR UPDATE`, [ids]);
}
