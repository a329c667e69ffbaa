import { SALES_ORDERS_EVENTS } from '@crm/contracts';
import { waitFor } from '@crm/messaging';
import { startSalesApp, type SalesTestApp } from '../testing/sales-test-app';
import { seedCatalogue, type Catalogue } from './sales-orders-fixtures';

jest.setTimeout(60_000);

interface Line {
  id: string;
  lineNo: number;
  productId: string | null;
  sku: string | null;
  name: string;
  quantity: number;
  unitPriceMinor: number;
  totalMinor: number;
  refundedQuantity: number;
  refundedMinor: number;
  serialNumbers: string[];
}
interface Order {
  id: string;
  number: string;
  version: number;
  status: string;
  channel: string;
  location: string | null;
  externalOrderId: string | null;
  contactId: string | null;
  accountId: string | null;
  currency: string;
  currencyDigits: number;
  grossMinor: number;
  discountMinor: number;
  netMinor: number;
  taxMinor: number;
  totalMinor: number;
  refundedMinor: number;
  placedAt: string;
  paidAt: string | null;
  lines: Line[];
  billing: { name: string | null; email: string | null };
}
interface Page<T> {
  items: T[];
  nextCursor: string | null;
}

describe('orders from every channel (real Postgres and NATS)', () => {
  let t: SalesTestApp;
  let c: Catalogue;

  beforeAll(async () => {
    t = await startSalesApp('orders');
    c = await seedCatalogue(t);
  });
  afterAll(() => t.close());

  const webOrder = (externalOrderId: string, extra: Record<string, unknown> = {}) => ({
    channel: 'web',
    externalOrderId,
    currency: 'EUR',
    contactId: '0190f0f0-0000-7000-8000-00000000c001',
    lines: [
      { sku: 'TV-55', quantity: 1, serialNumbers: ['SN-1'], taxRatePercent: 20 },
      { productId: c.cable, quantity: 3, unitPriceMinor: 1_500, discountPercent: 10, taxRatePercent: 20 },
    ],
    billing: { name: 'Ada Lovelace', email: 'ada@example.com', address: { city: 'London', country: 'GB' } },
    ...extra,
  });

  it('places a web order: prices from the default book unless given, totals to the cent, order.placed in the outbox', async () => {
    const res = await t.call<Order>('POST', '/orders', { body: webOrder('W-1') });
    expect(res.status).toBe(201);
    expect(res.headers.get('location')).toBe(`/orders/${res.body.id}`);
    const o = res.body;
    expect(o).toMatchObject({
      status: 'placed',
      channel: 'web',
      externalOrderId: 'W-1',
      currency: 'EUR',
      currencyDigits: 2,
    });
    expect(o.number).toMatch(/^SO-\d{6}$/);
    // TV: 129900, tax 25980 -> 155880. Cables: 4500 - 450 = 4050, tax 810 -> 4860.
    expect(o.lines.map((l) => [l.sku, l.name, l.unitPriceMinor, l.totalMinor, l.serialNumbers])).toEqual([
      ['TV-55', 'OLED TV 55"', 129_900, 155_880, ['SN-1']],
      ['HDMI-2M', 'HDMI cable 2 m', 1_500, 4_860, []],
    ]);
    expect([o.grossMinor, o.discountMinor, o.netMinor, o.taxMinor, o.totalMinor]).toEqual([
      134_400, 450, 133_950, 26_790, 160_740,
    ]);
    expect(o.billing).toMatchObject({ name: 'Ada Lovelace', email: 'ada@example.com' });
    const events = await t.outbox({ type: SALES_ORDERS_EVENTS.orderPlaced, subject: o.id });
    expect(events).toHaveLength(1);
    expect(events[0].payload.data).toMatchObject({
      id: o.id,
      totalMinor: 160_740,
      channel: 'web',
      externalOrderId: 'W-1',
    });
    // The billing snapshot is personal data: it stays in sales.
    expect(events[0].payload.data).not.toHaveProperty('billing');
  });

  it('answers a re-sent order (same channel and external id) with the first one: one order, one event on the stream', async () => {
    const first = await t.call<Order>('POST', '/orders', { body: webOrder('W-2') });
    const again = await t.call<Order>('POST', '/orders', { body: webOrder('W-2') });
    expect([first.status, again.status]).toEqual([201, 200]);
    expect(again.body.id).toBe(first.body.id);
    expect((await t.db.query(`SELECT count(*)::int AS n FROM orders WHERE external_order_id = 'W-2'`)).rows[0].n).toBe(
      1,
    );
    const published = await waitFor(
      async () => (await t.published(SALES_ORDERS_EVENTS.orderPlaced)).filter((e) => e.subject === first.body.id),
      (e) => e.length >= 1,
    );
    await new Promise((r) => setTimeout(r, 300));
    expect(
      (await t.published(SALES_ORDERS_EVENTS.orderPlaced)).filter((e) => e.subject === first.body.id),
    ).toHaveLength(published.length);
    expect(published).toHaveLength(1);
  });

  it('answers a re-sent order with the first one even after its price left the price book', async () => {
    const first = await t.call<Order>('POST', '/orders', { body: webOrder('W-REPRICED') });
    expect(first.status).toBe(201);
    const removed = await t.db.query(
      `DELETE FROM price_book_prices WHERE product_id = (SELECT id FROM products WHERE sku = 'TV-55') RETURNING *`,
    );
    try {
      const again = await t.call<Order>('POST', '/orders', { body: webOrder('W-REPRICED') });
      expect(again.status).toBe(200);
      expect(again.body.id).toBe(first.body.id);
      const fresh = await t.call<{ code: string }>('POST', '/orders', { body: webOrder('W-UNPRICED') });
      expect(fresh.status).toBe(422);
      expect(fresh.body.code).toBe('PRICE_NOT_FOUND');
    } finally {
      for (const p of removed.rows)
        await t.db.query(
          `INSERT INTO price_book_prices (price_book_id, product_id, unit_price_minor, updated_at) VALUES ($1, $2, $3, $4)`,
          [p.price_book_id, p.product_id, p.unit_price_minor, p.updated_at],
        );
    }
  });

  it('takes the same external id on another channel as another order, and refuses it with different contents', async () => {
    const phone = await t.call<Order>('POST', '/orders', { body: { ...webOrder('W-2'), channel: 'phone' } });
    expect(phone.status).toBe(201);
    const changed = await t.call<{ code: string; errors: { field: string }[] }>('POST', '/orders', {
      body: webOrder('W-2', { currency: 'EUR', lines: [{ sku: 'TV-55', quantity: 2 }] }),
    });
    expect(changed.status).toBe(409);
    expect(changed.body.code).toBe('ORDER_EXTERNAL_ID_CONFLICT');
    expect(changed.body.errors[0].field).toBe('externalOrderId');
  });

  it('places one order for concurrent re-sends of the same external id', async () => {
    const results = await Promise.all(
      Array.from({ length: 6 }, () => t.call<Order>('POST', '/orders', { body: webOrder('W-RACE') })),
    );
    expect(new Set(results.map((r) => r.body.id)).size).toBe(1);
    expect(results.map((r) => r.status).sort()).toEqual([200, 200, 200, 200, 200, 201]);
    const id = results[0].body.id;
    expect(await t.outbox({ type: SALES_ORDERS_EVENTS.orderPlaced, subject: id })).toHaveLength(1);
  });

  it('answers a retried create with the same Idempotency-Key once, and refuses the key for another order', async () => {
    const body = { channel: 'store', location: 'PARIS-01', currency: 'EUR', lines: [{ sku: 'HDMI-2M', quantity: 1 }] };
    const headers = { 'idempotency-key': 'till-7-receipt-1001' };
    const first = await t.call<Order>('POST', '/orders', { body, headers });
    const again = await t.call<Order>('POST', '/orders', { body, headers });
    expect([first.status, again.status]).toEqual([201, 200]);
    expect(again.body.id).toBe(first.body.id);
    expect(first.body.location).toBe('PARIS-01');
    expect(await t.outbox({ subject: first.body.id })).toHaveLength(1);
    const other = await t.call<{ code: string }>('POST', '/orders', {
      body: { ...body, lines: [{ sku: 'HDMI-2M', quantity: 2 }] },
      headers,
    });
    expect(other.status).toBe(422);
    expect(other.body.code).toBe('IDEMPOTENCY_KEY_REUSED');
    // Another caller's key is its own.
    const seller = await t.token(['sales']);
    const theirs = await t.call<Order>('POST', '/orders', { body, headers, token: seller });
    expect(theirs.status).toBe(201);
    expect(theirs.body.id).not.toBe(first.body.id);
  });

  it('imports a past till sale as paid, with free-text lines the catalogue does not know', async () => {
    const res = await t.call<Order>('POST', '/orders', {
      body: {
        channel: 'store',
        location: 'LYON-02',
        externalOrderId: 'POS-2019-0001',
        currency: 'JPY',
        placedAt: '2019-11-29T10:15:00Z',
        status: 'paid',
        lines: [{ sku: 'GIFTWRAP', name: 'Gift wrapping', quantity: 2, unitPriceMinor: 350, taxRatePercent: 10 }],
      },
    });
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({
      status: 'paid',
      placedAt: '2019-11-29T10:15:00.000Z',
      paidAt: '2019-11-29T10:15:00.000Z',
      currencyDigits: 0,
      totalMinor: 770,
    });
    expect(res.body.lines[0]).toMatchObject({ productId: null, sku: 'GIFTWRAP', name: 'Gift wrapping' });
  });

  it('refuses a line without a price when the default book has none, naming the line', async () => {
    const before = await t.count('orders');
    const res = await t.call<{ code: string; errors: { field: string }[] }>('POST', '/orders', {
      body: { channel: 'web', currency: 'USD', lines: [{ sku: 'TV-55', quantity: 1 }] },
    });
    expect(res.status).toBe(422);
    expect(res.body.code).toBe('PRICE_NOT_FOUND');
    expect(res.body.errors[0].field).toBe('lines.0.unitPriceMinor');
    expect(await t.count('orders')).toBe(before);
  });

  it('moves an order placed -> paid -> fulfilled, refusing what the status machine does not allow', async () => {
    const o = (await t.call<Order>('POST', '/orders', { body: webOrder('W-FLOW') })).body;
    const cancelPaid = async () =>
      t.call<{ code: string; errors: { field: string }[] }>('POST', `/orders/${o.id}/cancel`);
    const fulfilEarly = await t.call<{ code: string }>('POST', `/orders/${o.id}/fulfil`);
    expect([fulfilEarly.status, fulfilEarly.body.code]).toEqual([422, 'ORDER_TRANSITION_INVALID']);
    const paid = await t.call<Order>('POST', `/orders/${o.id}/pay`);
    expect([paid.status, paid.body.status, paid.body.version]).toEqual([200, 'paid', 2]);
    expect(paid.body.paidAt).not.toBeNull();
    const refused = await cancelPaid();
    expect([refused.status, refused.body.code, refused.body.errors[0].field]).toEqual([
      422,
      'ORDER_TRANSITION_INVALID',
      'status',
    ]);
    const fulfilled = await t.call<Order>('POST', `/orders/${o.id}/fulfil`);
    expect(fulfilled.body.status).toBe('fulfilled');
    expect((await t.outbox({ subject: o.id })).map((e) => e.type)).toEqual([
      SALES_ORDERS_EVENTS.orderPlaced,
      SALES_ORDERS_EVENTS.orderPaid,
      SALES_ORDERS_EVENTS.orderFulfilled,
    ]);
    const placed = (await t.call<Order>('POST', '/orders', { body: webOrder('W-CANCEL') })).body;
    const cancelled = await t.call<Order>('POST', `/orders/${placed.id}/cancel`);
    expect(cancelled.body.status).toBe('cancelled');
    const refundCancelled = await t.call<{ code: string }>('POST', `/orders/${placed.id}/refunds`, {
      body: { lines: [{ lineId: placed.lines[0].id, quantity: 1 }] },
    });
    expect([refundCancelled.status, refundCancelled.body.code]).toEqual([422, 'ORDER_TRANSITION_INVALID']);
  });

  it('refunds by line in parts: amounts spread over units add up to the line, the last unit makes it refunded', async () => {
    const o = (
      await t.call<Order>('POST', '/orders', {
        body: {
          channel: 'web',
          currency: 'EUR',
          status: 'paid',
          lines: [
            { sku: 'HDMI-2M', quantity: 3, unitPriceMinor: 333, taxRatePercent: 0.1 }, // 999 + 1 tax = 1000
            { sku: 'TV-55', quantity: 1, serialNumbers: ['SN-9'] },
          ],
        },
      })
    ).body;
    const [cables, tv] = o.lines;
    expect(cables.totalMinor).toBe(1000);
    interface Refunded {
      refund: { amountMinor: number; lines: { amountMinor: number; serialNumbers: string[] }[] };
      order: Order;
    }
    const one = await t.call<Refunded>('POST', `/orders/${o.id}/refunds`, {
      body: { lines: [{ lineId: cables.id, quantity: 1 }], reason: 'damaged' },
    });
    expect(one.status).toBe(201);
    expect(one.body.refund.amountMinor).toBe(333);
    expect(one.body.order).toMatchObject({ status: 'paid', refundedMinor: 333 });
    const tooMany = await t.call<{ code: string; errors: { field: string }[] }>('POST', `/orders/${o.id}/refunds`, {
      body: { lines: [{ lineId: cables.id, quantity: 3 }] },
    });
    expect([tooMany.status, tooMany.body.code, tooMany.body.errors[0].field]).toEqual([
      422,
      'REFUND_EXCEEDS_LINE',
      'lines.0.quantity',
    ]);
    const rest = await t.call<Refunded>('POST', `/orders/${o.id}/refunds`, {
      body: {
        lines: [
          { lineId: cables.id, quantity: 2 },
          { lineId: tv.id, quantity: 1 },
        ],
      },
    });
    expect(rest.body.refund.lines.map((l) => l.amountMinor)).toEqual([667, 129_900]);
    expect(rest.body.refund.lines[1].serialNumbers).toEqual(['SN-9']);
    expect(rest.body.order).toMatchObject({ status: 'refunded', refundedMinor: o.totalMinor });
    expect(rest.body.order.lines.map((l) => [l.refundedQuantity, l.refundedMinor])).toEqual([
      [3, 1000],
      [1, 129_900],
    ]);
    const events = await t.outbox({ type: SALES_ORDERS_EVENTS.orderRefunded, subject: o.id });
    expect(
      events.map((e) => [
        e.payload.data['fullyRefunded'],
        (e.payload.data['refund'] as { amountMinor: number }).amountMinor,
      ]),
    ).toEqual([
      [false, 333],
      [true, 130_567],
    ]);
    const listed = await t.call<{ amountMinor: number }[]>('GET', `/orders/${o.id}/refunds`);
    expect(listed.body.map((r) => r.amountMinor)).toEqual([333, 130_567]);
    const after = await t.call<{ code: string }>('POST', `/orders/${o.id}/refunds`, {
      body: { lines: [{ lineId: tv.id, quantity: 1 }] },
    });
    expect([after.status, after.body.code]).toEqual([422, 'ORDER_TRANSITION_INVALID']);
  });

  it('lists orders latest placed first, keyset paged, with filters', async () => {
    const all: Order[] = [];
    let cursor: string | null = null;
    do {
      const page: { body: Page<Order> } = await t.call<Page<Order>>(
        'GET',
        `/orders?limit=3${cursor ? `&cursor=${cursor}` : ''}`,
      );
      all.push(...page.body.items);
      cursor = page.body.nextCursor;
    } while (cursor);
    expect(all.length).toBe(await t.count('orders'));
    const placed = all.map((o) => o.placedAt);
    expect([...placed].sort().reverse()).toEqual(placed);
    const store = await t.call<Page<Order>>('GET', '/orders?channel=store&location=LYON-02');
    expect(store.body.items.map((o) => o.externalOrderId)).toEqual(['POS-2019-0001']);
    const old = await t.call<Page<Order>>('GET', '/orders?placedTo=2020-01-01');
    expect(old.body.items.map((o) => o.externalOrderId)).toEqual(['POS-2019-0001']);
    const big = await t.call<Page<Order>>('GET', '/orders?minTotalMinor=160000&maxTotalMinor=160740&status=placed');
    expect(big.body.items.length).toBeGreaterThan(0);
    expect(
      big.body.items.every((o) => o.totalMinor >= 160_000 && o.totalMinor <= 160_740 && o.status === 'placed'),
    ).toBe(true);
    const contact = await t.call<Page<Order>>(
      'GET',
      '/orders?contactId=0190f0f0-0000-7000-8000-00000000c001&limit=200',
    );
    expect(contact.body.items.every((o) => o.contactId === '0190f0f0-0000-7000-8000-00000000c001')).toBe(true);
    expect(contact.body.items.length).toBeGreaterThan(3);
  });
});
