import { uuidv7 } from '@crm/persistence';
import { startSalesApp, type SalesTestApp } from '../testing/sales-test-app';
import { seedCatalogue, seedDeal } from '../orders/sales-orders-fixtures';
import { spawnSales, type SalesProcess } from './testing/spawn-sales';

jest.setTimeout(600_000);

const ROWS = 100_000;

describe('streaming exports of deals and orders (real Postgres)', () => {
  let t: SalesTestApp;
  let service: SalesProcess | undefined;
  const contactId = uuidv7();

  beforeAll(async () => {
    t = await startSalesApp('exports');
    await seedCatalogue(t);
    // 100,000 orders of 2 lines each, straight in the tables (as tools/bench/sales/seed.mjs).
    await t.db.query(
      `INSERT INTO orders (id, number, status, channel, external_order_id, contact_id, currency, currency_digits,
              gross_minor, discount_minor, net_minor, tax_minor, total_minor, placed_at, billing_name, request_hash, created_by)
       SELECT ('00000000-0000-7000-9000-' || lpad(to_hex(o), 12, '0'))::uuid, 'SO-X' || lpad(o::text, 7, '0'),
              (ARRAY['placed', 'paid', 'fulfilled'])[1 + o % 3], (ARRAY['store', 'web'])[1 + o % 2], 'EXT-' || o,
              CASE WHEN o % 10 = 0 THEN $2::uuid END, 'EUR', 2, 3000, 0, 3000, 600, 3600,
              now() - make_interval(mins => o), 'Buyer ' || o, 'seed', 'seed'
         FROM generate_series(1, $1) o`,
      [ROWS, contactId],
    );
    await t.db.query(
      `INSERT INTO order_lines (id, order_id, line_no, sku, name, quantity, unit_price_minor, discount_thousandths,
              tax_thousandths, gross_minor, discount_minor, net_minor, tax_minor, total_minor)
       SELECT ('00000000-0000-7000-b00' || k || '-' || lpad(to_hex(o), 12, '0'))::uuid,
              ('00000000-0000-7000-9000-' || lpad(to_hex(o), 12, '0'))::uuid, k, 'SKU-' || k, 'Item ' || k, 1,
              1000 * k, 0, 20000, 1000 * k, 0, 1000 * k, 200 * k, 1200 * k
         FROM generate_series(1, $1) o, generate_series(1, 2) k`,
      [ROWS],
    );
    await seedDeal(t, { contactId });
    await seedDeal(t, { contactId: uuidv7(), currency: 'USD' });
  });

  afterAll(async () => {
    await service?.kill();
    await t.close();
  });

  it('streams 100,000 orders as CSV with their lines, the memory the service holds flat while it does', async () => {
    // Same database and token secret as the in-process app (startSalesApp put them in the environment).
    service = await spawnSales({ LOG_LEVEL: 'warn' });
    const res = await fetch(`${service.url}/orders/export?columns=number,status,channel,totalMinor,lineCount,lines`, {
      headers: { authorization: `Bearer ${await t.token()}` },
    });
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
    expect(first).toBe('number,status,channel,totalMinor,lineCount,lines');
    expect(lines).toBe(ROWS + 1);
    expect(sample).toMatch(
      /^SO-X\d{7},(placed|paid|fulfilled),(store|web),3600,2,"\{""sku"":""SKU-1"",.*\}\|\{.*""lineNo"":2.*\}"$/,
    );
    // What the service holds (its heap after a full collection) settles within the first pages and does not
    // grow with what it has sent: holding the rows or their text would add well over 25 MB here. The RSS
    // also counts garbage V8 has not collected yet, which grows with the machine's load (22 MB in a CI run
    // with nothing held), so it is bounded only against a runaway.
    const heldGrowth = Math.max(...heap.slice(2)) - heap[2];
    const rssGrowth = Math.max(...rss.slice(2)) - rss[2];
    const mb = (xs: number[]) => xs.map((x) => (x / 1e6).toFixed(0)).join(' ');
    process.stdout.write(
      `orders export of ${ROWS} rows, ${(bytes / 1e6).toFixed(1)} MB, every 10,000 rows: service RSS (MB) ${mb(rss)}; heap held (MB) ${mb(heap)}\n`,
    );
    expect(bytes).toBeGreaterThan(15_000_000);
    expect(heldGrowth).toBeLessThan(8_000_000);
    expect(rssGrowth).toBeLessThan(60_000_000);
    const audit = await t.db.query(
      `SELECT kind, requested_by, format, rows, outcome FROM sales_exports WHERE id = $1`,
      [exportId],
    );
    expect(audit.rows[0]).toEqual({
      kind: 'orders',
      requested_by: 'spec-admin',
      format: 'csv',
      rows: ROWS,
      outcome: 'completed',
    });
  });

  it('filters orders like the list and writes JSON lines with the columns chosen', async () => {
    const res = await fetch(
      `${t.base}/orders/export?format=jsonl&contactId=${contactId}&status=paid&columns=externalOrderId,contactId,billingName`,
      { headers: { authorization: `Bearer ${await t.token()}` } },
    );
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^application\/x-ndjson/);
    const rows = (await res.text())
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as Record<string, unknown>);
    // Orders o with o % 10 = 0 have the contact; paid is o % 3 = 1: o = 10, 40, 70, ... (every 30th)
    expect(rows).toHaveLength(Math.floor((ROWS - 10) / 30) + 1);
    expect(Object.keys(rows[0])).toEqual(['externalOrderId', 'contactId', 'billingName']);
    expect(rows.every((r) => r['contactId'] === contactId)).toBe(true);
    const { rows: audit } = await t.db.query(`SELECT filters FROM sales_exports WHERE id = $1`, [
      res.headers.get('x-export-id'),
    ]);
    expect(audit[0].filters).toEqual({ contactId, status: 'paid' });
  });

  it('exports deals filtered like the deal list', async () => {
    const res = await fetch(`${t.base}/deals/export?currency=USD&columns=name,currency,amountMinor,stageName`, {
      headers: { authorization: `Bearer ${await t.token()}` },
    });
    expect(res.status).toBe(200);
    expect((await res.text()).trim().split('\r\n')).toEqual([
      'name,currency,amountMinor,stageName',
      'Big TV deal,USD,100000,Proposal',
    ]);
    const all = await fetch(`${t.base}/deals/export?format=jsonl`, {
      headers: { authorization: `Bearer ${await t.token()}` },
    });
    const deals = (await all.text())
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(deals).toHaveLength(2);
    expect(Object.keys(deals[0])).toEqual([
      'id',
      'name',
      'stageName',
      'status',
      'contactId',
      'amountMinor',
      'currency',
    ]);
  });

  it('refuses unknown columns and bad filters naming the field; needs sales:read', async () => {
    const cases: [string, string][] = [
      ['/orders/export?columns=number,secret', 'columns'],
      ['/orders/export?columns=number,number', 'columns'],
      ['/orders/export?format=xml', 'format'],
      ['/orders/export?contactId=x', 'contactId'],
      ['/orders/export?minTotalMinor=5&maxTotalMinor=1', 'maxTotalMinor'],
      ['/deals/export?columns=a;b', 'columns'],
      ['/deals/export?amountMin=x', 'amountMin'],
      ['/deals/export?limit=5', 'limit'],
    ];
    for (const [path, field] of cases) {
      const r = await t.call<{ errors: { field: string }[] }>('GET', path);
      expect([path, r.status]).toEqual([path, 400]);
      expect(r.headers.get('content-type')).toMatch(/^application\/problem\+json/);
      expect(r.body.errors.map((e) => e.field)).toContain(field);
    }
    expect((await t.call('GET', '/orders/export', { token: null })).status).toBe(401);
    expect((await t.call('GET', '/deals/export', { token: await t.token(['support']) })).status).toBe(403);
    const reader = await fetch(`${t.base}/deals/export?columns=id`, {
      headers: { authorization: `Bearer ${await t.token(['read-only'])}` },
    });
    expect(reader.status).toBe(200);
    await reader.text();
  });
});
