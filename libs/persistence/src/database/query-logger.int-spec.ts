import { Logger } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { JsonLogger } from '@crm/platform';
import { createTestDatabase, type TestDatabase } from '../testing/test-database';
import { postgresOptions } from './postgres-options';

const EMAIL = 'ada.lovelace@engines.example';

describe('logging failed queries (real Postgres)', () => {
  let db: TestDatabase;
  let dataSource: DataSource;
  const lines: string[] = [];
  const printed: string[] = [];

  beforeAll(async () => {
    db = await createTestDatabase('query_logger');
    dataSource = await new DataSource(postgresOptions({ url: db.url, entities: [], migrations: [] })).initialize();
    await dataSource.query(`CREATE TABLE people (name text NOT NULL, email text UNIQUE)`);
    Logger.overrideLogger(new JsonLogger('spec', 'info', (line) => lines.push(line)));
    for (const method of ['log', 'info', 'warn', 'error'] as const) {
      jest
        .spyOn(console, method)
        .mockImplementation((...args: unknown[]) => void printed.push(args.map(String).join(' ')));
    }
  });

  afterAll(async () => {
    jest.restoreAllMocks();
    Logger.overrideLogger(new JsonLogger('spec', 'error', () => undefined));
    await dataSource.destroy();
    await db.drop();
  });

  it('logs a failed query with an email parameter as one JSON line naming the SQL and SQLSTATE, without the email', async () => {
    await expect(
      dataSource.query(`SELECT * FROM people WHERE email = $1 AND $2::uuid IS NOT NULL`, [EMAIL, EMAIL]),
    ).rejects.toThrow();
    const failed = lines
      .map((l) => JSON.parse(l) as { level: string; context: string; msg: string })
      .filter((l) => l.msg.startsWith('query failed'));
    expect(failed).toEqual([
      expect.objectContaining({ level: 'error', context: 'Database', msg: expect.stringContaining('SQLSTATE 22P02') }),
    ]);
    expect(failed[0].msg).toContain('SELECT * FROM people WHERE email = $1');
    expect(failed[0].msg).toContain('2 parameters not logged');
    expect([...lines, ...printed].join('\n')).not.toContain(EMAIL);
  });

  it('logs a unique violation without the duplicated value nor the row', async () => {
    await dataSource.query(`INSERT INTO people (name, email) VALUES ($1, $2)`, ['Ada Lovelace', EMAIL]);
    await expect(
      dataSource.query(`INSERT INTO people (name, email) VALUES ($1, $2)`, ['Augusta King', EMAIL]),
    ).rejects.toThrow();
    const failed = lines.filter((l) => l.includes('SQLSTATE 23505'));
    expect(failed).toHaveLength(1);
    expect(failed[0]).toContain('people_email_key');
    expect([...lines, ...printed].join('\n')).not.toMatch(/lovelace|Augusta|Ada Lovelace/i);
  });
});
