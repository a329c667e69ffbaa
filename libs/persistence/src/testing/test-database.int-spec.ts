import { Client } from 'pg';
import { createTestDatabase } from './test-database';
import { ensureDatabase } from '../database/migrations';

async function exists(url: string): Promise<boolean> {
  const name = new URL(url).pathname.slice(1);
  const c = new Client({ connectionString: 'postgres://postgres@127.0.0.1:5432/postgres' });
  await c.connect();
  try {
    const r = await c.query('SELECT 1 FROM pg_database WHERE datname = $1', [name]);
    return r.rowCount === 1;
  } finally {
    await c.end();
  }
}

describe('throwaway test databases', () => {
  it('creates a database that can be used and drops it afterwards', async () => {
    const db = await createTestDatabase('persistence');
    expect(await exists(db.url)).toBe(true);
    const c = new Client({ connectionString: db.url });
    await c.connect();
    await c.query('CREATE TABLE t (id int)');
    await c.end();
    expect(await ensureDatabase(db.url)).toBe(false);
    await db.drop();
    expect(await exists(db.url)).toBe(false);
  });
});
