import { DomainError, type DomainErrorExtra, type ErrorKind } from './domain-error';

/**
 * A service's error codes and the kind (so the status) of each: one map, so a
 * new code cannot be thrown without deciding its status, and a reader sees
 * every code a service answers in one place.
 */
export type ErrorCatalogue<Code extends string> = Readonly<Record<Code, ErrorKind>>;

/** `const fail = errorFactory(CONTACTS_ERRORS); throw fail('CONTACT_NOT_FOUND', 'No contact 42')`. */
export function errorFactory<Code extends string>(catalogue: ErrorCatalogue<Code>) {
  return (code: Code, message: string, extra?: DomainErrorExtra): DomainError =>
    new DomainError(code, message, catalogue[code], extra);
}
