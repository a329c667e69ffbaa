import type { DataSource, EntityManager } from 'typeorm';

/**
 * The rows of a raw `manager.query()`: TypeORM answers SELECT and INSERT ... RETURNING with the
 * rows, but UPDATE and DELETE (... RETURNING) with `[rows, affectedCount]`.
 */
export function returnedRows<T>(result: unknown): T[] {
  const r = result as unknown[];
  return (Array.isArray(r[0]) ? r[0] : r) as T[];
}

/** Runs a statement and answers its rows, whatever kind of statement it is (see returnedRows). */
export async function queryReturning<T>(m: EntityManager | DataSource, sql: string, params: unknown[]): Promise<T[]> {
  return returnedRows<T>(await m.query(sql, params));
}
