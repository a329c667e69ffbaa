/**
 * The rows of a raw `manager.query()`: TypeORM answers SELECT and INSERT ... RETURNING with the
 * rows, but UPDATE and DELETE (... RETURNING) with `[rows, affectedCount]`.
 */
export function returnedRows<T>(result: unknown): T[] {
  const r = result as unknown[];
  return (Array.isArray(r[0]) ? r[0] : r) as T[];
}
