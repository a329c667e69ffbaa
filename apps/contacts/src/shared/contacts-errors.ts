import { errorFactory, type ErrorCatalogue } from '@crm/platform';

/**
 * Every code contacts answers besides the platform's own (VALIDATION_FAILED,
 * ROUTE_NOT_FOUND, CONCURRENT_UPDATE, ...), and its kind, so its status.
 * A new code goes here first; the map must name every code.
 */
export type ContactsErrorCode =
  | 'CONTACT_NOT_FOUND'
  | 'ACCOUNT_NOT_FOUND'
  | 'ACTIVITY_NOT_FOUND'
  | 'ERASURE_NOT_FOUND'
  | 'ACCOUNT_LINK_NOT_FOUND'
  | 'CONTACT_MERGED'
  | 'CONTACT_ERASED'
  | 'CONTACT_EMAIL_TAKEN'
  | 'CONTACT_EXTERNAL_ID_TAKEN'
  | 'ACCOUNT_EXTERNAL_ID_TAKEN'
  | 'ACCOUNT_IN_USE'
  | 'CUSTOM_FIELD_EXISTS'
  | 'VERSION_CONFLICT'
  | 'CURSOR_INVALID'
  | 'IMPORT_NOT_FOUND'
  | 'IMPORT_TOO_LARGE';

export const CONTACTS_ERRORS: ErrorCatalogue<ContactsErrorCode> = {
  CONTACT_NOT_FOUND: 'not_found',
  ACCOUNT_NOT_FOUND: 'not_found',
  ACTIVITY_NOT_FOUND: 'not_found',
  ERASURE_NOT_FOUND: 'not_found',
  ACCOUNT_LINK_NOT_FOUND: 'not_found',
  CONTACT_MERGED: 'gone',
  CONTACT_ERASED: 'conflict',
  CONTACT_EMAIL_TAKEN: 'conflict',
  CONTACT_EXTERNAL_ID_TAKEN: 'conflict',
  ACCOUNT_EXTERNAL_ID_TAKEN: 'conflict',
  ACCOUNT_IN_USE: 'conflict',
  CUSTOM_FIELD_EXISTS: 'conflict',
  VERSION_CONFLICT: 'precondition_failed',
  CURSOR_INVALID: 'invalid',
  IMPORT_NOT_FOUND: 'not_found',
  IMPORT_TOO_LARGE: 'too_large',
};

/** `throw contactsError('CONTACT_NOT_FOUND', 'No contact 42')`: the kind comes from the catalogue. */
export const contactsError = errorFactory(CONTACTS_ERRORS);
