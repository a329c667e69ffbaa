import { DataSource } from 'typeorm';
import { DomainError } from '@crm/platform';
import { createTestDatabase, type TestDatabase } from '../testing/test-database';
import { inTransaction } from './transaction';

describe('inTransaction on the real Postgres', () => {
  let database: TestDatabase;
  let ds: DataSource;

  beforeAll(async () => {
    database = await createTestDatabase('persistence_tx');
    ds = new DataSource({ type: 'postgres', url: database.url, extra: { max: 4 } });
    await ds.initialize();
    await ds.query(`CREATE TABLE counters (id int PRIMARY KEY, n int NOT NULL)`);
  });
  afterAll(async () => {
    await ds.destroy();
    await database.drop();
  });
  beforeEach(() => ds.query(`TRUNCATE counters; INSERT INTO counters VALUES (1, 0), (2, 0)`));

  it('runs a deadlocked transaction again, so both of two crossing writers succeed', async () => {
    let attempts = 0;
    let signalFirst!: () => void;
    let signalSecond!: () => void;
    const firstHolds = new Promise<void>((r) => (signalFirst = r));
    const secondHolds = new Promise<void>((r) => (signalSecond = r));
    const crossing = (a: number, b: number, holding: () => void, other: Promise<void>) =>
      inTransaction(ds, async (m) => {
        attempts++;
        await m.query(`UPDATE counters SET n = n + 1 WHERE id = $1`, [a]);
        holding();
        await other;
        await m.query(`UPDATE counters SET n = n + 1 WHERE id = $1`, [b]);
      });
    await Promise.all([crossing(1, 2, signalFirst, secondHolds), crossing(2, 1, signalSecond, firstHolds)]);
    expect(attempts).toBeGreaterThanOrEqual(3);
    expect(await ds.query(`SELECT id, n FROM counters ORDER BY id`)).toEqual([
      { id: 1, n: 2 },
      { id: 2, n: 2 },
    ]);
  });

  it('answers 409 CONCURRENT_UPDATE once the retries run out, having rolled every attempt back', async () => {
    let attempts = 0;
    const error = await inTransaction(
      ds,
      async (m) => {
        attempts++;
        await m.query(`UPDATE counters SET n = n + 1 WHERE id = 1`);
        throw Object.assign(new Error('could not serialize access'), { code: '40001' });
      },
      { retries: 2, backoffMs: 1 },
    ).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(DomainError);
    expect(error).toMatchObject({ code: 'CONCURRENT_UPDATE', status: 409 });
    expect(attempts).toBe(3);
    expect(await ds.query(`SELECT n FROM counters WHERE id = 1`)).toEqual([{ n: 0 }]);
  });

  it('answers 503 DATABASE_BUSY when a lock cannot be had in time, and leaves other errors alone', async () => {
    const holder = ds.createQueryRunner();
    await holder.connect();
    await holder.startTransaction();
    await holder.query(`SELECT * FROM counters WHERE id = 1 FOR UPDATE`);
    try {
      const error = await inTransaction(ds, async (m) => {
        await m.query(`SET LOCAL lock_timeout = '50ms'`);
        await m.query(`UPDATE counters SET n = 1 WHERE id = 1`);
      }).catch((e: unknown) => e);
      expect(error).toMatchObject({ code: 'DATABASE_BUSY', status: 503 });
    } finally {
      await holder.rollbackTransaction();
      await holder.release();
    }
    await expect(inTransaction(ds, (m) => m.query(`SELECT * FROM nowhere`))).rejects.toThrow(/nowhere/);
  });
});
