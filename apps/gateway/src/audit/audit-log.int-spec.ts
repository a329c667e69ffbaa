import { DataSource } from 'typeorm';
import { createTestDatabase, postgresOptions, runMigrations, uuidv7, type TestDatabase } from '@crm/persistence';
import { entities, migrations } from '../app.module';
import { AuditLogService } from './audit-log.service';

describe('AuditLogService on Postgres', () => {
  let db: TestDatabase;
  let dataSource: DataSource;
  let audit: AuditLogService;

  beforeAll(async () => {
    db = await createTestDatabase('gw_audit');
    const options = postgresOptions({ url: db.url, entities, migrations });
    await runMigrations(options);
    dataSource = await new DataSource(options).initialize();
    audit = new AuditLogService(dataSource);
  });

  afterAll(async () => {
    await dataSource?.destroy();
    await db?.drop();
  });

  const write = (subject: string, at: Date, status = 201) =>
    audit.record({
      id: uuidv7(),
      at,
      requestId: `r-${Math.random()}`,
      subject,
      subjectName: null,
      kind: 'user',
      method: 'POST',
      path: '/api/v1/contacts',
      service: 'contacts',
      status,
      durationMs: 3,
      clientIp: '127.0.0.1',
      outcome: 'completed',
    });

  it('writes queued records without being asked, shortly after', async () => {
    write('soon', new Date());
    const deadline = Date.now() + 3000;
    let rows: unknown[] = [];
    while (rows.length === 0 && Date.now() < deadline) {
      rows = await dataSource.query(`SELECT * FROM audit_log WHERE subject = 'soon'`);
      await new Promise((r) => setTimeout(r, 25));
    }
    expect(rows).toHaveLength(1);
  });

  it('writes a burst in batches and pages through it newest first, by subject and time', async () => {
    const old = new Date(Date.now() - 3_600_000);
    for (let i = 0; i < 450; i++) write(i % 3 === 0 ? 'bob' : 'eve', i < 30 ? old : new Date());
    await audit.flush();

    const bob: string[] = [];
    let cursor: string | undefined;
    for (;;) {
      const page = await audit.list({ subject: 'bob', limit: 40, cursor });
      expect(page.items.every((i) => i.subject === 'bob')).toBe(true);
      bob.push(...page.items.map((i) => i.id));
      if (!page.nextCursor) break;
      cursor = page.nextCursor;
    }
    expect(bob).toHaveLength(150);
    expect([...bob].sort().reverse()).toEqual(bob);

    const recent = await audit.list({ since: new Date(Date.now() - 60_000), limit: 200 });
    expect(recent.items.every((i) => new Date(i.at).getTime() >= Date.now() - 60_000)).toBe(true);
    const recentBob = await audit.list({ subject: 'bob', since: new Date(Date.now() - 60_000), limit: 200 });
    expect(recentBob.items).toHaveLength(140);
  });

  const rowOf = async (id: string) =>
    (
      (await dataSource.query('SELECT status, duration_ms, outcome FROM audit_log WHERE id = $1', [id])) as Record<
        string,
        unknown
      >[]
    )[0];

  const started = (id: string) => ({
    id,
    at: new Date(),
    requestId: `r-${id}`,
    subject: 'ada',
    subjectName: null,
    kind: 'user',
    method: 'DELETE',
    path: '/api/v1/contacts/1',
    service: 'contacts',
    status: null,
    durationMs: null,
    clientIp: '127.0.0.1',
    outcome: 'pending' as const,
  });

  it('has a write on record before it is handled, and completes the entry once it is answered', async () => {
    const id = uuidv7();
    await audit.begin(started(id));
    // Stored when begin resolves: nothing is forwarded before that.
    expect(await rowOf(id)).toEqual({ status: null, duration_ms: null, outcome: 'pending' });
    audit.complete({ id, status: 204, durationMs: 12, outcome: 'completed' });
    await audit.flush();
    expect(await rowOf(id)).toEqual({ status: 204, duration_ms: 12, outcome: 'completed' });
  });

  it('keeps a write whose client hung up before the answer, marked aborted', async () => {
    const id = uuidv7();
    await audit.begin(started(id));
    audit.complete({ id, status: null, durationMs: 40, outcome: 'aborted' });
    await audit.flush();
    expect(await rowOf(id)).toEqual({ status: null, duration_ms: 40, outcome: 'aborted' });
  });

  it('stores many concurrent begins, each resolved once its row is there', async () => {
    const ids = Array.from({ length: 300 }, () => uuidv7());
    await Promise.all(ids.map((id) => audit.begin(started(id))));
    const [{ n }] = (await dataSource.query('SELECT count(*)::int AS n FROM audit_log WHERE id = ANY($1)', [ids])) as {
      n: number;
    }[];
    expect(n).toBe(300);
  });

  it('refuses to begin when the entry cannot be stored', async () => {
    await expect(audit.begin({ ...started('not-a-uuid') })).rejects.toThrow();
  });
});
