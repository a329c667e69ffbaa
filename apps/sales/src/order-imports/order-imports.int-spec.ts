import { SALES_ORDERS_EVENTS } from '@crm/contracts';
import { waitFor } from '@crm/messaging';
import { uuidv7 } from '@crm/persistence';
import { startSalesApp, type SalesTestApp } from '../testing/sales-test-app';
import { seedCatalogue, type Catalogue } from '../orders/sales-orders-fixtures';

jest.setTimeout(120_000);

interface Status {
  id: string;
  status: string;
  dryRun: boolean;
  rowsTotal: number;
  rowsRead: number;
  valid: number;
  written: number;
  skipped: number;
  failed: number;
}

interface OrderView {
  id: string;
  number: string;
  status: string;
  channel: string;
  externalOrderId: string;
  contactId: string | null;
  accountId: string | null;
  currency: string;
  totalMinor: number;
  placedAt: string;
  paidAt: string | null;
  lines: {
    lineNo: number;
    productId: string | null;
    sku: string | null;
    name: string;
    quantity: number;
    unitPriceMinor: number;
    totalMinor: number;
  }[];
}

const HEADER = 'Order;Channel;Placed;Status;Customer;Customer no;Currency;SKU;Product;Qty;Price;Price minor;Tax %\r\n';

describe('importing historical orders from CSV (real Postgres and NATS, durable job)', () => {
  let t: SalesTestApp;
  let c: Catalogue;
  let mappingId: string;
  const ada = uuidv7();
  const adaAccount = uuidv7();
  const grace = uuidv7();
  const mergedAway = uuidv7();

  beforeAll(async () => {
    t = await startSalesApp('order_imports');
    c = await seedCatalogue(t);
    // What sales knows of contacts, as their events left it: Ada with her shop customer number, a contact merged into Grace.
    await t.db.query(
      `INSERT INTO contact_mirror (contact_id, version, display_name, account_id, external_id) VALUES ($1, 1, 'Ada', $2, 'C-100')`,
      [ada, adaAccount],
    );
    await t.db.query(
      `INSERT INTO contact_mirror (contact_id, version, display_name, external_id) VALUES ($1, 1, 'Grace', 'C-200')`,
      [grace],
    );
    await t.db.query(
      `INSERT INTO contact_mirror (contact_id, version, status, display_name, merged_into) VALUES ($1, 2, 'merged', 'Old', $2)`,
      [mergedAway, grace],
    );
    const m = await t.call<{ id: string }>('POST', '/orders/import-mappings', {
      body: {
        name: 'shop history',
        columns: {
          Order: 'externalOrderId',
          Channel: 'channel',
          Placed: 'placedAt',
          Status: 'status',
          Customer: 'contactId',
          'Customer no': 'contactExternalId',
          Currency: 'currency',
          SKU: 'sku',
          Product: 'productName',
          Qty: 'quantity',
          Price: 'unitPrice',
          'Price minor': 'unitPriceMinor',
          'Tax %': 'taxRatePercent',
        },
      },
    });
    expect(m.status).toBe(201);
    mappingId = m.body.id;
  });
  afterAll(() => t.close());

  async function upload(csv: string, query = ''): Promise<Status> {
    const res = await fetch(`${t.base}/orders/imports?mappingId=${mappingId}${query}`, {
      method: 'POST',
      headers: { authorization: `Bearer ${await t.token()}`, 'content-type': 'text/csv' },
      body: csv,
    });
    expect(res.status).toBe(202);
    return (await res.json()) as Status;
  }

  async function finished(id: string): Promise<Status> {
    for (let i = 0; i < 400; i++) {
      const s = (await t.call<Status>('GET', `/orders/imports/${id}`)).body;
      if (['completed', 'cancelled', 'failed'].includes(s.status)) return s;
      await new Promise((r) => setTimeout(r, 250));
    }
    throw new Error('import did not finish');
  }

  async function report(id: string): Promise<string[]> {
    const res = await fetch(`${t.base}/orders/imports/${id}/errors`, {
      headers: { authorization: `Bearer ${await t.token()}` },
    });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^text\/csv/);
    return (await res.text()).trim().split('\r\n');
  }

  const orderByExternalId = async (channel: string, externalOrderId: string) =>
    (await t.call<{ items: OrderView[] }>('GET', `/orders?channel=${channel}&limit=200`)).body.items.find(
      (o) => o.externalOrderId === externalOrderId,
    );

  // Ada's two orders come in the file newest first; Grace's via the contact merged into her.
  const good =
    HEADER +
    `W-2;web;2025-06-01T10:00:00Z;fulfilled;;C-100;EUR;TV-55;;1;1199.00;;20\r\n` +
    `W-2;web;2025-06-01T10:00:00Z;fulfilled;;C-100;EUR;HDMI-2M;;2;;1999;20\r\n` +
    `W-1;web;2024-01-15T09:30:00Z;paid;;C-100;EUR;;Gift wrapping;1;2.50;;\r\n` +
    `S-9;store;2023-11-30T17:00:00Z;;${mergedAway};;EUR;TV-55;;1;1299;;\r\n`;

  it('imports orders with their lines, prices in decimals or minor units, contacts by id or external id', async () => {
    const s = await finished((await upload(good)).id);
    expect(s).toMatchObject({ status: 'completed', rowsTotal: 4, rowsRead: 4, valid: 4, written: 4, failed: 0 });

    const w2 = await orderByExternalId('web', 'W-2');
    expect(w2).toMatchObject({
      status: 'fulfilled',
      contactId: ada,
      accountId: adaAccount,
      currency: 'EUR',
      placedAt: '2025-06-01T10:00:00.000Z',
      // 1199.00 + 20 % = 1438.80; 2 x 19.99 + 20 % = 47.976 -> 47.98 (half up, per line)
      totalMinor: 143_880 + 4_798,
    });
    expect(w2!.lines.map((l) => [l.lineNo, l.productId, l.sku, l.quantity, l.unitPriceMinor, l.totalMinor])).toEqual([
      [1, c.tv, 'TV-55', 1, 119_900, 143_880],
      [2, c.cable, 'HDMI-2M', 2, 1_999, 4_798],
    ]);
    const w1 = await orderByExternalId('web', 'W-1');
    expect(w1).toMatchObject({ status: 'paid', paidAt: '2024-01-15T09:30:00.000Z', totalMinor: 250 });
    expect(w1!.lines[0]).toMatchObject({ productId: null, sku: null, name: 'Gift wrapping' });
    expect(await orderByExternalId('store', 'S-9')).toMatchObject({ contactId: grace, totalMinor: 129_900 });
  });

  it('publishes order.placed through the outbox, each customer’s orders in the order they were placed', async () => {
    const events = await waitFor(
      () => t.published(SALES_ORDERS_EVENTS.orderPlaced),
      (e) => e.length >= 3,
    );
    expect(events).toHaveLength(3);
    const adas = events.filter((e) => e.data['contactId'] === ada).map((e) => e.data['externalOrderId']);
    expect(adas).toEqual(['W-1', 'W-2']);
    const w2 = events.find((e) => e.data['externalOrderId'] === 'W-2')!;
    expect(w2).toMatchObject({ source: 'crm/sales', version: 1, subject: w2.data['id'] });
    // The payload POST /orders would publish for the same order.
    const view = (await t.call<Record<string, unknown>>('GET', `/orders/${w2.data['id']}`)).body;
    const { billing: _billing, ...payload } = view;
    expect(w2.data).toEqual(payload);
  });

  it('re-importing the same file applies nothing twice', async () => {
    const orders = await t.count('orders');
    const outbox = (await t.outbox({ type: SALES_ORDERS_EVENTS.orderPlaced })).length;
    const s = await finished((await upload(good)).id);
    expect(s).toMatchObject({ status: 'completed', rowsRead: 4, written: 0, skipped: 4, failed: 0 });
    expect(await t.count('orders')).toBe(orders);
    expect(await t.count('order_lines')).toBe(4);
    expect((await t.outbox({ type: SALES_ORDERS_EVENTS.orderPlaced })).length).toBe(outbox);
  });

  it('refuses every kind of bad row with its row number, column and the API’s message; one bad row never stops the file', async () => {
    const before = await t.count('orders');
    const csv =
      HEADER +
      /* 1 */ `B-1;fax;2025-01-01T00:00:00Z;;;;EUR;TV-55;;1;10;;\r\n` +
      /* 2 */ `B-2;web;2025-01-01T00:00:00Z;;;;EUR;TV-55;;0;10;;\r\n` +
      /* 3 */ `B-3;web;2999-01-01T00:00:00Z;;;;EUR;TV-55;;1;10;;\r\n` +
      /* 4 */ `B-4;web;2025-01-01T00:00:00Z;;;;eur;TV-55;;1;10;;\r\n` +
      /* 5 */ `B-5;web;2025-01-01T00:00:00Z;;;;EUR;TV-55;;1;10.999;;\r\n` +
      /* 6 */ `B-6;web;2025-01-01T00:00:00Z;;;;EUR;NOPE-1;;1;10;;\r\n` +
      /* 7 */ `B-7;web;2025-01-01T00:00:00Z;;;C-999;EUR;TV-55;;1;10;;\r\n` +
      /* 8 */ `B-8;web;2025-01-01T00:00:00Z;;;;EUR;TV-55;;1;10;;\r\n` +
      /* 9 */ `B-8;web;2025-01-01T00:00:00Z;;;;USD;TV-55;;1;10;;\r\n` +
      /* 10 */ `B-9;web;2025-01-01T00:00:00Z;;;;EUR;TV-55;;1;10;;\r\n` +
      /* 11 */ `B-9;web;2025-01-01T00:00:00Z;;;;EUR;TV-55;;1;-3;;\r\n` +
      /* 12 */ `B-10;web;yesterday;;;;EUR;TV-55;;1;10;;\r\n` +
      /* 13 */ `B-11;web;2025-01-01T00:00:00Z;;not-a-uuid;;EUR;TV-55;;1;10;;\r\n` +
      /* 14 */ `B-12;web;2025-01-01T00:00:00Z;;;;EUR;TV-55;;1;10;;150\r\n` +
      /* 15 */ `B-13;web;2025-01-01T00:00:00Z;refunded;;;EUR;TV-55;;1;10;;\r\n` +
      /* 16 */ `;web;2025-01-01T00:00:00Z;;;;EUR;TV-55;;1;10;;\r\n` +
      /* 17 */ `OK-1;phone;2025-02-02T12:00:00Z;;;;EUR;TV-55;;1;10;;\r\n`;
    const s = await finished((await upload(csv)).id);
    expect(s).toMatchObject({ status: 'completed', rowsTotal: 17, rowsRead: 17, valid: 1, written: 1, failed: 16 });
    const lines = await report(s.id);
    expect(lines[0]).toBe('row,column,value,message');
    const byRow = new Map(lines.slice(1).map((l) => [Number(l.split(',')[0]), l]));
    expect(byRow.get(1)).toBe(
      '1,Channel,fax,"channel must be one of the following values: store, web, phone, partner"',
    );
    expect(byRow.get(2)).toBe('2,Qty,0,must be at least 1');
    expect(byRow.get(3)).toBe('3,Placed,2999-01-01T00:00:00Z,cannot be in the future');
    expect(byRow.get(4)).toBe('4,Currency,eur,"must be an ISO 4217 currency code in upper case, such as EUR"');
    expect(byRow.get(5)).toBe('5,Price,10.999,must have at most 2 decimals');
    expect(byRow.get(6)).toBe('6,Product,,is needed for an SKU the catalogue does not know');
    expect(byRow.get(7)).toBe('7,Customer no,C-999,is not a contact sales knows (no contact has this external id)');
    expect(byRow.get(8)).toBe('8,Currency,,differs between the lines of order B-8');
    expect(byRow.get(9)).toBe('9,Currency,,differs between the lines of order B-8');
    expect(byRow.get(10)).toBe('10,Order,B-9,is refused with its order: its line on row 11 is refused');
    expect(byRow.get(11)).toBe('11,Price,-3,"must be an amount such as 12.99 (no sign, no currency symbol)"');
    expect(byRow.get(12)).toBe('12,Placed,yesterday,"must be a date-time, e.g. 2026-03-01T10:00:00Z"');
    expect(byRow.get(13)).toBe('13,Customer,not-a-uuid,must be a UUID');
    expect(byRow.get(14)).toBe('14,Tax %,150,must be a percentage from 0 to 100 with at most 3 decimals');
    expect(byRow.get(15)).toBe(
      '15,Status,refunded,"status must be one of the following values: placed, paid, fulfilled"',
    );
    expect(byRow.get(16)).toBe('16,Order,,is needed');
    expect(byRow.has(17)).toBe(false);
    expect(await t.count('orders')).toBe(before + 1);
    expect(await orderByExternalId('phone', 'OK-1')).toMatchObject({ totalMinor: 1000 });
  });

  it('refuses an order imported before with different contents, as POST /orders does', async () => {
    const w1 = (await orderByExternalId('web', 'W-1'))!;
    const s = await finished(
      (await upload(HEADER + `W-1;web;2024-01-15T09:30:00Z;paid;;C-100;EUR;;Gift wrapping;1;3.50;;\r\n`)).id,
    );
    expect(s).toMatchObject({ written: 0, skipped: 0, failed: 1 });
    expect((await report(s.id))[1]).toBe(`1,Order,W-1,"is the web order ${w1.number}, placed before"`);
  });

  it('a dry run validates and counts everything and writes nothing', async () => {
    const before = { orders: await t.count('orders'), outbox: await t.count('outbox') };
    const s = await finished(
      (
        await upload(
          HEADER +
            `D-1;web;2025-03-01T00:00:00Z;;;;EUR;TV-55;;1;10;;\r\nD-2;web;2025-03-01T00:00:00Z;;;;EUR;TV-55;;0;10;;\r\n`,
          '&dryRun=true',
        )
      ).id,
    );
    expect(s).toMatchObject({ status: 'completed', dryRun: true, rowsRead: 2, valid: 1, written: 1, failed: 1 });
    expect(await t.count('orders')).toBe(before.orders);
    expect(await t.count('outbox')).toBe(before.outbox);
    expect(await t.count('order_import_staged')).toBe(0);
    expect(await t.count('order_import_orders')).toBe(0);
  });

  it('answers bad uploads and unknown imports with problem+json naming the field', async () => {
    const token = await t.token();
    const post = (query: string, type: string, body: string) =>
      fetch(`${t.base}/orders/imports${query}`, {
        method: 'POST',
        headers: { authorization: `Bearer ${token}`, 'content-type': type },
        body,
      });
    const cases: [Response, number, string][] = [
      [await post(`?mappingId=${mappingId}`, 'application/json', '{}'), 400, 'content-type'],
      [await post(`?mappingId=nope`, 'text/csv', HEADER), 400, 'mappingId'],
      [await post(`?mappingId=${uuidv7()}`, 'text/csv', HEADER), 400, 'mappingId'],
      [await post(`?mappingId=${mappingId}`, 'text/csv', HEADER), 400, 'file'],
      [await post(`?mappingId=${mappingId}&dryRun=maybe`, 'text/csv', HEADER), 400, 'dryRun'],
      [await post(`?mappingId=${mappingId}&delimiter=x`, 'text/csv', HEADER), 400, 'delimiter'],
    ];
    for (const [res, status, field] of cases) {
      expect(res.status).toBe(status);
      expect(res.headers.get('content-type')).toMatch(/^application\/problem\+json/);
      const body = (await res.json()) as { errors: { field: string }[] };
      expect(body.errors.map((e) => e.field)).toContain(field);
    }
    const mapping = await t.call<{ errors: { field: string }[] }>('POST', '/orders/import-mappings', {
      body: { name: 'bad', columns: { A: 'colour', Qty: 'quantity' } },
    });
    expect(mapping.status).toBe(400);
    expect(mapping.body.errors.map((e) => e.field)).toEqual(
      expect.arrayContaining(['columns.A', 'columns', 'channel', 'currency']),
    );
    const missing = await t.call('GET', `/orders/imports/${uuidv7()}`);
    expect(missing.status).toBe(404);
    expect(missing.body).toMatchObject({ code: 'IMPORT_NOT_FOUND' });
    expect((await t.call('GET', '/orders/imports/not-a-uuid')).status).toBe(400);
  });

  it('needs sales:write to upload and sales:read to follow an import', async () => {
    const readOnly = await t.token(['read-only']);
    const res = await fetch(`${t.base}/orders/imports?mappingId=${mappingId}`, {
      method: 'POST',
      headers: { authorization: `Bearer ${readOnly}`, 'content-type': 'text/csv' },
      body: good,
    });
    expect(res.status).toBe(403);
    const s = await finished((await upload(good)).id);
    expect((await t.call('GET', `/orders/imports/${s.id}`, { token: readOnly })).status).toBe(200);
    expect((await t.call('GET', `/orders/imports/${s.id}`, { token: await t.token(['support']) })).status).toBe(403);
    expect((await t.call('GET', `/orders/imports/${s.id}`, { token: null })).status).toBe(401);
  });

  it('streams the progress as server-sent events until the import ends', async () => {
    const s = await upload(good);
    const res = await fetch(`${t.base}/orders/imports/${s.id}/events`, {
      headers: { authorization: `Bearer ${await t.token()}` },
    });
    expect(res.headers.get('content-type')).toMatch(/^text\/event-stream/);
    const text = await res.text();
    const last = text.trim().split('\n\n').pop()!;
    expect(last).toMatch(/^event: progress\ndata: /);
    expect(JSON.parse(last.split('data: ')[1])).toMatchObject({ id: s.id, status: 'completed', skipped: 4 });
  });
});
