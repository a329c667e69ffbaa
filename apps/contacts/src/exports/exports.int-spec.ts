import { spawnContacts, type ContactsProcess } from '../imports/testing/spawn-contacts';
import { startContactsApp, type ContactsTestApp } from '../testing/contacts-test-app';

jest.setTimeout(600_000);

const ROWS = 100_000;

describe('exporting contacts (real Postgres, streamed)', () => {
  let t: ContactsTestApp;
  /** The service the 100,000-row export is measured on: a process of its own, so only its memory counts. */
  let service: ContactsProcess;

  beforeAll(async () => {
    t = await startContactsApp('exports');
    await t.call('POST', '/custom-fields', {
      body: { key: 'tier', label: 'Tier', type: 'enum', options: ['gold', 'silver'] },
    });
    // 100,000 people straight into the tables (the import is specced elsewhere): every tenth a customer in FR.
    await t.db.query(`SET jit = off`);
    await t.db.query(
      `INSERT INTO people (id, first_name, last_name, display_name, lifecycle_stage, country, tags, custom_fields, search_text, created_at, updated_at)
       SELECT import_uuidv7(), 'Export', 'Person ' || g, 'Export Person ' || g,
              CASE WHEN g % 10 = 0 THEN 'customer' ELSE 'lead' END, CASE WHEN g % 10 = 0 THEN 'FR' ELSE 'DE' END,
              ARRAY['t' || (g % 3)], jsonb_build_object('tier', CASE WHEN g % 2 = 0 THEN 'gold' ELSE 'silver' END),
              'export person ' || g, now(), now()
         FROM generate_series(1, ${ROWS}) g`,
    );
    await t.db.query(
      `INSERT INTO person_emails (id, person_id, address, is_primary)
       SELECT import_uuidv7(), id, lower(replace(display_name, ' ', '.')) || '@export.example', true FROM people`,
    );
  });
  afterAll(async () => {
    await service?.kill();
    await t.close();
  });

  async function get(path: string, token?: string) {
    return fetch(`${t.base}${path}`, { headers: { authorization: `Bearer ${token ?? (await t.token())}` } });
  }

  it('streams 100,000 rows as CSV with the columns chosen, the memory it holds flat while it does', async () => {
    // Same database and token secret as the in-process app (startContactsApp put them in the environment).
    service = await spawnContacts({ LOG_LEVEL: 'warn' });
    const res = await fetch(
      `${service.url}/contacts/export?columns=id,firstName,lastName,email,lifecycleStage,country,tags,cf.tier`,
      { headers: { authorization: `Bearer ${await t.token()}` } },
    );
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^text\/csv/);
    const exportId = res.headers.get('x-export-id');
    const reader = res.body!.getReader();
    const decoder = new TextDecoder();
    let lines = 0;
    let bytes = 0;
    let rest = '';
    let first = '';
    let sample = '';
    const rss: number[] = [];
    const heap: number[] = [];
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      bytes += value.length;
      const text = rest + decoder.decode(value, { stream: true });
      const parts = text.split('\r\n');
      rest = parts.pop() ?? '';
      for (const line of parts) {
        if (lines === 0) first = line;
        if (lines === 50_001) sample = line;
        lines += 1;
        if (lines % 10_000 === 0) {
          rss.push(service.rss());
          heap.push(await service.liveHeap());
        }
      }
    }
    expect(first).toBe('id,firstName,lastName,email,lifecycleStage,country,tags,cf.tier');
    expect(lines).toBe(ROWS + 1);
    expect(sample).toMatch(
      /^[0-9a-f-]{36},Export,Person \d+,export\.person\.\d+@export\.example,(lead|customer),(DE|FR),t\d,(gold|silver)$/,
    );
    // What the service holds (its heap after a full collection) settles within the first pages and does not
    // grow with what it has sent: holding the rows or their text would add well over 25 MB here. The RSS
    // also counts garbage V8 has not collected yet, which grows with the machine's load (22 MB in a CI run
    // with nothing held), so it is bounded only against a runaway.
    const heldGrowth = Math.max(...heap.slice(2)) - heap[2];
    const rssGrowth = Math.max(...rss.slice(2)) - rss[2];
    const mb = (xs: number[]) => xs.map((x) => (x / 1e6).toFixed(0)).join(' ');
    process.stdout.write(
      `export of ${ROWS} rows, ${(bytes / 1e6).toFixed(1)} MB, every 10,000 rows: service RSS (MB) ${mb(rss)}; heap held (MB) ${mb(heap)}\n`,
    );
    expect(bytes).toBeGreaterThan(9_000_000);
    expect(heldGrowth).toBeLessThan(8_000_000);
    expect(rssGrowth).toBeLessThan(60_000_000);
    const audit = await t.db.query(
      `SELECT requested_by, format, columns, rows, outcome FROM contact_exports WHERE id = $1`,
      [exportId],
    );
    expect(audit.rows[0]).toMatchObject({
      requested_by: 'spec-admin',
      format: 'csv',
      rows: ROWS,
      outcome: 'completed',
    });
    expect(audit.rows[0].columns).toEqual([
      'id',
      'firstName',
      'lastName',
      'email',
      'lifecycleStage',
      'country',
      'tags',
      'cf.tier',
    ]);
  });

  it('filters (stage, country, custom field) and writes JSON lines', async () => {
    const res = await get(
      '/contacts/export?format=jsonl&stage=customer&country=FR&cf.tier=gold&columns=lastName,tags,cf.tier',
    );
    expect(res.status).toBe(200);
    const lines = (await res.text()).trim().split('\n');
    expect(lines).toHaveLength(ROWS / 10); // every customer in FR is an even row, so gold
    const row = JSON.parse(lines[0]) as Record<string, unknown>;
    expect(Object.keys(row)).toEqual(['lastName', 'tags', 'cf.tier']);
    expect(row['cf.tier']).toBe('gold');
    expect(Array.isArray(row['tags'])).toBe(true);
  });

  it('refuses unknown columns and bad filters naming the field; needs a signed-in reader', async () => {
    const bad = await get('/contacts/export?columns=id,password');
    expect(bad.status).toBe(400);
    expect(((await bad.json()) as { errors: { field: string }[] }).errors[0].field).toBe('columns');
    const badStage = await get('/contacts/export?stage=royalty');
    expect(badStage.status).toBe(400);
    expect(((await badStage.json()) as { errors: { field: string }[] }).errors[0].field).toBe('stage');
    const anonymous = await fetch(`${t.base}/contacts/export`);
    expect(anonymous.status).toBe(401);
  });

  it('records an export cut short by the client as aborted', async () => {
    const controller = new AbortController();
    const res = await fetch(`${t.base}/contacts/export?columns=id,email`, {
      headers: { authorization: `Bearer ${await t.token()}` },
      signal: controller.signal,
    });
    const id = res.headers.get('x-export-id');
    const reader = res.body!.getReader();
    await reader.read();
    controller.abort();
    let outcome = 'streaming';
    for (let i = 0; i < 100 && outcome === 'streaming'; i++) {
      await new Promise((r) => setTimeout(r, 100));
      outcome = (await t.db.query(`SELECT outcome FROM contact_exports WHERE id = $1`, [id])).rows[0].outcome as string;
    }
    expect(outcome).toBe('aborted');
  });
});
