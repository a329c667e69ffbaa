import { DataSource } from 'typeorm';
import { startSalesApp, type SalesTestApp } from '../testing/sales-test-app';
import { customerOrderFacts, searchOrders } from './customer-orders';
import { anonymiseContactReferences, repointContactReferences } from './order-contact-references';
import { seedCatalogue, seedDeal } from './sales-orders-fixtures';

jest.setTimeout(60_000);

const ada = '0190f0f0-0000-7000-8000-00000000ada1';
const adaDuplicate = '0190f0f0-0000-7000-8000-00000000ada2';
const bob = '0190f0f0-0000-7000-8000-00000000b0b1';

describe("a contact's orders and quotes: merge, erasure, 360 and search (real Postgres)", () => {
  let t: SalesTestApp;
  let ds: DataSource;
  const ids: Record<string, string> = {};

  beforeAll(async () => {
    t = await startSalesApp('contact_refs');
    ds = t.app.get(DataSource);
    const c = await seedCatalogue(t);
    const order = async (key: string, body: Record<string, unknown>) => {
      const res = await t.call<{ id: string; number: string }>('POST', '/orders', {
        body: { channel: 'web', currency: 'EUR', lines: [{ productId: c.cable, quantity: 1 }], ...body },
      });
      ids[key] = res.body.id;
      ids[`${key}.number`] = res.body.number;
    };
    const billing = {
      name: 'Ada Lovelace',
      email: 'ada@example.com',
      address: { line1: '12 St James Sq', city: 'London' },
    };
    await order('a1', { contactId: ada, externalOrderId: 'SHOP-1001', billing, placedAt: '2024-01-05T10:00:00Z' });
    await order('a2', { contactId: adaDuplicate, billing, placedAt: '2025-02-01T10:00:00Z' });
    await order('a3', {
      contactId: ada,
      currency: 'USD',
      lines: [{ sku: 'X', name: 'Gift', quantity: 2, unitPriceMinor: 700 }],
    });
    await order('b1', { contactId: bob, externalOrderId: 'SHOP-2002', billing: { name: 'Bob' } });
    await t.call('POST', `/orders/${ids['a2']}/cancel`);
    const deal = await seedDeal(t, { contactId: adaDuplicate });
    const quote = await t.call<{ id: string }>('POST', '/quotes', {
      body: { dealId: deal.dealId, lines: [{ productId: c.tv, quantity: 1 }], billing },
    });
    ids['q1'] = quote.body.id;
  });
  afterAll(() => t.close());

  it('re-points the orders and quotes of a merged contact to the target, amounts unchanged', async () => {
    const before = await t.db.query(`SELECT sum(total_minor)::bigint AS s FROM orders`);
    await ds.transaction((m) => repointContactReferences(m, adaDuplicate, ada));
    const { rows } = await t.db.query(
      `SELECT (SELECT count(*)::int FROM orders WHERE contact_id = $1) AS orders,
              (SELECT count(*)::int FROM quotes WHERE contact_id = $1) AS quotes,
              (SELECT count(*)::int FROM orders WHERE contact_id = $2) AS left`,
      [ada, adaDuplicate],
    );
    expect(rows[0]).toEqual({ orders: 3, quotes: 1, left: 0 });
    expect((await t.db.query(`SELECT sum(total_minor)::bigint AS s FROM orders`)).rows[0]).toEqual(before.rows[0]);
  });

  it("answers the 360's recent orders and lifetime totals per currency, cancelled orders left out of the totals", async () => {
    const facts = await customerOrderFacts(ds.manager, ada);
    expect(facts.recentOrders.map((o) => o.id)).toEqual([ids['a3'], ids['a2'], ids['a1']]);
    expect(facts.lifetime).toEqual([
      expect.objectContaining({
        currency: 'EUR',
        orders: 1,
        totalMinor: 1_999,
        netMinor: 1_999,
        firstOrderAt: '2024-01-05T10:00:00.000Z',
      }),
      expect.objectContaining({ currency: 'USD', orders: 1, totalMinor: 1_400, refundedMinor: 0 }),
    ]);
    expect(await customerOrderFacts(ds.manager, '0190f0f0-0000-7000-8000-000000000000')).toEqual({
      recentOrders: [],
      lifetime: [],
    });
  });

  it('finds orders by number or external id, whole or by prefix, in any case', async () => {
    expect((await searchOrders(ds.manager, 'shop-1001', 10)).map((o) => o.id)).toEqual([ids['a1']]);
    expect((await searchOrders(ds.manager, 'SHOP-', 10)).map((o) => o.id).sort()).toEqual(
      [ids['a1'], ids['b1']].sort(),
    );
    expect((await searchOrders(ds.manager, ids['b1.number'].toLowerCase(), 10)).map((o) => o.id)).toEqual([ids['b1']]);
    expect(await searchOrders(ds.manager, '%', 10)).toEqual([]);
    expect(await searchOrders(ds.manager, 'a\u0000', 10)).toEqual([]);
    expect(await searchOrders(ds.manager, '   ', 10)).toEqual([]);
  });

  it("anonymises the billing snapshot of an erased contact's orders and quotes, keeping amounts; again changes nothing", async () => {
    const totals = (await t.db.query(`SELECT id, total_minor FROM orders ORDER BY id`)).rows;
    expect(await ds.transaction((m) => anonymiseContactReferences(m, ada))).toBe(4);
    const { rows } = await t.db.query(
      `SELECT id, billing_name, billing_email, billing_address FROM orders WHERE contact_id = $1
       UNION ALL SELECT id, billing_name, billing_email, billing_address FROM quotes WHERE contact_id = $1`,
      [ada],
    );
    expect(rows.every((r) => r.billing_name === null && r.billing_email === null && r.billing_address === null)).toBe(
      true,
    );
    expect((await t.db.query(`SELECT billing_name FROM orders WHERE id = $1`, [ids['b1']])).rows[0].billing_name).toBe(
      'Bob',
    );
    expect((await t.db.query(`SELECT id, total_minor FROM orders ORDER BY id`)).rows).toEqual(totals);
    const stamp = (await t.db.query(`SELECT max(updated_at) AS u FROM orders`)).rows[0].u;
    expect(await ds.transaction((m) => anonymiseContactReferences(m, ada))).toBe(4);
    expect((await t.db.query(`SELECT max(updated_at) AS u FROM orders`)).rows[0].u).toEqual(stamp);
    const view = await t.call<{ billing: unknown }>('GET', `/orders/${ids['a1']}`);
    expect(view.body.billing).toEqual({ name: null, email: null, address: null });
    expect(await ds.transaction((m) => anonymiseContactReferences(m, '0190f0f0-0000-7000-8000-000000000000'))).toBe(0);
  });
});
