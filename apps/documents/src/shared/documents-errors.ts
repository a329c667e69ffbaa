import { DomainError, errorFactory, type DomainErrorExtra, type ErrorCatalogue } from '@crm/platform';

/** Every code documents answers besides the platform's own, and its kind (so its status). */
export type DocumentsErrorCode =
  | 'DOCUMENT_NOT_FOUND'
  | 'VERSION_NOT_FOUND'
  | 'LINK_NOT_FOUND'
  | 'HOLD_NOT_FOUND'
  | 'RETENTION_POLICY_NOT_FOUND'
  | 'DOCUMENT_HAS_NO_CONTENT'
  | 'DOCUMENT_UNDER_HOLD'
  | 'HOLD_ALREADY_RELEASED'
  | 'DOCUMENT_TYPE_NOT_ALLOWED'
  | 'MEDIA_TYPE_NOT_ALLOWED'
  | 'UPLOAD_EMPTY'
  | 'UPLOAD_MALFORMED'
  | 'UPLOAD_TOO_LARGE'
  | 'UNSUPPORTED_CONTENT_TYPE'
  | 'RANGE_NOT_SATISFIABLE'
  | 'VERSION_CONFLICT'
  | 'CURSOR_INVALID'
  | 'STORAGE_UNAVAILABLE';

export const DOCUMENTS_ERRORS: ErrorCatalogue<DocumentsErrorCode> = {
  DOCUMENT_NOT_FOUND: 'not_found',
  VERSION_NOT_FOUND: 'not_found',
  LINK_NOT_FOUND: 'not_found',
  HOLD_NOT_FOUND: 'not_found',
  RETENTION_POLICY_NOT_FOUND: 'not_found',
  DOCUMENT_HAS_NO_CONTENT: 'not_found',
  DOCUMENT_UNDER_HOLD: 'conflict',
  HOLD_ALREADY_RELEASED: 'conflict',
  DOCUMENT_TYPE_NOT_ALLOWED: 'invalid',
  MEDIA_TYPE_NOT_ALLOWED: 'invalid',
  UPLOAD_EMPTY: 'invalid',
  UPLOAD_MALFORMED: 'invalid',
  UPLOAD_TOO_LARGE: 'too_large',
  UNSUPPORTED_CONTENT_TYPE: 'invalid',
  RANGE_NOT_SATISFIABLE: 'invalid',
  VERSION_CONFLICT: 'precondition_failed',
  CURSOR_INVALID: 'invalid',
  STORAGE_UNAVAILABLE: 'unavailable',
};

/**
 * Statuses the platform's kinds do not name (415, 416), for the few codes that need them.
 * The kind stays the catalogue's for anything that reads only kinds.
 */
const EXACT_STATUS: Partial<Record<DocumentsErrorCode, number>> = {
  MEDIA_TYPE_NOT_ALLOWED: 415,
  UNSUPPORTED_CONTENT_TYPE: 415,
  RANGE_NOT_SATISFIABLE: 416,
};

class ExactStatusError extends DomainError {
  constructor(
    code: string,
    message: string,
    private readonly exactStatus: number,
    extra?: DomainErrorExtra,
  ) {
    super(code, message, 'invalid', extra);
  }

  override get status(): number {
    return this.exactStatus;
  }
}

const byKind = errorFactory(DOCUMENTS_ERRORS);

/** `throw documentsError('DOCUMENT_NOT_FOUND', 'No document 42')`: the status comes from the catalogue. */
export function documentsError(code: DocumentsErrorCode, message: string, extra?: DomainErrorExtra): DomainError {
  const exact = EXACT_STATUS[code];
  return exact ? new ExactStatusError(code, message, exact, extra) : byKind(code, message, extra);
}
