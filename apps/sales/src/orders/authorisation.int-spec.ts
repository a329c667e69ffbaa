import { startSalesApp, type SalesTestApp } from '../testing/sales-test-app';
import { seedCatalogue, seedDeal, type Catalogue } from './sales-orders-fixtures';

jest.setTimeout(90_000);

/** role -> [GET /orders, POST /orders, POST /quotes, GET /products, POST /products (sales:admin), PUT a price (sales:admin)] */
const EXPECTED: Record<string, [number, number, number, number, number, number]> = {
  admin: [200, 201, 201, 200, 201, 200],
  sales: [200, 201, 201, 200, 403, 403],
  'read-only': [200, 403, 403, 200, 403, 403],
  analyst: [200, 403, 403, 200, 403, 403],
  support: [403, 403, 403, 403, 403, 403],
  marketing: [403, 403, 403, 403, 403, 403],
  'no-such-role': [403, 403, 403, 403, 403, 403],
};

describe('authorisation of products, price books, quotes and orders: each role against read, write and admin routes (real Postgres)', () => {
  let t: SalesTestApp;
  let c: Catalogue;
  let dealId: string;
  let orderId: string;
  let quoteId: string;

  beforeAll(async () => {
    t = await startSalesApp('orders_authz');
    c = await seedCatalogue(t);
    dealId = (await seedDeal(t)).dealId;
    orderId = (
      await t.call<{ id: string }>('POST', '/orders', {
        body: { channel: 'web', currency: 'EUR', lines: [{ productId: c.cable, quantity: 1 }] },
      })
    ).body.id;
    quoteId = (
      await t.call<{ id: string }>('POST', '/quotes', { body: { dealId, lines: [{ productId: c.tv, quantity: 1 }] } })
    ).body.id;
  });
  afterAll(() => t.close());

  it.each(Object.entries(EXPECTED))('%s', async (role, expected) => {
    const token = await t.token([role]);
    const counts = async () => [await t.count('orders'), await t.count('quotes'), await t.count('products')];
    const [orders, quotes, products] = await counts();
    const answers = [
      (await t.call('GET', '/orders', { token })).status,
      (
        await t.call('POST', '/orders', {
          token,
          body: { channel: 'phone', currency: 'EUR', lines: [{ productId: c.cable, quantity: 1 }] },
        })
      ).status,
      (await t.call('POST', '/quotes', { token, body: { dealId, lines: [{ productId: c.tv, quantity: 1 }] } })).status,
      (await t.call('GET', '/products', { token })).status,
      (await t.call('POST', '/products', { token, body: { sku: `BY-${role}`, name: `by ${role}` } })).status,
      (await t.call('PUT', `/price-books/${c.bookId}/prices/${c.cable}`, { token, body: { unitPriceMinor: 1999 } }))
        .status,
    ];
    expect(answers).toEqual(expected);
    const ok = (i: number) => (expected[i] === 201 ? 1 : 0);
    expect(await counts()).toEqual([orders + ok(1), quotes + ok(2), products + ok(4)]);
  });

  it('answers 401 problem+json on every route without a token, or with a forged one', async () => {
    const routes: [string, string][] = [
      ['GET', '/products'],
      ['POST', '/products'],
      ['GET', `/products/${c.tv}`],
      ['PATCH', `/products/${c.tv}`],
      ['GET', '/price-books'],
      ['POST', '/price-books'],
      ['GET', `/price-books/${c.bookId}`],
      ['PATCH', `/price-books/${c.bookId}`],
      ['GET', `/price-books/${c.bookId}/prices`],
      ['PUT', `/price-books/${c.bookId}/prices/${c.tv}`],
      ['DELETE', `/price-books/${c.bookId}/prices/${c.tv}`],
      ['GET', '/quotes'],
      ['POST', '/quotes'],
      ['GET', `/quotes/${quoteId}`],
      ['PATCH', `/quotes/${quoteId}`],
      ['POST', `/quotes/${quoteId}/send`],
      ['POST', `/quotes/${quoteId}/accept`],
      ['POST', `/quotes/${quoteId}/reject`],
      ['POST', `/quotes/${quoteId}/revise`],
      ['GET', '/orders'],
      ['POST', '/orders'],
      ['GET', `/orders/${orderId}`],
      ['POST', `/orders/${orderId}/pay`],
      ['POST', `/orders/${orderId}/refunds`],
      ['GET', `/orders/${orderId}/refunds`],
    ];
    const answers: string[] = [];
    for (const [method, path] of routes) {
      const body = method === 'GET' || method === 'DELETE' ? undefined : {};
      const anonymous = await t.call<{ status: number }>(method, path, { token: null, body });
      const forged = await t.call(method, path, { token: 'eyJhbGciOiJIUzI1NiJ9.e30.x', body });
      answers.push(`${method} ${path} ${anonymous.status} ${forged.status} ${anonymous.headers.get('content-type')}`);
    }
    expect(answers).toEqual(routes.map(([m, p]) => `${m} ${p} 401 401 application/problem+json; charset=utf-8`));
    expect((await t.call<{ status: string }>('GET', `/orders/${orderId}`)).body.status).toBe('placed');
  });
});
