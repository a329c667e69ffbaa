import { Client } from 'pg';
import { DataSource } from 'typeorm';
import { createTestDatabase, type TestDatabase } from '@crm/persistence';
import { installJobSchema, JobRunner } from './job-runner';

async function until(check: () => boolean | Promise<boolean>, timeoutMs = 15_000): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > end) throw new Error('timed out');
    await new Promise((r) => setTimeout(r, 100));
  }
}

describe('JobRunner (pg-boss on the real Postgres)', () => {
  let db: TestDatabase;
  const runners: JobRunner[] = [];
  const runner = () => {
    const r = new JobRunner({ databaseUrl: db.url, applicationName: 'jobs-spec', stopTimeoutSeconds: 2 });
    runners.push(r);
    return r;
  };

  beforeAll(async () => {
    db = await createTestDatabase('jobs');
    await installJobSchema(db.url);
    await installJobSchema(db.url); // a second migrate changes nothing
  });

  afterEach(async () => {
    await Promise.all(runners.splice(0).map((r) => r.stop()));
  });

  afterAll(async () => {
    await db.drop();
  });

  it('refuses to start on a database whose job schema was not installed', async () => {
    const bare = await createTestDatabase('jobs_bare');
    try {
      const r = new JobRunner({ databaseUrl: bare.url, applicationName: 'jobs-spec' });
      await expect(r.start()).rejects.toThrow(/main.js migrate/);
      await r.stop();
    } finally {
      await bare.drop();
    }
  });

  it('runs each job once even with two runners (replicas) on one database', async () => {
    const seen: number[] = [];
    for (const r of [runner(), runner()]) {
      r.register<{ n: number }>({
        name: 'spec-once',
        pollingIntervalSeconds: 0.5,
        batchSize: 2,
        handler: async ({ n }) => {
          seen.push(n);
        },
      });
      await r.start();
    }
    for (let n = 0; n < 20; n++) await runners[0].send('spec-once', { n });
    await until(() => seen.length >= 20);
    await new Promise((r) => setTimeout(r, 1200));
    expect([...seen].sort((a, b) => a - b)).toEqual([...Array(20).keys()]);
  });

  it('queues a job in the caller’s transaction: a rollback leaves no job, a commit runs it', async () => {
    const ds = new DataSource({ type: 'postgres', url: db.url });
    await ds.initialize();
    try {
      const seen: string[] = [];
      const r = runner();
      r.register<{ tag: string }>({
        name: 'spec-tx',
        pollingIntervalSeconds: 0.5,
        handler: async ({ tag }) => {
          seen.push(tag);
        },
      });
      await r.start();
      await ds
        .transaction(async (m) => {
          await r.send('spec-tx', { tag: 'rolled-back' }, {}, m);
          throw new Error('rollback');
        })
        .catch(() => undefined);
      await ds.transaction((m) => r.send('spec-tx', { tag: 'committed' }, {}, m));
      await until(() => seen.length >= 1);
      await new Promise((res) => setTimeout(res, 1200));
      expect(seen).toEqual(['committed']);
    } finally {
      await ds.destroy();
    }
  });

  it('retries a failing job and completes it', async () => {
    let calls = 0;
    const r = runner();
    r.register({
      name: 'spec-retry',
      pollingIntervalSeconds: 0.5,
      retryDelaySeconds: 1,
      retryBackoff: false,
      handler: async () => {
        calls += 1;
        if (calls === 1) throw new Error('first try fails');
      },
    });
    await r.start();
    const id = (await r.send('spec-retry', {}))!;
    await until(async () => (await r.jobState('spec-retry', id)) === 'completed');
    expect(calls).toBe(2);
  });

  it('keeps a job that was due while no runner ran, and runs it after a restart', async () => {
    const seen: string[] = [];
    const define = (r: JobRunner) =>
      r.register<{ tag: string }>({
        name: 'spec-restart',
        pollingIntervalSeconds: 0.5,
        handler: async ({ tag }) => {
          seen.push(tag);
        },
      });
    const first = runner();
    define(first);
    await first.start();
    await first.send('spec-restart', { tag: 'later' }, { startAfter: new Date(Date.now() + 1500) });
    await first.stop();
    await new Promise((res) => setTimeout(res, 2000));
    expect(seen).toEqual([]);
    const second = runner();
    define(second);
    await second.start();
    await until(() => seen.length >= 1);
    expect(seen).toEqual(['later']);
  });

  it('keeps cron schedules in Postgres and removes a schedule the code no longer has', async () => {
    const read = async () => {
      const c = new Client({ connectionString: db.url });
      await c.connect();
      try {
        const { rows } = await c.query(`SELECT name, cron, timezone FROM pgboss.schedule WHERE name = 'spec-cron'`);
        return rows;
      } finally {
        await c.end();
      }
    };
    const a = runner();
    a.register({ name: 'spec-cron', cron: '*/5 * * * *', timezone: 'Europe/Paris', handler: async () => undefined });
    await a.start();
    expect(await read()).toEqual([{ name: 'spec-cron', cron: '*/5 * * * *', timezone: 'Europe/Paris' }]);
    await a.stop();
    const b = runner();
    b.register({ name: 'spec-cron', handler: async () => undefined });
    await b.start();
    expect(await read()).toEqual([]);
  });

  it('refuses a bad job name and a registration after start', async () => {
    const r = runner();
    expect(() => r.register({ name: 'bad name!', handler: async () => undefined })).toThrow(/job name/);
    await r.start();
    expect(() => r.register({ name: 'late', handler: async () => undefined })).toThrow(/after the job runner started/);
  });
});
