import { DomainError, STATUS_BY_KIND, type DomainErrorExtra, type ErrorKind } from './domain-error';
import { problem, type Problem } from './problem';

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

/**
 * The same for answers sent outside Nest's handlers (Fastify hooks, a proxy):
 * `fail('RATE_LIMITED', 'Too many requests')` is a problem+json body whose status comes from the catalogue.
 */
export function problemFactory<Code extends string>(catalogue: ErrorCatalogue<Code>) {
  return (code: Code, detail: string, extra: Record<string, unknown> = {}): Problem =>
    problem(STATUS_BY_KIND[catalogue[code]], code, detail, extra);
}
