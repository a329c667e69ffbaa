import type { DataSource, EntityManager } from 'typeorm';

/**
 * Rows of an UPDATE/DELETE ... RETURNING: TypeORM answers those with
 * [rows, affected] where a SELECT or INSERT gives the rows alone.
 */
export async function returning<T>(m: EntityManager | DataSource, sql: string, params: unknown[]): Promise<T[]> {
  const res: unknown = await m.query(sql, params);
  if (Array.isArray(res) && res.length === 2 && Array.isArray(res[0]) && typeof res[1] === 'number')
    return res[0] as T[];
  return res as T[];
}
