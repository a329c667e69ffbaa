import { startSalesApp, type CallOptions, type SalesTestApp } from '../testing/sales-test-app';
import { seedCatalogue, seedDeal, type Catalogue } from './sales-orders-fixtures';

jest.setTimeout(120_000);

const someId = '0190f0f0-0000-7000-8000-000000000001';
const cursorOf = (values: unknown[]) => Buffer.from(JSON.stringify(values)).toString('base64url');
const inDays = (n: number) => new Date(Date.now() + n * 86_400_000).toISOString().slice(0, 10);

/** [what, method, path, request, status, a string the problem body must contain] */
type Case = [string, string, string, CallOptions, number, string];

describe('malformed requests to products, price books, quotes and orders get a 4xx problem naming the field and write nothing (real Postgres)', () => {
  let t: SalesTestApp;
  let c: Catalogue = { tv: someId, cable: someId, retired: someId, bookId: someId };
  let dealId = someId;
  let orderId = someId;
  let lineId = someId;
  let quoteId = someId;

  beforeAll(async () => {
    t = await startSalesApp('orders_malformed');
    c = await seedCatalogue(t);
    dealId = (await seedDeal(t)).dealId;
    const order = await t.call<{ id: string; lines: { id: string }[] }>('POST', '/orders', {
      body: { channel: 'web', currency: 'EUR', status: 'paid', lines: [{ productId: c.tv, quantity: 2 }] },
    });
    orderId = order.body.id;
    lineId = order.body.lines[0].id;
    quoteId = (
      await t.call<{ id: string }>('POST', '/quotes', { body: { dealId, lines: [{ productId: c.tv, quantity: 1 }] } })
    ).body.id;
  });
  afterAll(() => t.close());

  const order = (extra: Record<string, unknown> = {}, line: Record<string, unknown> = {}) => ({
    body: { channel: 'web', currency: 'EUR', lines: [{ productId: c.cable, quantity: 1, ...line }], ...extra },
  });
  const quote = (extra: Record<string, unknown> = {}, line: Record<string, unknown> = {}) => ({
    body: { dealId, lines: [{ productId: c.cable, quantity: 1, ...line }], ...extra },
  });

  const cases = (): Case[] => [
    ['product without a SKU', 'POST', '/products', { body: { name: 'X' } }, 400, 'sku'],
    ['SKU with spaces', 'POST', '/products', { body: { sku: 'A B', name: 'X' } }, 400, 'sku'],
    ['SKU of 65 characters', 'POST', '/products', { body: { sku: 'A'.repeat(65), name: 'X' } }, 400, 'sku'],
    ['blank product name', 'POST', '/products', { body: { sku: 'OK-1', name: '   ' } }, 400, 'name'],
    ['active as a string', 'POST', '/products', { body: { sku: 'OK-1', name: 'X', active: 'yes' } }, 400, 'active'],
    ['unknown product field', 'POST', '/products', { body: { sku: 'OK-1', name: 'X', colour: 'red' } }, 400, 'colour'],
    ['NUL byte in a product name', 'POST', '/products', { body: { sku: 'OK-1', name: 'TV\u0000' } }, 400, 'name'],
    ['SKU cleared with null', 'PATCH', `/products/${c.tv}`, { body: { sku: null } }, 400, 'sku'],
    ['product id not a UUID', 'GET', '/products/tv-55', {}, 400, 'id'],
    ['active filter not a boolean', 'GET', '/products?active=maybe', {}, 400, 'active'],
    ['garbage product cursor', 'GET', '/products?cursor=@@@', {}, 400, 'cursor'],
    [
      'product cursor with a forged id',
      'GET',
      `/products?cursor=${cursorOf(["1'; DROP TABLE products; --"])}`,
      {},
      400,
      'cursor',
    ],
    ['currency in lower case', 'POST', '/price-books', { body: { name: 'B', currency: 'eur' } }, 400, 'currency'],
    ['currency XXX (no currency)', 'POST', '/price-books', { body: { name: 'B', currency: 'XXX' } }, 400, 'currency'],
    ['withdrawn currency DEM', 'POST', '/price-books', { body: { name: 'B', currency: 'DEM' } }, 400, 'currency'],
    [
      'impossible validFrom',
      'POST',
      '/price-books',
      { body: { name: 'B', currency: 'EUR', validFrom: '2026-02-30' } },
      400,
      'validFrom',
    ],
    [
      'validTo before validFrom',
      'POST',
      '/price-books',
      { body: { name: 'B', currency: 'EUR', validFrom: '2026-05-01', validTo: '2026-04-30' } },
      400,
      'validTo',
    ],
    [
      'negative price',
      'PUT',
      `/price-books/${c.bookId}/prices/${c.tv}`,
      { body: { unitPriceMinor: -1 } },
      400,
      'unitPriceMinor',
    ],
    [
      'fractional price',
      'PUT',
      `/price-books/${c.bookId}/prices/${c.tv}`,
      { body: { unitPriceMinor: 1.5 } },
      400,
      'unitPriceMinor',
    ],
    [
      'price of a product id not a UUID',
      'PUT',
      `/price-books/${c.bookId}/prices/tv`,
      { body: { unitPriceMinor: 1 } },
      400,
      'productId',
    ],
    ['price book filter of a bad currency', 'GET', '/price-books?currency=EURO', {}, 400, 'currency'],
    ['quote deal not a UUID', 'POST', '/quotes', quote({ dealId: 'big-deal' }), 400, 'dealId'],
    ['quote without lines', 'POST', '/quotes', quote({ lines: [] }), 400, 'lines'],
    [
      'quote of 201 lines',
      'POST',
      '/quotes',
      quote({ lines: Array.from({ length: 201 }, () => ({ productId: c.tv, quantity: 1 })) }),
      400,
      'lines',
    ],
    ['quote quantity zero', 'POST', '/quotes', quote({}, { quantity: 0 }), 400, 'lines.0.quantity'],
    ['quote negative quantity', 'POST', '/quotes', quote({}, { quantity: -2 }), 400, 'lines.0.quantity'],
    [
      'quote discount over 100%',
      'POST',
      '/quotes',
      quote({}, { discountPercent: 100.5 }),
      400,
      'lines.0.discountPercent',
    ],
    [
      'quote discount with 4 decimals',
      'POST',
      '/quotes',
      quote({}, { discountPercent: 12.3456 }),
      400,
      'lines.0.discountPercent',
    ],
    ['quote negative tax rate', 'POST', '/quotes', quote({}, { taxRatePercent: -1 }), 400, 'lines.0.taxRatePercent'],
    [
      'quote tax rate as a string',
      'POST',
      '/quotes',
      quote({}, { taxRatePercent: '20' }),
      400,
      'lines.0.taxRatePercent',
    ],
    ['quote currency not ISO 4217', 'POST', '/quotes', quote({ currency: 'ABC' }), 400, 'currency'],
    ['quote valid until yesterday', 'POST', '/quotes', quote({ validUntil: inDays(-1) }), 400, 'validUntil'],
    [
      'quote line of an inactive product',
      'POST',
      '/quotes',
      quote({}, { productId: c.retired }),
      422,
      'lines.0.productId',
    ],
    ['quote line of no product', 'POST', '/quotes', quote({}, { productId: someId }), 400, 'lines.0.productId'],
    [
      'quote line too large to carry',
      'POST',
      '/quotes',
      quote({}, { quantity: 1_000_000, unitPriceMinor: 1e12 }),
      400,
      'lines.0.quantity',
    ],
    ['quote accepted from draft', 'POST', `/quotes/${quoteId}/accept`, {}, 422, 'status'],
    ['accept on an unknown channel', 'POST', `/quotes/${quoteId}/accept`, { body: { channel: 'fax' } }, 400, 'channel'],
    [
      'reject reason too long',
      'POST',
      `/quotes/${quoteId}/reject`,
      { body: { reason: 'x'.repeat(501) } },
      400,
      'reason',
    ],
    ['quote status filter unknown', 'GET', '/quotes?status=lost', {}, 400, 'status'],
    [
      'quote PATCH with a bad If-Match',
      'PATCH',
      `/quotes/${quoteId}`,
      { body: {}, headers: { 'if-match': 'soon' } },
      400,
      'If-Match',
    ],
    [
      'order without a channel',
      'POST',
      '/orders',
      { body: { currency: 'EUR', lines: [{ productId: c.tv, quantity: 1 }] } },
      400,
      'channel',
    ],
    ['order on an unknown channel', 'POST', '/orders', order({ channel: 'fax' }), 400, 'channel'],
    ['order without a currency', 'POST', '/orders', order({ currency: undefined }), 400, 'currency'],
    ['order currency not ISO 4217', 'POST', '/orders', order({ currency: 'EURO' }), 400, 'currency'],
    ['order negative quantity', 'POST', '/orders', order({}, { quantity: -1 }), 400, 'lines.0.quantity'],
    ['order fractional quantity', 'POST', '/orders', order({}, { quantity: 1.5 }), 400, 'lines.0.quantity'],
    ['order negative unit price', 'POST', '/orders', order({}, { unitPriceMinor: -5 }), 400, 'lines.0.unitPriceMinor'],
    [
      'order discount over 100%',
      'POST',
      '/orders',
      order({}, { discountPercent: 101 }),
      400,
      'lines.0.discountPercent',
    ],
    [
      'more serial numbers than units',
      'POST',
      '/orders',
      order({}, { serialNumbers: ['A', 'B'] }),
      400,
      'lines.0.serialNumbers',
    ],
    [
      'repeated serial numbers',
      'POST',
      '/orders',
      order({}, { quantity: 2, serialNumbers: ['A', 'A'] }),
      400,
      'lines.0.serialNumbers',
    ],
    ['order placed in the future', 'POST', '/orders', order({ placedAt: '2999-01-01T00:00:00Z' }), 400, 'placedAt'],
    ['order placedAt not a date', 'POST', '/orders', order({ placedAt: 'last tuesday' }), 400, 'placedAt'],
    ['order created refunded', 'POST', '/orders', order({ status: 'refunded' }), 400, 'status'],
    ['billing email not an email', 'POST', '/orders', order({ billing: { email: 'nope' } }), 400, 'billing.email'],
    [
      'billing country not ISO 3166',
      'POST',
      '/orders',
      order({ billing: { address: { country: 'ZZ' } } }),
      400,
      'billing.address.country',
    ],
    ['unknown billing field', 'POST', '/orders', order({ billing: { vat: 'FR1' } }), 400, 'billing.vat'],
    ['order line of no product', 'POST', '/orders', order({}, { productId: someId }), 400, 'lines.0.productId'],
    [
      'order line naming nothing',
      'POST',
      '/orders',
      order({ lines: [{ quantity: 1, unitPriceMinor: 100 }] }),
      400,
      'lines.0.productId',
    ],
    [
      'unknown SKU without a name',
      'POST',
      '/orders',
      order({ lines: [{ sku: 'NOPE', quantity: 1, unitPriceMinor: 100 }] }),
      400,
      'lines.0.name',
    ],
    [
      'Idempotency-Key with spaces',
      'POST',
      '/orders',
      { ...order(), headers: { 'idempotency-key': 'a b' } },
      400,
      'Idempotency-Key',
    ],
    [
      'Idempotency-Key of 201 characters',
      'POST',
      '/orders',
      { ...order(), headers: { 'idempotency-key': 'k'.repeat(201) } },
      400,
      'Idempotency-Key',
    ],
    [
      'lone surrogate in an external order id',
      'POST',
      '/orders',
      {
        raw: `{"channel":"web","currency":"EUR","externalOrderId":"W-\\ud800","lines":[{"productId":"${c.cable}","quantity":1}]}`,
      },
      400,
      'externalOrderId',
    ],
    [
      'lines nested 100,000 deep',
      'POST',
      '/orders',
      { raw: `{"channel":"web","currency":"EUR","lines":${'['.repeat(100_000)}${']'.repeat(100_000)}}` },
      400,
      'lines',
    ],
    ['broken JSON', 'POST', '/orders', { raw: '{"channel": "web",' }, 400, 'MALFORMED_JSON'],
    ['a JSON array body', 'POST', '/orders', { raw: '[1,2]' }, 400, 'body'],
    [
      'an XML body',
      'POST',
      '/orders',
      { raw: '<order/>', headers: { 'content-type': 'application/xml' } },
      415,
      'UNSUPPORTED_MEDIA_TYPE',
    ],
    [
      'a body over the limit',
      'POST',
      '/orders',
      { raw: JSON.stringify({ ...order().body, pad: 'x'.repeat(2_000_000) }) },
      413,
      'status',
    ],
    ['order id not a UUID', 'GET', '/orders/SO-000001', {}, 400, 'id'],
    ['unknown order action', 'POST', `/orders/${orderId}/ship`, {}, 400, 'action'],
    ['paid order paid again', 'POST', `/orders/${orderId}/pay`, {}, 422, 'status'],
    ['negative minimum total', 'GET', '/orders?minTotalMinor=-1', {}, 400, 'minTotalMinor'],
    ['maximum below minimum', 'GET', '/orders?minTotalMinor=100&maxTotalMinor=99', {}, 400, 'maxTotalMinor'],
    ['placedFrom not a date', 'GET', '/orders?placedFrom=yesterday', {}, 400, 'placedFrom'],
    ['status filter given twice', 'GET', '/orders?status=paid&status=placed', {}, 400, 'only once'],
    ['channel filter unknown', 'GET', '/orders?channel=fax', {}, 400, 'channel'],
    ['order cursor of another listing', 'GET', `/orders?cursor=${cursorOf([someId])}`, {}, 400, 'cursor'],
    ['order cursor with a bad time', 'GET', `/orders?cursor=${cursorOf(['soon', someId])}`, {}, 400, 'cursor'],
    ['unknown order query parameter', 'GET', '/orders?colour=red', {}, 400, 'colour'],
    [
      'refund of zero units',
      'POST',
      `/orders/${orderId}/refunds`,
      { body: { lines: [{ lineId, quantity: 0 }] } },
      400,
      'lines.0.quantity',
    ],
    [
      'refund line id not a UUID',
      'POST',
      `/orders/${orderId}/refunds`,
      { body: { lines: [{ lineId: 'one', quantity: 1 }] } },
      400,
      'lines.0.lineId',
    ],
    [
      'refund naming a line twice',
      'POST',
      `/orders/${orderId}/refunds`,
      {
        body: {
          lines: [
            { lineId, quantity: 1 },
            { lineId, quantity: 1 },
          ],
        },
      },
      400,
      'lines.1.lineId',
    ],
    [
      'refund of a line of another order',
      'POST',
      `/orders/${orderId}/refunds`,
      { body: { lines: [{ lineId: someId, quantity: 1 }] } },
      400,
      'lines.0.lineId',
    ],
    [
      'refund of more units than sold',
      'POST',
      `/orders/${orderId}/refunds`,
      { body: { lines: [{ lineId, quantity: 3 }] } },
      422,
      'lines.0.quantity',
    ],
    ['refund without lines', 'POST', `/orders/${orderId}/refunds`, { body: { lines: [] } }, 400, 'lines'],
    ['DELETE on an order', 'DELETE', `/orders/${orderId}`, {}, 405, 'METHOD_NOT_ALLOWED'],
  ];

  it('covers at least 30 kinds of malformed request', () => {
    expect(cases().length).toBeGreaterThanOrEqual(30);
  });

  it.each(cases().map((x, i) => [x[0], i] as const))('%s', async (_label, i) => {
    const [, method, path, opts, status, named] = cases()[i];
    const tables = [
      'products',
      'price_books',
      'price_book_prices',
      'quotes',
      'quote_lines',
      'orders',
      'order_lines',
      'refunds',
      'refund_lines',
      'outbox',
    ];
    const counts = async () => {
      const out: number[] = [];
      for (const table of tables) out.push(await t.count(table));
      return out;
    };
    const before = await counts();
    const res = await t.call<{ status: number; code: string; errors?: { field: string }[] }>(method, path, opts);
    expect(res.status).toBe(status);
    expect(res.headers.get('content-type')).toContain('application/problem+json');
    expect(res.body.status).toBe(status);
    expect(res.body.code).toEqual(expect.any(String));
    expect(JSON.stringify(res.body)).toContain(named);
    expect(await counts()).toEqual(before);
  });
});
