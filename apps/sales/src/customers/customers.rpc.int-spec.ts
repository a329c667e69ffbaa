import { uuidv7 } from '@crm/persistence';
import { startSalesApp, type SalesTestApp } from '../testing/sales-test-app';
import { CustomersRpc } from './customers.rpc';

jest.setTimeout(60_000);

describe('sales request-reply for the gateway: customer 360 part and search part (real Postgres)', () => {
  let t: SalesTestApp;
  let rpc: CustomersRpc;
  const contactId = uuidv7();
  let pipeline: { id: string; stages: { id: string; name: string }[] };

  beforeAll(async () => {
    t = await startSalesApp('rpc');
    rpc = t.app.get(CustomersRpc);
    pipeline = (await t.call<typeof pipeline>('POST', '/pipelines', { body: { name: 'New business' } })).body;
    const deal = (name: string, amountMinor: number, currency: string) =>
      t.call<{ id: string }>('POST', '/deals', {
        body: { name, pipelineId: pipeline.id, contactId, amountMinor, currency },
      });
    await deal('Northwind fleet upgrade', 250_000, 'EUR');
    await deal('Northwind spare parts', 10_000, 'EUR');
    await deal('Northwind US office', 40_000, 'USD');
    const won = (await deal('Northwind pilot', 5_000, 'EUR')).body.id;
    await t.call('POST', `/deals/${won}/stage`, {
      body: { stageId: pipeline.stages.find((s) => s.name === 'Won')!.id },
    });
    await deal('Someone else', 1, 'EUR').then((r) =>
      t.db.query(`UPDATE deals SET contact_id = $2 WHERE id = $1`, [r.body.id, uuidv7()]),
    );
    for (const [ext, qty] of [
      ['SHOP-7001', 1],
      ['SHOP-7002', 3],
    ] as const) {
      const res = await t.call('POST', '/orders', {
        body: {
          channel: 'web',
          currency: 'EUR',
          contactId,
          externalOrderId: ext,
          lines: [{ sku: 'X', name: 'Gift', quantity: qty, unitPriceMinor: 1_000 }],
        },
      });
      expect(res.status).toBe(201);
    }
  });
  afterAll(() => t.close());

  it('sales.customer.summary answers open deals with their pipeline sums, recent orders and lifetime totals', async () => {
    const reply = await rpc.customer({ contactId });
    expect(reply).not.toBeNull();
    expect(reply!.openDeals.map((d) => d.name)).toEqual([
      'Northwind US office',
      'Northwind spare parts',
      'Northwind fleet upgrade',
    ]);
    expect(reply!.openDealCount).toBe(3);
    expect(reply!.openPipeline).toEqual([
      { currency: 'EUR', amountMinor: 260_000 },
      { currency: 'USD', amountMinor: 40_000 },
    ]);
    expect(reply!.recentOrders).toHaveLength(2);
    expect(reply!.orderCount).toBe(2);
    expect(reply!.lifetimeOrderTotal).toEqual([{ currency: 'EUR', amountMinor: expect.any(Number) }]);
    expect(reply!.lifetimeOrderTotal[0].amountMinor).toBe(reply!.recentOrders.reduce((s, o) => s + o.totalMinor, 0));
    // What travels over NATS is JSON.
    expect(JSON.parse(JSON.stringify(reply))).toEqual(reply);
  });

  it('sales.customer.summary answers null for a malformed id, and empty parts for an unknown contact', async () => {
    expect(await rpc.customer({ contactId: 'nope' })).toBeNull();
    expect(await rpc.customer(null)).toBeNull();
    expect(await rpc.customer({ contactId: uuidv7() })).toMatchObject({
      openDeals: [],
      recentOrders: [],
      lifetimeOrderTotal: [],
    });
  });

  it('sales.search finds deals by name and orders by shop order id, bounded, and nothing for an empty query', async () => {
    const deals = await rpc.find({ q: 'northwind', limit: 3 });
    expect(deals.hits).toHaveLength(3);
    expect(deals.hits.every((h) => h.kind === 'deal')).toBe(true);
    const won = await rpc.find({ q: 'northwind pilot' });
    expect(won.hits).toEqual([
      { kind: 'deal', id: expect.any(String), title: 'Northwind pilot', subtitle: 'won (Won)' },
    ]);
    const orders = await rpc.find({ q: 'shop-7002' });
    expect(orders.hits).toEqual([expect.objectContaining({ kind: 'order', subtitle: 'web SHOP-7002' })]);
    expect((await rpc.find({ q: '   ' })).hits).toEqual([]);
    expect((await rpc.find({ q: '100%_' })).hits).toEqual([]);
    await expect(rpc.find({ q: 'a\u0000b' })).rejects.toMatchObject({ code: 'VALIDATION_FAILED' });
  });
});
