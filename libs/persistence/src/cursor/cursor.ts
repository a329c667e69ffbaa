import { DomainError } from '@crm/platform';

export type CursorValue = string | number | null;

/** Opaque keyset cursor: the sort key values of the last row of a page. */
export function encodeCursor(values: CursorValue[]): string {
  return Buffer.from(JSON.stringify(values), 'utf8').toString('base64url');
}

function invalid(reason: string): DomainError {
  return new DomainError('CURSOR_INVALID', `The cursor is not valid: ${reason}`, 'invalid', {
    errors: [{ field: 'cursor', message: reason }],
  });
}

export function decodeCursor(cursor: string, arity: number): CursorValue[] {
  if (cursor.length === 0 || cursor.length > 1024 || !/^[A-Za-z0-9_-]+$/.test(cursor)) {
    throw invalid('it must be a cursor returned by a previous page');
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch {
    throw invalid('it must be a cursor returned by a previous page');
  }
  if (!Array.isArray(parsed) || parsed.length !== arity) {
    throw invalid('it does not match this listing and sort order');
  }
  for (const v of parsed) {
    if (v !== null && typeof v !== 'string' && typeof v !== 'number') {
      throw invalid('it does not match this listing and sort order');
    }
  }
  return parsed as CursorValue[];
}
