import { uuidv7 } from '@crm/persistence';
import { waitFor } from '@crm/messaging';
import { AnalyticsTestApp, daysAgo, orderPayload } from '../testing/analytics-test-app';

jest.setTimeout(60_000);

/**
 * Five customers whose RFM scores are worked out by hand (calibration end = today):
 *   recency  A 28, B 2, C 66, D 162, E 11       -> R: A 3, B 5, C 2, D 1, E 4
 *   orders   A 4, B 1, C 3, D 1, E 2 (B, D tie) -> F: A 5, B 2, C 4, D 2, E 3
 *   spend    A 19000, B 1500, C 60000, D 900, E 8000 -> M: A 4, B 2, C 5, D 1, E 3
 * Segments (R, F): A loyal (3,5), B potential_loyalist (5,2), C at_risk (2,4),
 * D hibernating (1,2), E potential_loyalist (4,3).
 */
describe('analytics orders, RFM and CLV (real Postgres and NATS)', () => {
  let t: AnalyticsTestApp;
  const [A, B, C, D, E] = [uuidv7(), uuidv7(), uuidv7(), uuidv7(), uuidv7()];
  const refundedOrder = uuidv7();

  beforeAll(async () => {
    t = await AnalyticsTestApp.start();
  });
  afterAll(() => t?.stop());

  const order = (p: Parameters<typeof orderPayload>[0], type = 'placed') => {
    const data = orderPayload(p);
    return t.event('sales', `crm.sales.order.${type}`, data.id, data.version, data);
  };

  async function summary(id: string) {
    const rows = await t.sql<{ orders: number; monetary_minor: string; purchase_days: number; repeat_minor: string }>(
      `SELECT orders, monetary_minor, purchase_days, repeat_minor FROM customer_orders WHERE customer_id = $1`,
      [id],
    );
    return rows[0] ?? null;
  }

  it('keeps each order at its newest version: cancelled orders do not count, refunds reduce spend, a redelivery changes nothing', async () => {
    // A: two orders on one day (one purchase day), two later ones, one cancelled.
    await t.publish(order({ contactId: A, day: daysAgo(70), totalMinor: 10000 }));
    await t.publish(order({ contactId: A, day: daysAgo(70), totalMinor: 5000 }));
    await t.publish(order({ contactId: A, day: daysAgo(56), totalMinor: 2000 }));
    const cancelled = uuidv7();
    await t.publish(order({ id: cancelled, contactId: A, day: daysAgo(11), totalMinor: 99999 }));
    await t.publish(
      order(
        { id: cancelled, version: 2, contactId: A, day: daysAgo(11), totalMinor: 99999, status: 'cancelled' },
        'cancelled',
      ),
    );
    // The refund (version 2) arrives before the placement (version 1), and twice.
    const refund = order(
      {
        id: refundedOrder,
        version: 2,
        contactId: A,
        day: daysAgo(28),
        totalMinor: 3000,
        refundedMinor: 1000,
        status: 'paid',
      },
      'refunded',
    );
    await t.publish(refund);
    await t.publish(refund, `${refund.id}-again`);
    await t.publish(order({ id: refundedOrder, contactId: A, day: daysAgo(28), totalMinor: 3000 }));
    await t.publish(order({ contactId: B, day: daysAgo(2), totalMinor: 1500 }));
    for (const d of [132, 102, 66]) await t.publish(order({ contactId: C, day: daysAgo(d), totalMinor: 20000 }));
    await t.publish(order({ contactId: D, day: daysAgo(162), totalMinor: 900 }));
    for (const d of [20, 11]) await t.publish(order({ contactId: E, day: daysAgo(d), totalMinor: 4000 }));

    await waitFor(
      async () => (await t.sql<{ n: number }>(`SELECT count(*)::int AS n FROM orders`))[0].n,
      (n) => n === 12,
    );
    const a = await waitFor(
      () => summary(A),
      (s) => s?.orders === 4,
    );
    expect(a).toEqual({ orders: 4, monetary_minor: '19000', purchase_days: 3, repeat_minor: '4000' });
    const [row] = await t.sql<{ version: number; refunded_minor: string }>(
      `SELECT version, refunded_minor FROM orders WHERE order_id = $1`,
      [refundedOrder],
    );
    expect(row).toEqual({ version: 2, refunded_minor: '1000' });
  });

  it('scores every customer on demand, answers the RFM distribution and publishes each score once', async () => {
    await waitFor(
      async () => (await t.sql<{ n: number }>(`SELECT count(*)::int AS n FROM customer_orders WHERE orders > 0`))[0].n,
      (n) => n === 5,
    );
    const res = await t.post('/analytics/scores/recompute', {});
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ customers: 5, published: 5 });
    expect(await t.answerViolations('POST', '/analytics/scores/recompute', res.body)).toEqual([]);

    const scores = async (id: string) => (await t.get(`/analytics/customers/${id}/scores`)).body;
    expect(await scores(A)).toMatchObject({ r: 3, f: 5, m: 4, segment: 'loyal', recencyDays: 28, frequency: 4 });
    expect(await scores(B)).toMatchObject({ r: 5, f: 2, m: 2, segment: 'potential_loyalist' });
    expect(await scores(C)).toMatchObject({ r: 2, f: 4, m: 5, segment: 'at_risk' });
    expect(await scores(D)).toMatchObject({ r: 1, f: 2, m: 1, segment: 'hibernating' });
    expect(await scores(E)).toMatchObject({ r: 4, f: 3, m: 3, segment: 'potential_loyalist' });
    expect(await t.answerViolations('GET', '/analytics/customers/{id}/scores', await scores(A))).toEqual([]);

    const rfm = await t.get('/analytics/rfm');
    expect(rfm.status).toBe(200);
    expect(await t.answerViolations('GET', '/analytics/rfm', rfm.body)).toEqual([]);
    expect(rfm.body).toMatchObject({
      customers: 5,
      scores: { r: { 1: 1, 2: 1, 3: 1, 4: 1, 5: 1 }, f: { 1: 0, 2: 2, 3: 1, 4: 1, 5: 1 } },
    });
    const segments = rfm.body['segments'] as Record<string, { customers: number; monetaryMinor: number }>;
    expect(segments['potential_loyalist']).toMatchObject({ customers: 2, monetaryMinor: 9500 });
    expect(segments['champions'].customers).toBe(0);
    expect((await t.get('/analytics/rfm?segment=at_risk')).body).toMatchObject({ customers: 1 });

    const scored = await waitFor(
      () => t.published('crm.analytics.customer.scored'),
      (e) => e.length >= 5,
    );
    expect(scored.find((e) => e.subject === A)?.data).toMatchObject({
      customerId: A,
      segment: 'loyal',
      rfm: { r: 3, f: 5, m: 4 },
      monetaryMinor: 19000,
    });
    // A second run changes nothing, so publishes nothing.
    expect((await t.post('/analytics/scores/recompute', {})).body).toMatchObject({ published: 0 });
  });

  it('fits BG/NBD and Gamma-Gamma over the customers and gives one customer the model figures', async () => {
    const model = await t.get('/analytics/clv/model');
    expect(model.status).toBe(200);
    expect(await t.answerViolations('GET', '/analytics/clv/model', model.body)).toEqual([]);
    // Repeat purchases are purchase days after the first: A 2, C 2, E 1.
    expect(model.body).toMatchObject({
      model: 'bg-nbd',
      customers: 5,
      repeatCustomers: 3,
      repeatTransactions: 5,
      spend: { model: 'gamma-gamma', customers: 3 },
    });
    const params = model.body['params'] as Record<string, number>;
    for (const k of ['r', 'alpha', 'a', 'b']) expect(params[k]).toBeGreaterThan(0);
    expect(Number.isFinite(model.body['logLikelihood'])).toBe(true);

    const clv = await t.get(`/analytics/customers/${A}/clv?horizon=39&unit=week`);
    expect(clv.status).toBe(200);
    expect(await t.answerViolations('GET', '/analytics/customers/{id}/clv', clv.body)).toEqual([]);
    // A: first purchase 70 days ago, repeat days 56 and 28 days ago.
    expect(clv.body).toMatchObject({ frequency: 2, recency: 6, T: 10, horizon: 39 });
    expect(clv.body['pAlive']).toBeGreaterThan(0);
    expect(clv.body['pAlive']).toBeLessThanOrEqual(1);
    expect(clv.body['clv']).toBeGreaterThan(0);
    // Same data, same fit: the cached one.
    expect((await t.get('/analytics/clv/model')).body['fittedAt']).toBe(model.body['fittedAt']);
    expect((await t.get(`/analytics/customers/${uuidv7()}/clv`)).body).toMatchObject({
      code: 'CUSTOMER_HAS_NO_ORDERS',
    });
    const top = await t.get('/analytics/clv/top?limit=2');
    expect((top.body['items'] as unknown[]).length).toBe(2);
    expect(await t.answerViolations('GET', '/analytics/clv/top', top.body)).toEqual([]);
    const dist = await t.get('/analytics/clv/distribution');
    expect(dist.body).toMatchObject({ customers: 5 });
    expect(await t.answerViolations('GET', '/analytics/clv/distribution', dist.body)).toEqual([]);
  });

  it('re-scores a customer when an order arrives and publishes the new segment', async () => {
    // D buys today: recency 0 scores 5 against the cut points; 2 orders score F 3 (E's 2 orders scored 3).
    await t.publish(order({ contactId: D, day: daysAgo(0), totalMinor: 700 }));
    const ev = await waitFor(
      async () => (await t.published('crm.analytics.customer.scored')).filter((e) => e.subject === D),
      (e) => e.length >= 2,
    );
    expect(ev).toHaveLength(2);
    expect(ev[1].data).toMatchObject({ segment: 'potential_loyalist', rfm: { r: 5, f: 3 } });
  });

  it('moves a merged-away customer’s orders to the target and drops its own scores', async () => {
    await t.publish(t.event('contacts', 'crm.contacts.contact.merged', E, 2, { sourceId: E, targetId: A }));
    const a = await waitFor(
      () => summary(A),
      (s) => s?.orders === 6,
    );
    expect(a).toMatchObject({ monetary_minor: '27000', purchase_days: 5 });
    expect(await summary(E)).toBeNull();
    expect((await t.get(`/analytics/customers/${E}/scores`)).status).toBe(404);
    // A later order of the merged-away contact counts for the target.
    await t.publish(order({ contactId: E, day: daysAgo(1), totalMinor: 1000 }));
    await waitFor(
      () => summary(A),
      (s) => s?.orders === 7,
    );
  });
});
