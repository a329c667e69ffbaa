import { randomBytes } from 'node:crypto';
import { dropDatabase, ensureDatabase } from '../database/migrations';

export interface TestDatabase {
  url: string;
  drop(): Promise<void>;
}

/**
 * A throwaway database on the test Postgres (TEST_DATABASE_URL, default the
 * local server), named after the prefix so a leftover one is recognisable.
 */
export async function createTestDatabase(prefix: string): Promise<TestDatabase> {
  const base = process.env['TEST_DATABASE_URL'] ?? 'postgres://postgres@127.0.0.1:5432/postgres';
  const safePrefix = prefix
    .toLowerCase()
    .replace(/[^a-z0-9_]/g, '_')
    .slice(0, 30);
  const u = new URL(base);
  u.pathname = `/t_${safePrefix}_${Date.now().toString(36)}_${randomBytes(3).toString('hex')}`;
  const url = u.toString();
  await ensureDatabase(url);
  return { url, drop: () => dropDatabase(url) };
}
