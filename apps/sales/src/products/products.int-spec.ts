import { SALES_ORDERS_EVENTS } from '@crm/contracts';
import { startSalesApp, type SalesTestApp } from '../testing/sales-test-app';

jest.setTimeout(60_000);

interface Product {
  id: string;
  version: number;
  sku: string;
  name: string;
  model: string | null;
  category: string | null;
  unit: string;
  active: boolean;
}
interface PriceBook {
  id: string;
  version: number;
  name: string;
  currency: string;
  validFrom: string | null;
  validTo: string | null;
  isDefault: boolean;
}
interface Problem {
  code: string;
  errors?: { field: string }[];
}

describe('products and price books (real Postgres)', () => {
  let t: SalesTestApp;

  beforeAll(async () => {
    t = await startSalesApp('products');
  });
  afterAll(() => t.close());

  it('creates a product with its event, and refuses its SKU again in any case', async () => {
    const res = await t.call<Product>('POST', '/products', {
      body: { sku: 'Cam-4K', name: '4K camera', model: 'C4K-2', category: 'cameras' },
    });
    expect(res.status).toBe(201);
    expect(res.headers.get('etag')).toBe('"1"');
    expect(res.body).toMatchObject({ sku: 'Cam-4K', unit: 'each', active: true, version: 1 });
    const events = await t.outbox({ type: SALES_ORDERS_EVENTS.productCreated, subject: res.body.id });
    expect(events[0].payload.data).toMatchObject({ sku: 'Cam-4K', model: 'C4K-2' });
    const again = await t.call<Problem>('POST', '/products', { body: { sku: 'CAM-4K', name: 'Other' } });
    expect([again.status, again.body.code, again.body.errors?.[0].field]).toEqual([409, 'PRODUCT_SKU_TAKEN', 'sku']);
    expect(await t.count('products')).toBe(1);
  });

  it('deactivates a product under If-Match, with product.updated, and refuses a stale version', async () => {
    const p = (await t.call<Product>('POST', '/products', { body: { sku: 'LENS-50', name: '50 mm lens' } })).body;
    const stale = await t.call<Problem>('PATCH', `/products/${p.id}`, {
      body: { active: false },
      headers: { 'if-match': '"7"' },
    });
    expect([stale.status, stale.body.code]).toEqual([412, 'VERSION_CONFLICT']);
    const res = await t.call<Product>('PATCH', `/products/${p.id}`, {
      body: { active: false, category: 'lenses' },
      headers: { 'if-match': '"1"' },
    });
    expect(res.body).toMatchObject({ active: false, category: 'lenses', version: 2 });
    const updated = await t.outbox({ type: SALES_ORDERS_EVENTS.productUpdated, subject: p.id });
    expect(updated.map((e) => [e.payload.version, e.payload.data['active']])).toEqual([[2, false]]);
    const inactive = await t.call<{ items: Product[] }>('GET', '/products?active=false');
    expect(inactive.body.items.map((x) => x.sku)).toEqual(['LENS-50']);
    const found = await t.call<{ items: Product[] }>('GET', '/products?q=camera');
    expect(found.body.items.map((x) => x.sku)).toEqual(['Cam-4K']);
  });

  it('keeps exactly one default price book per currency: the first one, until another is made the default', async () => {
    const first = (await t.call<PriceBook>('POST', '/price-books', { body: { name: 'EUR retail', currency: 'EUR' } }))
      .body;
    expect(first.isDefault).toBe(true);
    const second = (
      await t.call<PriceBook>('POST', '/price-books', {
        body: { name: 'EUR 2027', currency: 'EUR', validFrom: '2027-01-01', validTo: '2027-12-31' },
      })
    ).body;
    expect(second.isDefault).toBe(false);
    const unset = await t.call<Problem>('PATCH', `/price-books/${first.id}`, { body: { isDefault: false } });
    expect([unset.status, unset.body.code]).toEqual([422, 'PRICE_BOOK_DEFAULT_REQUIRED']);
    const switched = await t.call<PriceBook>('PATCH', `/price-books/${second.id}`, { body: { isDefault: true } });
    expect(switched.body.isDefault).toBe(true);
    expect((await t.call<PriceBook>('GET', `/price-books/${first.id}`)).body.isDefault).toBe(false);
    const usd = (await t.call<PriceBook>('POST', '/price-books', { body: { name: 'USD list', currency: 'USD' } })).body;
    expect(usd.isDefault).toBe(true);
    const defaults = await t.db.query(
      `SELECT currency, count(*)::int AS n FROM price_books WHERE is_default GROUP BY 1`,
    );
    expect(defaults.rows.sort((a, b) => (a.currency < b.currency ? -1 : 1))).toEqual([
      { currency: 'EUR', n: 1 },
      { currency: 'USD', n: 1 },
    ]);
    const badDates = await t.call<Problem>('PATCH', `/price-books/${second.id}`, { body: { validTo: '2026-12-31' } });
    expect([badDates.status, badDates.body.errors?.[0].field]).toEqual([400, 'validTo']);
  });

  it('sets, lists and removes prices of a book', async () => {
    const book = (await t.call<PriceBook>('POST', '/price-books', { body: { name: 'GBP', currency: 'GBP' } })).body;
    const products = (await t.call<{ items: Product[] }>('GET', '/products')).body.items;
    for (const [i, p] of products.entries())
      expect(
        (await t.call('PUT', `/price-books/${book.id}/prices/${p.id}`, { body: { unitPriceMinor: 1000 * (i + 1) } }))
          .status,
      ).toBe(200);
    const again = await t.call<{ unitPriceMinor: number }>('PUT', `/price-books/${book.id}/prices/${products[0].id}`, {
      body: { unitPriceMinor: 5 },
    });
    expect(again.body.unitPriceMinor).toBe(5);
    const page = await t.call<{ items: { productId: string; unitPriceMinor: number }[]; nextCursor: string | null }>(
      'GET',
      `/price-books/${book.id}/prices?limit=1`,
    );
    expect(page.body.items).toHaveLength(1);
    expect(page.body.nextCursor).not.toBeNull();
    expect((await t.call('DELETE', `/price-books/${book.id}/prices/${products[0].id}`)).status).toBe(204);
    expect((await t.call('DELETE', `/price-books/${book.id}/prices/${products[0].id}`)).status).toBe(422);
    const missing = await t.call<Problem>(
      'PUT',
      `/price-books/${book.id}/prices/0190f0f0-0000-7000-8000-000000000009`,
      {
        body: { unitPriceMinor: 1 },
      },
    );
    expect([missing.status, missing.body.code]).toEqual([404, 'PRODUCT_NOT_FOUND']);
  });

  it('refuses quoting from a book outside its validity dates', async () => {
    const res = await t.call<{ items: PriceBook[] }>('GET', '/price-books?currency=EUR');
    const future = res.body.items.find((b) => b.name === 'EUR 2027');
    expect(future?.isDefault).toBe(true);
    const { priceBookFor } = await import('../price-books/price-books.service');
    const ds = t.app.get((await import('typeorm')).DataSource);
    await expect(priceBookFor(ds.manager, 'EUR', '2026-06-01', undefined)).rejects.toMatchObject({
      code: 'PRICE_BOOK_NOT_VALID',
    });
    await expect(priceBookFor(ds.manager, 'EUR', '2027-06-01', undefined)).resolves.toMatchObject({ id: future?.id });
  });
});
