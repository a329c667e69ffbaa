import type { ChildProcess } from 'node:child_process';
import { connect } from 'nats';
import { Client } from 'pg';
import { installJobSchema } from '@crm/jobs';
import { deleteNamespaceStreams, randomNamespace } from '@crm/messaging';
import { createTestDatabase, postgresOptions, runMigrations, type TestDatabase } from '@crm/persistence';
import { signDevToken } from '@crm/platform';
import { entities, migrations } from '../app.module';
import { spawnContacts, type ContactsProcess } from './testing/spawn-contacts';

jest.setTimeout(600_000);

const SECRET = 'contacts-crash-spec-secret-0123456789abcdef';
const NATS_URL = process.env['NATS_URL'] ?? 'nats://127.0.0.1:4222';
const ROWS = 4000;

/**
 * The worker writing the import is a real process, killed with SIGKILL in the middle of the file:
 * no shutdown hook runs, its transaction in flight is lost with its connection. Another process
 * takes the import up (its advisory lock is free) and the result has every row exactly once.
 */
describe('an import whose worker is killed mid-file (separate processes, real Postgres)', () => {
  let db: TestDatabase;
  let sql: Client;
  const namespace = randomNamespace();
  const children: ChildProcess[] = [];

  beforeAll(async () => {
    db = await createTestDatabase('contacts_import_crash');
    await runMigrations(postgresOptions({ url: db.url, entities, migrations }));
    await installJobSchema(db.url);
    sql = new Client({ connectionString: db.url });
    await sql.connect();
  });

  afterAll(async () => {
    for (const c of children) if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL');
    await sql.end();
    await db.drop();
    const nc = await connect({ servers: NATS_URL });
    await deleteNamespaceStreams(await nc.jetstreamManager(), namespace);
    await nc.close();
  });

  async function startService(): Promise<ContactsProcess> {
    const service = await spawnContacts({
      DATABASE_URL: db.url,
      AUTH_JWT_SECRET: SECRET,
      NATS_URL,
      CRM_EVENT_NAMESPACE: namespace,
      IMPORT_BATCH_ROWS: '200',
      IMPORT_RESUME_MS: '300',
      LOG_LEVEL: 'warn',
    });
    children.push(service.child);
    return service;
  }

  async function importRow(id: string) {
    const { rows } = await sql.query(`SELECT status, rows_read, written, failed, next_row FROM imports WHERE id = $1`, [
      id,
    ]);
    return rows[0] as { status: string; rows_read: number; written: number; failed: number; next_row: number };
  }

  it('resumes after SIGKILL with every row written once: no duplicates, no gaps, one event per contact', async () => {
    const first = await startService();
    const token = await signDevToken({ secret: SECRET, subject: 'crash-spec', roles: ['admin'] });
    const auth = { authorization: `Bearer ${token}` };
    const mapping = (await (
      await fetch(`${first.url}/import-mappings`, {
        method: 'POST',
        headers: { ...auth, 'content-type': 'application/json' },
        body: JSON.stringify({
          name: 'crash',
          externalSource: 'legacy',
          columns: { first: 'firstName', last: 'lastName', email: 'email', no: 'externalId' },
        }),
      })
    ).json()) as { id: string };
    let csv = 'first,last,email,no\n';
    for (let i = 1; i <= ROWS; i++) csv += `Crash,Person ${i},crash.${i}@import.example,C${i}\n`;
    const res = await fetch(`${first.url}/imports?mappingId=${mapping.id}`, {
      method: 'POST',
      headers: { ...auth, 'content-type': 'text/csv' },
      body: csv,
    });
    expect(res.status).toBe(202);
    const { id } = (await res.json()) as { id: string };

    // Kill the worker once some batches are committed and before the last one is.
    let atKill = await importRow(id);
    for (let i = 0; i < 6000 && atKill.written < 600; i++) {
      await new Promise((r) => setTimeout(r, 20));
      atKill = await importRow(id);
    }
    first.child.kill('SIGKILL');
    await new Promise((r) => first.child.once('exit', r));
    atKill = await importRow(id);
    expect(atKill.status).toBe('running');
    expect(atKill.written).toBeGreaterThan(0);
    expect(atKill.written).toBeLessThan(ROWS);
    // What was committed is whole batches: the people written so far are the checkpoint's rows.
    expect(Number((await sql.query(`SELECT count(*) FROM people`)).rows[0].count)).toBe(atKill.written);

    const second = await startService();
    let done = await importRow(id);
    for (let i = 0; i < 3000 && done.status === 'running'; i++) {
      await new Promise((r) => setTimeout(r, 100));
      done = await importRow(id);
    }
    expect(done).toMatchObject({ status: 'completed', rows_read: ROWS, written: ROWS, failed: 0 });

    const counts = (
      await sql.query(`SELECT
         (SELECT count(*) FROM people)::int AS people,
         (SELECT count(*) FROM person_emails)::int AS emails,
         (SELECT count(DISTINCT address) FROM person_emails)::int AS distinct_emails,
         (SELECT count(*) FROM person_external_ids)::int AS ids,
         (SELECT count(*) FROM generate_series(1, ${ROWS}) g
           WHERE NOT EXISTS (SELECT 1 FROM person_external_ids x WHERE x.source = 'legacy' AND x.external_id = 'C' || g))::int AS missing,
         (SELECT count(*) FROM outbox WHERE type = 'crm.contacts.contact.created')::int AS events,
         (SELECT count(DISTINCT subject) FROM outbox WHERE type = 'crm.contacts.contact.created')::int AS subjects,
         (SELECT count(*) FROM import_staged)::int AS staged`)
    ).rows[0];
    expect(counts).toEqual({
      people: ROWS,
      emails: ROWS,
      distinct_emails: ROWS,
      ids: ROWS,
      missing: 0,
      events: ROWS,
      subjects: ROWS,
      staged: 0,
    });
    // The progress the API shows agrees.
    const status = (await (await fetch(`${second.url}/imports/${id}`, { headers: auth })).json()) as {
      rowsRead: number;
      written: number;
    };
    expect(status).toMatchObject({ rowsRead: ROWS, written: ROWS });
    await second.kill();
  });
});
