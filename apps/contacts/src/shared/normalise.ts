import { parsePhoneNumberFromString, type CountryCode } from 'libphonenumber-js';
import { DomainError, validationFailed } from '@crm/platform';
import { contactsError } from './contacts-errors';

export function normaliseEmail(address: string): string {
  return address.trim().toLowerCase();
}

/** E.164, reading national numbers in the contact's country (or DEFAULT_PHONE_REGION). */
export function normalisePhone(raw: string, country: string | null | undefined, field: string): string {
  const region = (country ?? process.env['DEFAULT_PHONE_REGION'] ?? 'FR').toUpperCase() as CountryCode;
  const parsed = parsePhoneNumberFromString(raw.trim(), region);
  if (!parsed || !parsed.isValid()) {
    throw validationFailed([
      { field, message: `"${raw}" is not a valid phone number${raw.trim().startsWith('+') ? '' : ` for ${region}`}` },
    ]);
  }
  return parsed.number;
}

export function notFound(kind: 'CONTACT' | 'ACCOUNT' | 'ACTIVITY', id: string): DomainError {
  return contactsError(`${kind}_NOT_FOUND`, `No ${kind.toLowerCase()} ${id}`);
}

/** The text searched by full-text and trigram queries. */
export function searchText(parts: (string | null | undefined)[]): string {
  return parts
    .filter((p): p is string => !!p)
    .join(' ')
    .toLowerCase();
}
