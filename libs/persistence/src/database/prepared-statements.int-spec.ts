import { DataSource } from 'typeorm';
import { createTestDatabase, type TestDatabase } from '../testing/test-database';
import { postgresOptions } from './postgres-options';
import { PREPARED_PER_CONNECTION, PreparingClient } from './prepared-statements';

describe('PreparingClient on the real Postgres', () => {
  let database: TestDatabase;
  let client: PreparingClient;

  const prepared = async (c = client): Promise<string[]> =>
    (await c.query<{ statement: string }>('SELECT statement FROM pg_prepared_statements ORDER BY statement')).rows.map(
      (r) => r.statement,
    );

  beforeAll(async () => {
    database = await createTestDatabase('persistence_prepared');
    const setup = new PreparingClient({ connectionString: database.url });
    await setup.connect();
    await setup.query(`CREATE TABLE things (id int PRIMARY KEY, name text NOT NULL)`);
    await setup.end();
  });
  beforeEach(async () => {
    client = new PreparingClient({ connectionString: database.url });
    await client.connect();
    await client.query('TRUNCATE things');
  });
  afterEach(() => client.end());
  afterAll(() => database.drop());

  it('prepares a parameterised text on its second run, and answers as an unnamed statement does', async () => {
    const insert = 'INSERT INTO things (id, name) VALUES ($1, $2) RETURNING id, name';
    expect((await client.query(insert, [1, 'one'])).rows).toEqual([{ id: 1, name: 'one' }]);
    expect(await prepared()).toEqual([]);
    expect((await client.query(insert, [2, 'two'])).rows).toEqual([{ id: 2, name: 'two' }]);
    expect((await client.query(insert, [3, 'three'])).rows).toEqual([{ id: 3, name: 'three' }]);
    expect(await prepared()).toEqual([insert]);
    // A statement without parameters is never named.
    await client.query('SELECT count(*) FROM things');
    await client.query('SELECT count(*) FROM things');
    expect(await prepared()).toEqual([insert]);
  });

  it('reports a failing prepared statement as before and runs it again afterwards', async () => {
    const insert = 'INSERT INTO things (id, name) VALUES ($1, $2)';
    await client.query(insert, [1, 'one']);
    await client.query(insert, [2, 'two']);
    await expect(client.query(insert, [2, 'again'])).rejects.toMatchObject({ code: '23505' });
    await expect(client.query(insert, [1, null])).rejects.toMatchObject({ code: '23502' });
    await client.query(insert, [3, 'three']);
    expect((await client.query('SELECT id FROM things ORDER BY id')).rows.map((r) => r.id)).toEqual([1, 2, 3]);
  });

  it('prepares again a statement whose columns a migration changed, failing that one call only', async () => {
    const other = new PreparingClient({ connectionString: database.url });
    await other.connect();
    try {
      await client.query(`INSERT INTO things VALUES (1, 'one')`);
      const select = 'SELECT * FROM things WHERE id = $1';
      await client.query(select, [1]);
      expect((await client.query(select, [1])).rows).toEqual([{ id: 1, name: 'one' }]);
      await other.query(`ALTER TABLE things ADD COLUMN note text`);
      await expect(client.query(select, [1])).rejects.toThrow(/cached plan must not change result type/);
      expect((await client.query(select, [1])).rows).toEqual([{ id: 1, name: 'one', note: null }]);
    } finally {
      await other.query(`ALTER TABLE things DROP COLUMN IF EXISTS note`);
      await other.end();
    }
  });

  it(`keeps at most ${PREPARED_PER_CONNECTION} texts prepared per connection, and never a text run once`, async () => {
    for (let i = 0; i < PREPARED_PER_CONNECTION + 20; i++) {
      const text = `SELECT $1::int + ${i} AS n`;
      await client.query(text, [1]);
      expect((await client.query(text, [1])).rows).toEqual([{ n: i + 1 }]);
    }
    for (let i = 0; i < 50; i++) await client.query(`SELECT $1::int - ${i} AS once`, [1]);
    expect(await prepared()).toHaveLength(PREPARED_PER_CONNECTION);
  });

  it('is what postgresOptions() pools, with each call still planned for its own values', async () => {
    const ds = new DataSource(postgresOptions({ url: database.url, entities: [], migrations: [], poolSize: 1 }));
    await ds.initialize();
    try {
      expect(await ds.query('SHOW plan_cache_mode')).toEqual([{ plan_cache_mode: 'force_custom_plan' }]);
      const select = 'SELECT name FROM things WHERE id = $1';
      await ds.query(`INSERT INTO things VALUES (7, 'seven')`);
      for (let i = 0; i < 3; i++) expect(await ds.query(select, [7])).toEqual([{ name: 'seven' }]);
      const names = await ds.query(`SELECT statement FROM pg_prepared_statements`);
      expect(names).toEqual([{ statement: select }]);
    } finally {
      await ds.destroy();
    }
    const plain = new DataSource(
      postgresOptions({ url: database.url, entities: [], migrations: [], poolSize: 1, preparedStatements: false }),
    );
    await plain.initialize();
    try {
      const select = 'SELECT name FROM things WHERE id = $1';
      for (let i = 0; i < 3; i++) await plain.query(select, [7]);
      expect(await plain.query(`SELECT statement FROM pg_prepared_statements`)).toEqual([]);
      expect(await plain.query('SHOW plan_cache_mode')).toEqual([{ plan_cache_mode: 'auto' }]);
    } finally {
      await plain.destroy();
    }
  });
});
