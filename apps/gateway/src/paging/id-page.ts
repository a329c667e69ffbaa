import { decodeCursor, encodeCursor, isUuid } from '@crm/persistence';
import { gatewayError } from '../shared/gateway-errors';

/**
 * Keyset paging on a UUIDv7 id alone, newest first: ids sort by creation time,
 * so the cursor is the last id of the page.
 */
export function decodeIdCursor(cursor: string): string {
  const [id] = decodeCursor(cursor, 1);
  if (!isUuid(id)) {
    throw gatewayError('CURSOR_INVALID', 'The cursor is not valid: it must be a cursor returned by a previous page', {
      errors: [{ field: 'cursor', message: 'it must be a cursor returned by a previous page' }],
    });
  }
  return id;
}

/** Cuts the extra row fetched to know whether another page follows. */
export function toPage<T extends { id: string }>(rows: T[], limit: number): { items: T[]; nextCursor: string | null } {
  const items = rows.slice(0, limit);
  const nextCursor = rows.length > limit ? encodeCursor([items[items.length - 1].id]) : null;
  return { items, nextCursor };
}
